// The HTTP adapter: bytes on the wire ⇄ IncomingRequest / OutgoingResponse.
// It owns what API Gateway's front end does before and after the pipeline:
// body size limit (§14), request decompression and response compression
// (§13.2), and the headers every response carries (§13.3).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { extendedRequestId, uuid } from '../ids.js';
import type { Pairs, IncomingRequest, OutgoingResponse } from '../pipeline/types.js';

/** 10 MB, not increasable (§14 [D-limits]). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Total size of header names and values we accept before answering 431 (§14: 10,240 bytes of values). */
export const MAX_HEADER_BYTES = 10 * 1024;
/** Regional endpoints accept URLs up to 10,240 characters (§14). */
export const MAX_URL_LENGTH = 10 * 1024;

export type BodyOutcome = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly reason: 'too-large' | 'aborted' };

const EMPTY = Buffer.alloc(0);
/** From this declared Content-Length on, the body is read into one buffer of that size. */
const PREALLOCATE_BYTES = 64 * 1024;
const EMPTY_BODY: BodyOutcome = { ok: true, body: EMPTY };

/** Read the whole body, stopping (without buffering further) once it passes the limit. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyOutcome> {
  const lengthHeader = req.headers['content-length'];
  // No Content-Length and no Transfer-Encoding: HTTP/1.1 says there is no body (node:http ends the stream itself).
  if (lengthHeader === undefined && req.headers['transfer-encoding'] === undefined) return Promise.resolve(EMPTY_BODY);
  const declared = Number(lengthHeader);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ ok: false, reason: 'too-large' });
  // A large declared body is copied into one buffer as it comes: each chunk (and the socket read
  // it is a slice of) is freed at once, instead of all of them living until a final concat.
  const into = Number.isFinite(declared) && declared >= PREALLOCATE_BYTES ? Buffer.allocUnsafe(declared) : undefined;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: BodyOutcome) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      if (into !== undefined && size + chunk.length <= into.length) {
        chunk.copy(into, size);
        size += chunk.length;
        return;
      }
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.pause();
        settle({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    const whole = (): Buffer => {
      if (into !== undefined) return size === into.length ? into : into.subarray(0, size);
      return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    };
    req.on('data', onData);
    req.once('end', () => settle({ ok: true, body: whole() }));
    // A client that goes away mid-body must never reach the integration (no partial uploads).
    req.once('aborted', () => settle({ ok: false, reason: 'aborted' }));
    req.once('error', () => settle({ ok: false, reason: 'aborted' }));
    req.once('close', () => {
      if (!req.complete) settle({ ok: false, reason: 'aborted' });
    });
  });
}

function pairsOf(raw: string[]): Pairs {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

function decodeQueryComponent(s: string): string {
  const spaced = s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** `a=1&b=2&a=3` → ordered pairs; a key without `=` has the empty value. */
export function parseQuery(rawQuery: string): Pairs {
  if (rawQuery === '') return [];
  const out: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeQueryComponent(eq === -1 ? part : part.slice(0, eq));
    out.push([key, eq === -1 ? '' : decodeQueryComponent(part.slice(eq + 1))]);
  }
  return out;
}

/** The client address as $context.identity.sourceIp shows it: one per connection, so kept on the socket. */
const SOURCE_IP = Symbol('restgate.sourceIp');
function sourceIpOf(req: IncomingMessage): string {
  const socket = req.socket as IncomingMessage['socket'] & { [SOURCE_IP]?: string };
  let ip = socket[SOURCE_IP];
  if (ip === undefined) {
    ip = (socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    socket[SOURCE_IP] = ip;
  }
  return ip;
}

export function toIncomingRequest(req: IncomingMessage, body: Buffer, now = Date.now()): IncomingRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawQuery = q === -1 ? '' : url.slice(q + 1);
  return {
    requestId: uuid(),
    extendedRequestId: extendedRequestId(),
    startTime: now,
    httpMethod: (req.method ?? 'GET').toUpperCase(),
    rawPath: q === -1 ? url : url.slice(0, q),
    rawQuery,
    query: parseQuery(rawQuery),
    headers: pairsOf(req.rawHeaders),
    body,
    sourceIp: sourceIpOf(req),
    protocol: req.httpVersion === '1.1' ? 'HTTP/1.1' : `HTTP/${req.httpVersion}`,
  };
}

/** Sum of header name and value lengths as received. */
export function headerBytes(req: IncomingMessage): number {
  const raw = req.rawHeaders;
  let chars = 0;
  for (let i = 0; i < raw.length; i++) chars += raw[i]!.length;
  // A UTF-16 unit is at most 3 UTF-8 bytes: counting bytes is needed only near the limit.
  if (chars * 3 <= MAX_HEADER_BYTES) return chars;
  let n = 0;
  for (const part of raw) n += Buffer.byteLength(part);
  return n;
}

/**
 * Write a pipeline response with the headers API Gateway always adds (§13.3). A streamed one
 * returns a promise that settles once its source has ended (everything the integration sends was
 * handed to the socket, or the stream was cut).
 */
export function writeResponse(
  res: ServerResponse,
  response: OutgoingResponse,
  ids: { readonly requestId: string; readonly extendedRequestId: string },
): Promise<void> | undefined {
  // A flat [name, value, name, value, ...] list; a name repeated in another case joins the first spelling.
  const out: string[] = [];
  let hasContentType = false;
  const headers = response.headers;
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i]!;
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection') continue;
    if (lower === 'content-type') hasContentType = true;
    let j = 0;
    while (j < out.length && out[j]!.toLowerCase() !== lower) j += 2;
    if (j === out.length) {
      out.push(name, value);
      continue;
    }
    // Same name again (any case): after the others of its group, under the first spelling.
    let end = j + 2;
    while (end < out.length && out[end] === out[j]) end += 2;
    out.splice(end, 0, out[j]!, value);
  }
  if (!hasContentType) out.push('Content-Type', 'application/json');
  out.push('x-amzn-RequestId', ids.requestId, 'x-amz-apigw-id', ids.extendedRequestId);

  // 204 and 304 have no body (RFC 9110 §6.4.1); a 204 has no Content-Length either (§8.6).
  const status = response.statusCode;
  const bodiless = status === 204 || status === 304;
  if (response.stream) {
    // Chunked, as API Gateway sends a stream whose metadata gives no length (response-transfer-mode-lambda).
    out.push('Connection', connectionOf(res));
    res.writeHead(status, out);
    // A stream destroyed with an error (the integration failed part-way) destroys the response: the
    // client sees the connection end without the final chunk. A client that goes away ends the pipe too.
    pipeline(response.stream, res).catch(() => {});
    return sourceEnded(response.stream);
  }
  if (status !== 204) out.push('Content-Length', String(response.body.length));
  out.push('Connection', connectionOf(res));
  res.writeHead(status, out);
  res.end(bodiless ? undefined : response.body);
  return undefined;
}

/**
 * The Connection header as API Gateway sends it (§13.3), without the `Keep-Alive: timeout=…` line node:http
 * adds when it writes Connection itself: keep-alive exactly when node keeps the connection (a client asking
 * to close, or HTTP/1.0 without keep-alive, gets close, and node then closes it).
 */
export function connectionOf(res: ServerResponse): string {
  return res.shouldKeepAlive ? 'keep-alive' : 'close';
}

/** Settles when `stream` has ended or was destroyed, never rejecting. */
export function sourceEnded(stream: Readable): Promise<void> {
  return finished(stream, { writable: false }).then(
    () => undefined,
    () => undefined,
  );
}
