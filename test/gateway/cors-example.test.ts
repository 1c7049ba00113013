// examples/cors-api over HTTP: exact preflight, success and error responses
// (§13.1 [D-cors]; §9.2–9.3 [D-gwtypes, D-gwdef]; §10 [D-validtest]; §13.2 [D-gzipresp]).

import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { serveForTests } from '../support/http.js';

const definition = fileURLToPath(new URL('../../examples/cors-api/openapi.yaml', import.meta.url));
const { call } = serveForTests(definition);

describe('examples/cors-api', () => {
  it('OPTIONS preflight: 200, empty body, the three Allow headers from static mappings', async () => {
    const r = await call('OPTIONS', '/notes', {
      Origin: 'http://localhost:8080',
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'content-type,x-request-tag',
    });
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(0);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['access-control-allow-methods']).toBe('GET,POST,PUT,OPTIONS');
    expect(r.headers['access-control-allow-headers']).toBe('Content-Type,X-Request-Tag');
    expect(r.headers['access-control-max-age']).toBe('0');
  });

  it('GET carries Access-Control-Allow-Origin from its integration response', async () => {
    const r = await call('GET', '/notes', { Origin: 'http://localhost:8080' });
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body.toString()).toBe('{"notes":[{"id":1,"text":"hello"}]}');
  });

  it('PUT valid → 200; missing header and invalid body → 400 from DEFAULT_4XX with CORS headers', async () => {
    const ok = await call('PUT', '/notes', { 'Content-Type': 'application/json', 'X-Request-Tag': 't' }, '{"text":"hi"}');
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toBe('{"stored":true,"method":"PUT","resource":"/notes"}');
    expect(ok.headers['access-control-allow-origin']).toBe('*');

    const noTag = await call('PUT', '/notes', { 'Content-Type': 'application/json' }, '{"text":"hi"}');
    expect(noTag.status).toBe(400);
    expect(noTag.body.toString()).toBe(
      '{"message":"Missing required request parameters: [X-Request-Tag]","type":"BAD_REQUEST_PARAMETERS"}',
    );
    expect(noTag.headers['access-control-allow-origin']).toBe('*');
    expect(noTag.headers['access-control-allow-headers']).toBe('Content-Type,X-Request-Tag');
    expect(noTag.headers['x-amzn-errortype']).toBe('BadRequestException');
    expect(noTag.headers['content-type']).toBe('application/json');

    const bad = await call('PUT', '/notes', { 'Content-Type': 'application/json', 'X-Request-Tag': 't' }, '{"text":""}');
    expect(bad.status).toBe(400);
    expect(bad.body.toString()).toBe('{"message":"Invalid request body","type":"BAD_REQUEST_BODY"}');
    expect(bad.headers['access-control-allow-origin']).toBe('*');
  });

  it('unknown path → 403 Missing Authentication Token, customised by DEFAULT_4XX (status kept, §9.2 MS-1756)', async () => {
    const r = await call('GET', '/nope');
    expect(r.status).toBe(403);
    expect(r.body.toString()).toBe('{"message":"Missing Authentication Token","type":"MISSING_AUTHENTICATION_TOKEN"}');
    expect(r.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    expect(r.headers['access-control-allow-origin']).toBe('*');
  });

  it('gzip request bodies are decompressed before validation (§13.2 D-gzip)', async () => {
    const { gzipSync } = await import('node:zlib');
    const r = await call(
      'PUT',
      '/notes',
      { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'X-Request-Tag': 't' },
      gzipSync('{"text":"zipped"}'),
    );
    expect(r.status).toBe(200);
    const broken = await call(
      'PUT',
      '/notes',
      { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'X-Request-Tag': 't' },
      'not gzip',
    );
    expect(broken.status).toBe(400);
    expect(broken.body.toString()).toBe('{"message":"Invalid request body","type":"BAD_REQUEST_BODY"}');
    expect(broken.headers['access-control-allow-origin']).toBe('*');
    // Compression of responses stays off: the example sets no minimum compression size.
    const plain = await call('GET', '/notes', { 'Accept-Encoding': 'gzip' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(() => gunzipSync(plain.body)).toThrow();
  });
});
