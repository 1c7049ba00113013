// API keys (§11 [D-keysrc; D-authout; MS-1746; LS-key]): a method whose security names the x-api-key
// scheme takes only a key of the usage plans attached to the API and stage (restgate.config's apiKeys),
// from the x-api-key header or, with x-amazon-apigateway-api-key-source AUTHORIZER, from the authorizer's
// usageIdentifierKey; a missing, unknown or disabled key → 403 {"message":"Forbidden"}. A valid one is
// $context.identity.apiKey and apiKeyId.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serveForTests, type RawAnswer } from '../support/http.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/api-keys/${name}`, import.meta.url));
const header = serveForTests(fixture('openapi.json'));
const fromAuthorizer = serveForTests(fixture('openapi-authorizer.json'));

const forbidden = [403, '{"message":"Forbidden"}', 'ForbiddenException'];
const refusal = (r: RawAnswer) => [r.status, r.body.toString('utf8'), r.headers['x-amzn-errortype']];
const identity = (r: RawAnswer) => JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;

describe("a key's usage plan limits (restgate.config apiKeys[].throttle and .quota)", () => {
  // §11: throttled → 429 {"message":"Too Many Requests"} (THROTTLED), quota used up → 429 {"message":"Limit Exceeded"}
  // (QUOTA_EXCEEDED, observed [MS-1746]); the gateway responses' default bodies and error types.
  it('throttle: burstLimit requests, then 429 Too Many Requests (rateLimit 0.001 refills one per 1000 s)', async () => {
    const key = { 'x-api-key': 'k-throttled-0123456789ab' };
    expect([(await header.call('GET', '/keyed', key)).status, (await header.call('GET', '/keyed', key)).status]).toEqual([200, 200]);
    expect(refusal(await header.call('GET', '/keyed', key))).toEqual([429, '{"message":"Too Many Requests"}', 'TooManyRequestsException']);
    // Other keys are not throttled by it.
    expect((await header.call('GET', '/keyed', { 'x-api-key': 'k-live-0123456789abcdef' })).status).toBe(200);
  });

  it('quota: limit requests per period (offset 1 counted already), then 429 Limit Exceeded', async () => {
    const key = { 'x-api-key': 'k-quota-0123456789abcde' };
    expect([(await header.call('GET', '/keyed', key)).status, (await header.call('GET', '/keyed', key)).status]).toEqual([200, 200]);
    expect(refusal(await header.call('GET', '/keyed', key))).toEqual([429, '{"message":"Limit Exceeded"}', 'LimitExceededException']);
    expect(refusal(await header.call('GET', '/keyed', key))).toEqual([429, '{"message":"Limit Exceeded"}', 'LimitExceededException']);
  });
});

describe('apiKeySource HEADER (the default)', () => {
  it('no key, an empty one, an unknown one, a disabled one: 403 Forbidden (INVALID_API_KEY)', async () => {
    expect(refusal(await header.call('GET', '/keyed'))).toEqual(forbidden);
    expect(refusal(await header.call('GET', '/keyed', { 'x-api-key': '' }))).toEqual(forbidden);
    expect(refusal(await header.call('GET', '/keyed', { 'x-api-key': 'nope' }))).toEqual(forbidden);
    expect(refusal(await header.call('GET', '/keyed', { 'x-api-key': 'k-off-0123456789abcdef' }))).toEqual(forbidden);
  });

  it('a key of the config, the header named in any case: served, with $context.identity.apiKey and apiKeyId', async () => {
    const r = await header.call('GET', '/keyed', { 'X-API-Key': 'k-live-0123456789abcdef' });
    expect(r.status).toBe(200);
    expect(identity(r)).toMatchObject({ apiKey: 'k-live-0123456789abcdef', apiKeyId: 'abc123defg' });
    // Without an id in the config, a stable one made from the value.
    const derived = identity(await header.call('GET', '/keyed', { 'x-api-key': 'k-derived-0123456789abc' }));
    expect(derived['apiKeyId']).toMatch(/^[a-z0-9]{10}$/);
    expect(identity(await header.call('GET', '/keyed', { 'x-api-key': 'k-derived-0123456789abc' }))['apiKeyId']).toBe(derived['apiKeyId']);
  });

  it('a method that requires no key ignores one, and its identity has no apiKey', async () => {
    const r = await header.call('GET', '/open', { 'x-api-key': 'nope' });
    expect(r.status).toBe(200);
    expect(identity(r)).toMatchObject({ apiKey: null });
    expect(identity(r)['apiKeyId']).toBeUndefined();
  });
});

describe('apiKeySource AUTHORIZER', () => {
  it("the authorizer's usageIdentifierKey is the key; the x-api-key header does not count", async () => {
    const ok = await fromAuthorizer.call('GET', '/keyed', { Authorization: 'key k-live-0123456789abcdef' });
    expect(ok.status).toBe(200);
    expect(identity(ok)).toMatchObject({ apiKey: 'k-live-0123456789abcdef', apiKeyId: 'abc123defg' });
    expect(refusal(await fromAuthorizer.call('GET', '/keyed', { Authorization: 'key nope', 'x-api-key': 'k-live-0123456789abcdef' }))).toEqual(forbidden);
  });
});

describe('restgate.config apiKeys', () => {
  it('each a value, optionally an id and enabled; anything else is refused at its pointer', async () => {
    const { validateConfig } = await import('../../src/config.js');
    expect(validateConfig({ apiKeys: [{ value: 'v', id: 'i', enabled: false }] }, 'restgate.config.json').apiKeys).toEqual([{ value: 'v', id: 'i', enabled: false }]);
    expect(() => validateConfig({ apiKeys: [{ id: 'i' }] }, 'restgate.config.json')).toThrow("restgate.config.json: /apiKeys/0: must have required property 'value'");
    expect(() => validateConfig({ apiKeys: [{ value: '' }] }, 'restgate.config.json')).toThrow('restgate.config.json: /apiKeys/0/value: must NOT have fewer than 1 characters');
    expect(() => validateConfig({ apiKeys: [{ value: 'v', plan: 'gold' }] }, 'restgate.config.json')).toThrow('restgate.config.json: /apiKeys/0/plan: unknown key');
  });
});

describe('no apiKeys in the config', () => {
  it('the server says at start which methods will answer 403 for want of a key', async () => {
    const { cpSync, mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { startServer } = await import('../../src/server/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'restgate-keys-'));
    try {
      cpSync(fixture('openapi.json'), join(dir, 'openapi.json'));
      cpSync(fixture('functions'), join(dir, 'functions'), { recursive: true });
      const lines: string[] = [];
      const server = await startServer({ definition: join(dir, 'openapi.json'), port: 0, log: (l) => lines.push(l) });
      await server.close();
      expect(lines).toContain(
        'restgate: 1 method(s) require an API key (GET /keyed) and restgate.config has no apiKeys: they answer 403 Forbidden, as on API Gateway without a usage plan key',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
