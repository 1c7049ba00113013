// Media-type rules shared by the pipeline steps (§1.1, §1.2, §2.1, §2.3).

import type { Pairs } from './types.js';

/** `application/json; charset=UTF-8` → `application/json` (parameters dropped, trimmed). */
export function mimeType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const semi = value.indexOf(';');
  const type = (semi === -1 ? value : value.slice(0, semi)).trim();
  return type === '' ? undefined : type;
}

/** First value of a header, names compared case-insensitively (HTTP semantics). */
export function headerValue(headers: Pairs, name: string): string | undefined {
  const lower = name.toLowerCase();
  const n = lower.length;
  // Names of another length cannot match: most are skipped without lower-casing them.
  for (let i = 0; i < headers.length; i++) {
    const k = headers[i]![0];
    if (k.length === n && (k === lower || k.toLowerCase() === lower)) return headers[i]![1];
  }
  return undefined;
}

/** Last value of a header, names compared case-insensitively: what API Gateway's single-value views take. */
export function lastHeaderValue(headers: Pairs, name: string): string | undefined {
  const lower = name.toLowerCase();
  let value: string | undefined;
  for (let i = 0; i < headers.length; i++) {
    const [k, v] = headers[i]!;
    if (k.length === lower.length && k.toLowerCase() === lower) value = v;
  }
  return value;
}

/** The request's Content-Type as a bare MIME type, or undefined when absent. */
export function contentType(headers: Pairs): string | undefined {
  return mimeType(headerValue(headers, 'content-type'));
}

/** Only the first media type of Accept counts (§1.1): `image/webp,image/*;q=0.8` → `image/webp`. */
export function firstAcceptType(headers: Pairs): string | undefined {
  const accept = headerValue(headers, 'accept');
  if (accept === undefined) return undefined;
  const comma = accept.indexOf(',');
  return mimeType(comma === -1 ? accept : accept.slice(0, comma));
}

/**
 * Does a media type match binaryMediaTypes (§1.2)? Entries may be exact,
 * `type/*` or `*\/*`; wildcards count only on the binaryMediaTypes side, so a
 * client's `*\/*` or `image/*` does not match `image/png`. Case-sensitive
 * (choice recorded in docs/fidelity.md).
 */
export function isBinaryMediaType(mediaType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (binaryMediaTypes.length === 0) return false;
  const type = mimeType(mediaType);
  for (const entry of binaryMediaTypes) {
    if (entry === '*/*') return true;
    if (type === undefined) continue;
    if (entry === type) return true;
    if (entry.endsWith('/*')) {
      const slash = type.indexOf('/');
      if (slash !== -1 && type.slice(0, slash + 1) === entry.slice(0, -1)) return true;
    }
  }
  return false;
}
