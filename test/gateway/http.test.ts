// Gateway responses, validation and compression through the real server
// (§9.2–9.3 [D-gwtypes, D-gwdef, MS-1756]; §10 [D-validtest]; §13.2 [D-gzipresp]).

import { fileURLToPath } from 'node:url';
import { gunzipSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { serveForTests } from '../support/http.js';

const definition = fileURLToPath(new URL('./fixtures/gateway.yaml', import.meta.url));
const { call } = serveForTests(definition);

describe('gateway responses over HTTP', () => {
  it('customised MISSING_AUTHENTICATION_TOKEN: 404, template by Accept, mapped headers (MS-1756)', async () => {
    const json = await call('GET', '/nowhere');
    expect(json.status).toBe(404);
    expect(json.body.toString()).toBe('{"error":"no such route","path":"/v1/nowhere","type":"MISSING_AUTHENTICATION_TOKEN"}');
    expect(json.headers['content-type']).toBe('application/json');
    expect(json.headers['x-request-path']).toBe('/v1/nowhere');
    expect(json.headers['x-stage']).toBe('v1');
    expect(json.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    expect(json.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(json.headers['content-length']).toBe(String(json.body.length));
    // The specific entry wins over DEFAULT_4XX entirely (no X-Family header).
    expect(json.headers['x-family']).toBeUndefined();

    const text = await call('GET', '/nowhere', { Accept: 'text/plain' });
    expect(text.status).toBe(404);
    expect(text.headers['content-type']).toBe('text/plain');
    expect(text.body.toString()).toBe('no such route: Missing Authentication Token');
  });

  it('BAD_REQUEST_PARAMETERS falls back to DEFAULT_4XX: its status 422 and headers, default template (§9.2)', async () => {
    const r = await call('GET', '/items', { 'x-tag': 'abc' });
    expect(r.status).toBe(422);
    expect(r.body.toString()).toBe('{"message":"Missing required request parameters: [q]"}');
    expect(r.headers['x-family']).toBe('4xx');
    expect(r.headers['x-client-tag']).toBe('abc');
    expect(r.headers['x-amzn-errortype']).toBe('BadRequestException');
  });

  it('BAD_REQUEST_BODY specific entry without status keeps 400 and exposes validationErrorString', async () => {
    const r = await call('POST', '/pets', { 'Content-Type': 'application/json' }, '{"age":-1}');
    expect(r.status).toBe(400);
    expect(r.body.toString()).toBe(
      '{"message":"Invalid request body","why":"[object has missing required properties (["name"]), numeric instance is lower than the required minimum (minimum: 0, found: -1)]"}',
    );
    expect(r.headers['x-family']).toBeUndefined();
    const ok = await call('POST', '/pets', { 'Content-Type': 'application/json' }, '{"name":"Rex","age":3}');
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toBe('{"created":true}');
  });
});

describe('compression over HTTP (§13.2; D-gzipresp)', () => {
  const itemsBody = '{"items":["aaaaaaaaaaaaaaaa","bbbbbbbbbbbbbbbb","cccccccccccccccc","dddddddddddddddd"]}';

  it('gzip / deflate when asked and the payload ≥ minimumCompressionSize (64)', async () => {
    const gz = await call('GET', '/items?q=1', { 'Accept-Encoding': 'gzip' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(itemsBody);
    expect(gz.headers['content-length']).toBe(String(gz.body.length));
    const df = await call('GET', '/items?q=1', { 'Accept-Encoding': 'br;q=0.1, deflate;q=0.9' });
    expect(df.headers['content-encoding']).toBe('deflate');
    expect(inflateSync(df.body).toString()).toBe(itemsBody);
  });

  it('no Accept-Encoding, identity, or a small payload → uncompressed', async () => {
    const none = await call('GET', '/items?q=1');
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(none.body.toString()).toBe(itemsBody);
    const identity = await call('GET', '/items?q=1', { 'Accept-Encoding': 'identity' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    const tiny = await call('GET', '/tiny', { 'Accept-Encoding': 'gzip' });
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.body.toString()).toBe('{"ok":true}');
  });

  it('unknown request Content-Encoding → 415 Unsupported Media Type (choice, docs/fidelity.md)', async () => {
    const r = await call('POST', '/pets', { 'Content-Type': 'application/json', 'Content-Encoding': 'br' }, 'xx');
    expect(r.status).toBe(422); // UNSUPPORTED_MEDIA_TYPE is a 4XX type: DEFAULT_4XX's status applies
    expect(r.body.toString()).toBe('{"message":"Unsupported Media Type"}');
    expect(r.headers['x-family']).toBe('4xx');
    expect(r.headers['x-amzn-errortype']).toBe('BadRequestException');
  });
});
