// The HTTP adapter: bytes on the wire ⇄ IncomingRequest / OutgoingResponse.
// It owns what API Gateway's front end does before and after the pipeline:
// body size limit (§14), request decompression and response compression
// (§13.2), and the headers every response carries (§13.3).

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pairs, IncomingRequest, OutgoingResponse } from '../pipeline/types.js';

/** 10 MB, not increasable (§14 [D-limits]). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Total size of header names and values we accept before answering 431 (§14: 10,240 bytes of values). */
export const MAX_HEADER_BYTES = 10 * 1024;
/** Regional endpoints accept URLs up to 10,240 characters (§14). */
export const MAX_URL_LENGTH = 10 * 1024;

export type BodyOutcome = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly reason: 'too-large' | 'aborted' };

/** Read the whole body, stopping (without buffering further) once it passes the limit. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyOutcome> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ ok: false, reason: 'too-large' });
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
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.pause();
        settle({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => settle({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) }));
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

/**
 * Short id shaped like `x-amz-apigw-id` (`ca2IdHHqoAMFo6w=`: 11 bytes, base64),
 * taken from the request's UUID so no second random draw is needed per request.
 */
export function extendedRequestId(requestId: string = randomUUID()): string {
  return Buffer.from(requestId.replace(/-/g, '').slice(0, 22), 'hex').toString('base64');
}

export function toIncomingRequest(req: IncomingMessage, body: Buffer, now = Date.now()): IncomingRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawQuery = q === -1 ? '' : url.slice(q + 1);
  const requestId = randomUUID();
  return {
    requestId,
    extendedRequestId: extendedRequestId(requestId),
    startTime: now,
    httpMethod: (req.method ?? 'GET').toUpperCase(),
    rawPath: q === -1 ? url : url.slice(0, q),
    rawQuery,
    query: parseQuery(rawQuery),
    headers: pairsOf(req.rawHeaders),
    body,
    sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    protocol: `HTTP/${req.httpVersion}`,
  };
}

/** Sum of header name and value lengths as received. */
export function headerBytes(req: IncomingMessage): number {
  let n = 0;
  for (const part of req.rawHeaders) n += Buffer.byteLength(part);
  return n;
}

/** Write a pipeline response with the headers API Gateway always adds (§13.3). */
export function writeResponse(
  res: ServerResponse,
  response: OutgoingResponse,
  ids: { readonly requestId: string; readonly extendedRequestId: string },
): void {
  const headers: Record<string, string | string[]> = {};
  const lowerSeen = new Map<string, string>();
  for (const [name, value] of response.headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection') continue;
    const existing = lowerSeen.get(lower);
    if (existing === undefined) {
      lowerSeen.set(lower, name);
      headers[name] = value;
    } else {
      const prev = headers[existing]!;
      headers[existing] = Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
  }
  if (!lowerSeen.has('content-type')) headers['Content-Type'] = 'application/json';
  headers['x-amzn-RequestId'] = ids.requestId;
  headers['x-amz-apigw-id'] = ids.extendedRequestId;
  headers['Content-Length'] = String(response.body.length);
  res.writeHead(response.statusCode, headers);
  res.end(response.body);
}
