// Payload compression (§13.2 [D-gzip; D-gzipresp; D-ext enable-compression page]).
// Requests: decompressed per Content-Encoding, always on.
// Responses: compressed only when minimumCompressionSize is set, the client
// explicitly asks for a supported coding, the response has no Content-Encoding
// and the (mapped) payload is at least minimumCompressionSize bytes.

import { deflateSync, gzipSync, inflateRawSync, inflateSync, gunzipSync } from 'node:zlib';
import { GatewayError, type OutgoingResponse } from '../pipeline/types.js';

/** API Gateway's request payload limit (§14); also caps decompressed bodies. */
export const MAX_DECOMPRESSED_BYTES = 10 * 1024 * 1024;

type Coding = 'gzip' | 'deflate' | 'identity';

function normalizeCoding(token: string): string {
  const t = token.trim().toLowerCase();
  return t === 'x-gzip' ? 'gzip' : t;
}

/**
 * Undo the request's Content-Encoding (codings applied in order, so removed in
 * reverse). `identity`/absent → unchanged. Unknown coding → 415
 * UNSUPPORTED_MEDIA_TYPE; corrupt data → 400 BAD_REQUEST_BODY; more than 10 MB
 * once decompressed → 413 REQUEST_TOO_LARGE. (Choices: docs/fidelity.md "Compression:".)
 */
export function decompressRequestBody(body: Buffer, contentEncoding: string | undefined): Buffer {
  if (contentEncoding === undefined) return body;
  const codings = contentEncoding
    .split(',')
    .map(normalizeCoding)
    .filter((c) => c !== '');
  for (const c of codings) {
    if (c !== 'gzip' && c !== 'deflate' && c !== 'identity') {
      throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type', undefined, `unsupported Content-Encoding: ${c}`);
    }
  }
  let out = body;
  for (const c of codings.reverse() as Coding[]) {
    if (c === 'identity' || out.length === 0) continue;
    out = decode(out, c);
  }
  return out;
}

function decode(data: Buffer, coding: 'gzip' | 'deflate'): Buffer {
  const opts = { maxOutputLength: MAX_DECOMPRESSED_BYTES };
  try {
    if (coding === 'gzip') return gunzipSync(data, opts);
    try {
      return inflateSync(data, opts); // RFC 1950 zlib stream (what HTTP "deflate" means)
    } catch (e) {
      if (isTooLarge(e)) throw e;
      return inflateRawSync(data, opts); // raw RFC 1951, which some clients send
    }
  } catch (e) {
    if (isTooLarge(e)) {
      throw new GatewayError('REQUEST_TOO_LARGE', 'HTTP content length exceeded 10485760 bytes.', undefined, 'decompressed body exceeds 10485760 bytes');
    }
    const reason = e instanceof Error ? e.message : String(e);
    throw new GatewayError('BAD_REQUEST_BODY', 'Invalid request body', undefined, `cannot decode Content-Encoding ${coding}: ${reason}`);
  }
}

function isTooLarge(e: unknown): boolean {
  return e instanceof RangeError || (e as { code?: string } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}

interface AcceptedCoding {
  readonly coding: string;
  readonly q: number;
}

/** Parse `Accept-Encoding` (RFC 7231 §5.3.4): codings with q-values, in header order. */
export function parseAcceptEncoding(header: string): AcceptedCoding[] {
  const out: AcceptedCoding[] = [];
  for (const part of header.split(',')) {
    const [name, ...params] = part.split(';');
    const coding = normalizeCoding(name ?? '');
    if (coding === '') continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) {
        const v = Number(m[1]);
        q = Number.isFinite(v) ? Math.min(Math.max(v, 0), 1) : 0;
      }
    }
    out.push({ coding, q });
  }
  return out;
}

/**
 * The coding API Gateway would use for a response, or undefined for none.
 * Absent header means `*` → no compression; the highest-priority coding must be
 * gzip or deflate (`identity`, `*` or an unsupported coding there → none).
 * Among equally preferred codings the first supported one in header order wins.
 */
export function negotiateEncoding(acceptEncoding: string | undefined): 'gzip' | 'deflate' | undefined {
  if (acceptEncoding === undefined) return undefined;
  const accepted = parseAcceptEncoding(acceptEncoding).filter((a) => a.q > 0);
  if (accepted.length === 0) return undefined;
  const top = Math.max(...accepted.map((a) => a.q));
  for (const a of accepted) {
    if (a.q !== top) continue;
    if (a.coding === 'gzip' || a.coding === 'deflate') return a.coding;
  }
  return undefined;
}

function header(headers: OutgoingResponse['headers'], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of headers) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** Compress a response as API Gateway would (§13.2); returns the same object when nothing applies. */
export function compressResponse(
  response: OutgoingResponse,
  acceptEncoding: string | undefined,
  minimumCompressionSize: number | null,
): OutgoingResponse {
  if (minimumCompressionSize === null || minimumCompressionSize === undefined) return response;
  // A streamed response is not compressed (API Gateway Developer Guide, response-transfer-mode: no content encoding).
  if (response.stream) return response;
  if (header(response.headers, 'content-encoding') !== undefined) return response;
  if (response.body.length < minimumCompressionSize) return response;
  if (response.body.length === 0) return response; // nothing to compress (empty bodies stay empty)
  const coding = negotiateEncoding(acceptEncoding);
  if (coding === undefined) return response;
  const body = coding === 'gzip' ? gzipSync(response.body) : deflateSync(response.body);
  const headers: Array<[string, string]> = [];
  for (const [k, v] of response.headers) {
    if (k.toLowerCase() === 'content-length') headers.push([k, String(body.length)]);
    else headers.push([k, v]);
  }
  headers.push(['Content-Encoding', coding]);
  return { statusCode: response.statusCode, headers, body };
}
