// Signature Version 4 as API Gateway checks it for AWS_IAM methods (§12.5): the canonical request,
// the string to sign and the signature of a request signed with an Authorization header or a
// presigned URL (AWS General Reference, "Create a signed AWS API request"). Written here, not taken
// from a signing library, because API Gateway's refusal shows the canonical request and the string
// to sign it computed: restgate shows the same text.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Pairs } from './types.js';

export const ALGORITHM = 'AWS4-HMAC-SHA256';

/** What a request's Authorization header (or presigned query) says about its signature. */
export interface SignatureClaim {
  readonly accessKeyId: string;
  /** The credential scope's parts: yyyymmdd, region, service. */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  /** The signed headers, lower case, as listed. */
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** X-Amz-Date (or the Date header), as sent. */
  readonly amzDate: string;
  /** Presigned: X-Amz-Expires (seconds). */
  readonly expires?: number | undefined;
  readonly presigned: boolean;
}

/** The request as it came, for its canonical form: the raw path (before decoding) and the decoded query. */
export interface SignedRequest {
  readonly httpMethod: string;
  readonly rawPath: string;
  readonly query: Pairs;
  readonly headers: Pairs;
  readonly body: Buffer;
}

/** Characters SigV4 leaves as they are (RFC 3986 unreserved); everything else is %XX, upper case. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonical URI: the path as sent, normalized (empty, `.` and `..` segments resolved) and each
 * segment URI-encoded again (every service but S3 encodes twice).
 */
export function canonicalUri(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `/${segments.map(uriEncode).join('/')}${trailing}`;
}

/** The canonical query string: each name and value encoded, sorted by name then value; a presigned URL's signature left out. */
export function canonicalQuery(query: Pairs, presigned: boolean): string {
  const parts: Array<[string, string]> = [];
  for (const [k, v] of query) if (!(presigned && k === 'X-Amz-Signature')) parts.push([uriEncode(k), uriEncode(v)]);
  parts.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return parts.map(([k, v]) => `${k}=${v}`).join('&');
}

/** A signed header's canonical value: its values in order, joined with commas, each trimmed with inner runs of spaces made one. */
function headerValues(headers: Pairs, name: string): string {
  const values: string[] = [];
  for (const [k, v] of headers) if (k.toLowerCase() === name) values.push(v.trim().replace(/\s+/g, ' '));
  return values.join(',');
}

/** The hex SHA-256 of the payload: x-amz-content-sha256 as sent, else of the body. */
function payloadHash(request: SignedRequest): string {
  const given = headerValues(request.headers, 'x-amz-content-sha256');
  return given !== '' ? given : createHash('sha256').update(request.body).digest('hex');
}

export function canonicalRequest(request: SignedRequest, claim: SignatureClaim): string {
  const headers = claim.signedHeaders.map((h) => `${h}:${headerValues(request.headers, h)}\n`).join('');
  return [
    request.httpMethod,
    canonicalUri(request.rawPath),
    canonicalQuery(request.query, claim.presigned),
    headers,
    claim.signedHeaders.join(';'),
    payloadHash(request),
  ].join('\n');
}

export function scopeOf(claim: SignatureClaim): string {
  return `${claim.date}/${claim.region}/${claim.service}/aws4_request`;
}

export function stringToSign(canonical: string, claim: SignatureClaim): string {
  return [ALGORITHM, claim.amzDate, scopeOf(claim), createHash('sha256').update(canonical).digest('hex')].join('\n');
}

/** The signature `secretAccessKey` gives `toSign` in the claim's scope. */
export function signatureOf(secretAccessKey: string, claim: SignatureClaim, toSign: string): string {
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const kDate = hmac(`AWS4${secretAccessKey}`, claim.date);
  const kSigning = hmac(hmac(hmac(kDate, claim.region), claim.service), 'aws4_request');
  return createHmac('sha256', kSigning).update(toSign).digest('hex');
}

/** Whether two hex signatures are the same, in constant time. */
export function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `20261203T171500Z` → ms since the epoch; NaN when it is not that form. */
export function parseAmzDate(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

/** ms since the epoch → `20261203T171500Z`. */
export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
