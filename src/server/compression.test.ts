import { deflateRawSync, deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { thrownGatewayError } from '../../test/support/http.js';
import { describe, expect, it } from 'vitest';
import type { OutgoingResponse } from '../pipeline/types.js';
import { compressResponse, decompressRequestBody, negotiateEncoding, parseAcceptEncoding } from './compression.js';

const payload = Buffer.from(JSON.stringify({ items: Array.from({ length: 50 }, (_, i) => ({ id: i, name: `pet ${i}` })) }));
const resp = (body: Buffer = payload, headers: Array<[string, string]> = [['Content-Type', 'application/json']]): OutgoingResponse => ({
  statusCode: 200,
  headers,
  body,
});

const thrown = thrownGatewayError;

describe('response compression (§13.2; D-gzipresp, D-ext enable-compression page)', () => {
  it('gzip when asked explicitly and the payload reaches the minimum; Content-Encoding added', () => {
    const r = compressResponse(resp(), 'gzip', 0);
    expect(r.statusCode).toBe(200);
    expect(r.headers).toEqual([
      ['Content-Type', 'application/json'],
      ['Content-Encoding', 'gzip'],
    ]);
    expect(gunzipSync(r.body)).toEqual(payload);
  });

  it('deflate is the zlib format', () => {
    const r = compressResponse(resp(), 'deflate', 0);
    expect(r.headers.at(-1)).toEqual(['Content-Encoding', 'deflate']);
    expect(inflateSync(r.body)).toEqual(payload);
  });

  it('an existing Content-Length is updated to the compressed size', () => {
    const r = compressResponse(resp(payload, [['Content-Length', String(payload.length)]]), 'gzip', 0);
    expect(r.headers[0]).toEqual(['Content-Length', String(r.body.length)]);
    expect(r.body.length).toBeLessThan(payload.length);
  });

  it('compression disabled (minimumCompressionSize null) → unchanged (D-gzip)', () => {
    const original = resp();
    expect(compressResponse(original, 'gzip', null)).toBe(original);
  });

  it('payload below the minimum → unchanged; equal to it → compressed (D-gzipresp "greater than or equal")', () => {
    const original = resp();
    expect(compressResponse(original, 'gzip', payload.length + 1)).toBe(original);
    expect(compressResponse(original, 'gzip', payload.length).headers.at(-1)).toEqual(['Content-Encoding', 'gzip']);
  });

  it('an empty body stays empty even with minimumCompressionSize 0 (choice, docs/fidelity.md)', () => {
    const empty = resp(Buffer.alloc(0));
    expect(compressResponse(empty, 'gzip', 0)).toBe(empty);
  });

  it('no Accept-Encoding means * → no compression (D-gzipresp)', () => {
    const original = resp();
    expect(compressResponse(original, undefined, 0)).toBe(original);
    expect(compressResponse(original, '*', 0)).toBe(original);
    expect(compressResponse(original, '', 0)).toBe(original);
  });

  it('integration response already has Content-Encoding → unchanged (D-gzipresp)', () => {
    const original = resp(payload, [['content-encoding', 'br']]);
    expect(compressResponse(original, 'gzip', 0)).toBe(original);
  });

  it('q-values: the highest-priority coding must be supported (D-ext enable-compression page)', () => {
    expect(negotiateEncoding('deflate;q=0.5,gzip;q=1.0')).toBe('gzip');
    expect(negotiateEncoding('gzip;q=0.5,deflate;q=0.8')).toBe('deflate');
    expect(negotiateEncoding('gzip;q=1.0,identity;q=0.5,*;q=0')).toBe('gzip');
    expect(negotiateEncoding('deflate,gzip')).toBe('deflate');
    expect(negotiateEncoding('br;q=1.0,gzip;q=0.8')).toBeUndefined();
    expect(negotiateEncoding('identity;q=1,gzip;q=0.5')).toBeUndefined();
    expect(negotiateEncoding('*;q=1,gzip;q=0.2')).toBeUndefined();
    expect(negotiateEncoding('gzip;q=0')).toBeUndefined();
    expect(negotiateEncoding('identity;q=0')).toBeUndefined();
    expect(negotiateEncoding('identity;q=0, gzip')).toBe('gzip');
    expect(negotiateEncoding('GZIP')).toBe('gzip');
  });

  it('browser-style lists: the first supported coding among equals (choice, docs/fidelity.md)', () => {
    expect(negotiateEncoding('gzip, deflate, br, zstd')).toBe('gzip');
    expect(negotiateEncoding('br, deflate, gzip')).toBe('deflate');
    expect(compressResponse(resp(), 'br, gzip', 0).headers.at(-1)).toEqual(['Content-Encoding', 'gzip']);
  });

  it('parses q-values with spaces and clamps them', () => {
    expect(parseAcceptEncoding(' gzip ; q=0.3 , deflate;Q=2, br;q=x')).toEqual([
      { coding: 'gzip', q: 0.3 },
      { coding: 'deflate', q: 1 },
      { coding: 'br', q: 1 },
    ]);
  });
});

describe('request decompression (§13.2; D-gzip)', () => {
  const text = Buffer.from('{"name":"Marco","type":"dog"}');

  it('identity or no Content-Encoding → the same bytes', () => {
    expect(decompressRequestBody(text, undefined)).toBe(text);
    expect(decompressRequestBody(text, 'identity')).toEqual(text);
  });

  it('gzip, x-gzip and deflate (zlib and raw) are decoded', () => {
    expect(decompressRequestBody(gzipSync(text), 'gzip')).toEqual(text);
    expect(decompressRequestBody(gzipSync(text), 'X-GZIP')).toEqual(text);
    expect(decompressRequestBody(deflateSync(text), 'deflate')).toEqual(text);
    expect(decompressRequestBody(deflateRawSync(text), 'deflate')).toEqual(text);
  });

  it('stacked codings are removed in reverse order', () => {
    expect(decompressRequestBody(gzipSync(deflateSync(text)), 'deflate, gzip')).toEqual(text);
  });

  it('empty body with a coding stays empty', () => {
    expect(decompressRequestBody(Buffer.alloc(0), 'gzip')).toEqual(Buffer.alloc(0));
  });

  it('unknown coding → 415 UNSUPPORTED_MEDIA_TYPE (choice, docs/fidelity.md)', () => {
    const e = thrown(() => decompressRequestBody(text, 'br'));
    expect(e.type).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(e.message).toBe('Unsupported Media Type');
  });

  it('corrupt data → 400 BAD_REQUEST_BODY (choice, docs/fidelity.md)', () => {
    const e = thrown(() => decompressRequestBody(text, 'gzip'));
    expect(e.type).toBe('BAD_REQUEST_BODY');
    expect(e.message).toBe('Invalid request body');
    expect(e.detail).toMatch(/^cannot decode Content-Encoding gzip: /);
  });

  it('a body over 10 MB once decompressed → 413 REQUEST_TOO_LARGE (§14)', () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024 + 1));
    const e = thrown(() => decompressRequestBody(bomb, 'gzip'));
    expect(e.type).toBe('REQUEST_TOO_LARGE');
    const d = thrown(() => decompressRequestBody(deflateSync(Buffer.alloc(10 * 1024 * 1024 + 1)), 'deflate'));
    expect(d.type).toBe('REQUEST_TOO_LARGE');
  });
});
