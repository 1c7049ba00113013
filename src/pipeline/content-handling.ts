// Payload conversions between text and binary (§1.3 request, §1.4 response).
// A payload is either text (a string a template can see as $input.body) or
// bytes (passed through untouched; a template cannot render bytes).

import type { ContentHandling } from '../definition/model.js';
import { GatewayError } from './types.js';

export type Payload = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'binary'; readonly bytes: Buffer };

export const text = (value: string): Payload => ({ kind: 'text', text: value });
export const binary = (bytes: Buffer): Payload => ({ kind: 'binary', bytes });

export function payloadBytes(payload: Payload): Buffer {
  return payload.kind === 'binary' ? payload.bytes : Buffer.from(payload.text, 'utf8');
}

function configurationError(detail: string): GatewayError {
  return new GatewayError('API_CONFIGURATION_ERROR', 'Internal server error', undefined, detail);
}

/**
 * Base64-decode the way a MIME decoder does: characters outside the base64
 * alphabet (whitespace, quotes of a JSON string) are skipped; what remains
 * must be well-formed (padding only at the end, not 1 mod 4 data characters).
 * Choice recorded in docs/fidelity.md ("Binary payloads").
 */
export function decodeBase64(value: string): Buffer {
  const cleaned = value.replace(/[^A-Za-z0-9+/=]/g, '');
  const firstPad = cleaned.indexOf('=');
  const data = firstPad === -1 ? cleaned : cleaned.slice(0, firstPad);
  const padding = firstPad === -1 ? '' : cleaned.slice(firstPad);
  if (!/^={0,2}$/.test(padding) || data.length % 4 === 1 || (padding !== '' && (data.length + padding.length) % 4 !== 0)) {
    throw configurationError('Unable to base64-decode the payload');
  }
  return Buffer.from(data, 'base64');
}

/** §1.3: what reaches the integration, given whether Content-Type matched binaryMediaTypes. */
export function convertRequestPayload(body: Buffer, isBinary: boolean, handling: ContentHandling | undefined): Payload {
  if (isBinary) {
    return handling === 'CONVERT_TO_TEXT' ? text(body.toString('base64')) : binary(body);
  }
  const utf8 = body.toString('utf8');
  return handling === 'CONVERT_TO_BINARY' ? binary(decodeBase64(utf8)) : text(utf8);
}

/** §1.4: the method response payload, given the endpoint payload type and the client's first Accept type. */
export function convertResponsePayload(
  body: Buffer,
  isBinaryPayload: boolean,
  isBinaryAccept: boolean,
  handling: ContentHandling | undefined,
): Payload {
  const toText = handling === 'CONVERT_TO_TEXT' || (handling === undefined && !isBinaryAccept);
  if (isBinaryPayload) return toText ? text(body.toString('base64')) : binary(body);
  const utf8 = body.toString('utf8');
  return toText ? text(utf8) : binary(decodeBase64(utf8));
}

/** A mapping template can only render text (§1.3, §1.4 [LS-ir]): bytes + template → 500. */
export function requireText(payload: Payload): string {
  if (payload.kind === 'binary') throw configurationError('A mapping template cannot be applied to a binary payload');
  return payload.text;
}
