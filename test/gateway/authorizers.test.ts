// Lambda authorizers over HTTP (§12; src/pipeline/authorize.ts): the TOKEN and REQUEST events, the
// answers API Gateway gives for each outcome, caching by identity source, and what the authorizer's
// principal and context become ($context.authorizer in a template, requestContext.authorizer in a proxy
// event). Sources: API Gateway Developer Guide, api-gateway-lambda-authorizer-input and -output [D-authin,
// D-authout]; API Reference, Authorizer (TTL 300 s by default, 0 to 3600) [API-Auth]; KC-403, SLS-829,
// AU-6, CH-670 for the error answers; the capital-M ACCESS_DENIED body as observed (docs/fidelity.md).

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serveForTests, type RawAnswer } from '../support/http.js';

const definition = fileURLToPath(new URL('./fixtures/authorizers/openapi.json', import.meta.url));
const { call } = serveForTests(definition);

const json = (r: RawAnswer) => JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
const authorizerOf = (r: RawAnswer) => json(r)['authorizer'] as Record<string, unknown>;
/** The exact answer of a refused request: status, body bytes, error type, content type. */
const refusal = (r: RawAnswer) => [r.status, r.body.toString('utf8'), r.headers['x-amzn-errortype'], r.headers['content-type']];
/** ACCESS_DENIED's answers for an explicit Deny and for no matching Allow (the capital M is observed: docs/fidelity.md). */
const EXPLICIT_DENY = [403, '{"Message":"User is not authorized to access this resource with an explicit deny"}', 'AccessDeniedException', 'application/json'];
const IMPLICIT_DENY = [403, '{"Message":"User is not authorized to access this resource"}', 'AccessDeniedException', 'application/json'];
const ARN = /^arn:aws:execute-api:us-east-1:123456789012:[a-z0-9]{10}\/test\/GET\//;

describe('TOKEN authorizer', () => {
  it('no token, an empty one, or one not matching identityValidationExpression: 401 Unauthorized, the function not called', async () => {
    const unauthorized = [401, '{"message":"Unauthorized"}', 'UnauthorizedException', 'application/json'];
    expect(refusal(await call('GET', '/pets/1'))).toEqual(unauthorized);
    expect(refusal(await call('GET', '/pets/1', { Authorization: '' }))).toEqual(unauthorized);
    expect(refusal(await call('GET', '/pets/1', { Authorization: 'allow' }))).toEqual(unauthorized); // no "Bearer "
    // Not called: its first call (below) counts 1.
    const first = await call('GET', '/fresh', { 'X-Token': 'Bearer event' });
    expect(first.status).toBe(200);
    expect(authorizerOf(first)['calls']).toBe('1');
  });

  it('the event: type TOKEN, the header value as authorizationToken, the method ARN with the request path', async () => {
    const r = await call('GET', '/fresh', { 'X-Token': 'Bearer event' });
    const event = JSON.parse(authorizerOf(r)['event'] as string) as Record<string, unknown>;
    expect(Object.keys(event)).toEqual(['type', 'authorizationToken', 'methodArn']);
    expect(event['type']).toBe('TOKEN');
    expect(event['authorizationToken']).toBe('Bearer event');
    expect(event['methodArn']).toMatch(new RegExp(`${ARN.source}fresh$`));
  });

  it('Allow: the request goes on; the proxy event carries principalId, integrationLatency and the context, its values strings', async () => {
    const r = await call('GET', '/pets/1', { Authorization: 'Bearer allow' });
    expect(r.status).toBe(200);
    // The header by its name in any case (HTTP/2 clients send it lower-case).
    const lower = await call('GET', '/pets/1', { authorization: 'Bearer allow-lower' });
    expect([lower.status, authorizerOf(lower)['principalId']]).toEqual([200, 'user-1']);
    const a = authorizerOf(r);
    expect(Object.keys(a)).toEqual(['principalId', 'integrationLatency', 'user', 'n', 'admin', 'calls']);
    expect(a).toMatchObject({ principalId: 'user-1', user: 'u-1', n: '7', admin: 'true' });
    expect(typeof a['integrationLatency']).toBe('number');
  });

  it('a mapping template reads $context.authorizer.principalId and the context keys', async () => {
    const r = await call('GET', '/pets', { Authorization: 'Bearer allow-template', Accept: 'application/json' });
    expect(r.status).toBe(200);
    expect(r.body.toString('utf8')).toBe('{"principal": "user-1", "user": "u-1", "n": "7"}');
  });

  it('cached by the token for the TTL: the same token is not asked again, on any method (the cached policy is reused)', async () => {
    const one = await call('GET', '/pets/2', { Authorization: 'Bearer wildcard' });
    expect(one.status).toBe(200);
    const calls = authorizerOf(one)['calls'];
    const two = await call('GET', '/pets/3', { Authorization: 'Bearer wildcard' });
    expect(two.status).toBe(200);
    expect(authorizerOf(two)).toEqual({ principalId: 'user-2', integrationLatency: 0, calls });
    // The policy cached for a token that allowed one method is applied to another (KC-cache: the `{proxy+}` pitfall).
    const ok = await call('GET', '/pets/9', { Authorization: 'Bearer allow-cached' });
    expect([ok.status, authorizerOf(ok)['principalId']]).toEqual([200, 'user-1']);
    const cachedForAnother = await call('GET', '/pets/10', { Authorization: 'Bearer allow-cached' });
    expect(refusal(cachedForAnother)).toEqual(IMPLICIT_DENY);
  });

  it('with authorizerResultTtlInSeconds 0 every request asks the function', async () => {
    const a = authorizerOf(await call('GET', '/fresh', { 'X-Token': 'Bearer event' }))['calls'];
    const b = authorizerOf(await call('GET', '/fresh', { 'X-Token': 'Bearer event' }))['calls'];
    expect(Number(b)).toBe(Number(a) + 1);
  });

  it("a policy's lists, an action named in another case and `?` wildcards are IAM's", async () => {
    // IAM User Guide, "IAM JSON policy elements: Action": action names are case-insensitive; Resource takes
    // a string or a list, with `*` and `?` wildcards (reference_policies_elements_resource).
    const r = await call('GET', '/pets/5', { Authorization: 'Bearer lists' });
    expect(r.status).toBe(200);
    const a = authorizerOf(r);
    expect([a['principalId'], Object.keys(a)]).toEqual(['user-8', ['principalId', 'integrationLatency']]);
  });

  it('NotAction and NotResource cover every action or resource but those listed (IAM User Guide, policy elements)', async () => {
    const r = await call('GET', '/pets/6', { Authorization: 'Bearer not-elements' });
    expect([r.status, authorizerOf(r)['principalId']]).toEqual([200, 'user-9']);
    expect(refusal(await call('GET', '/pets/6', { Authorization: 'Bearer not-resource-deny' }))).toEqual(EXPLICIT_DENY);
  });

  it('an explicit Deny: 403 "… with an explicit deny"; no Allow for this method: 403', async () => {
    expect(refusal(await call('GET', '/pets/1', { Authorization: 'Bearer deny' }))).toEqual(EXPLICIT_DENY);
    expect(refusal(await call('GET', '/pets/1', { Authorization: 'Bearer elsewhere' }))).toEqual(IMPLICIT_DENY);
  });

  it('the function fails with "Unauthorized": 401; any other failure or a malformed answer: 500 {"message": null}', async () => {
    expect(refusal(await call('GET', '/pets/1', { Authorization: 'Bearer unauthorized' }))).toEqual([401, '{"message":"Unauthorized"}', 'UnauthorizedException', 'application/json']);
    const configuration = [500, '{"message": null}', 'AuthorizerConfigurationException', 'application/json'];
    expect(refusal(await call('GET', '/pets/1', { Authorization: 'Bearer crash' }))).toEqual(configuration);
    expect(refusal(await call('GET', '/pets/1', { Authorization: 'Bearer nopolicy' }))).toEqual(configuration);
    expect(refusal(await call('GET', '/pets/1', { Authorization: 'Bearer nested' }))).toEqual(configuration); // a context value that is an object
  });

  it('a method without security is not authorized at all', async () => {
    const r = await call('GET', '/open');
    expect(r.status).toBe(200);
    expect(json(r)).toEqual({ authorizer: null });
  });
});

describe('REQUEST authorizer', () => {
  it('each identity source must be present and not empty: 401 without calling the function', async () => {
    const unauthorized = [401, '{"message":"Unauthorized"}', 'UnauthorizedException', 'application/json'];
    expect(refusal(await call('GET', '/tenants?tenant=acme'))).toEqual(unauthorized);
    expect(refusal(await call('GET', '/tenants', { 'X-User': 'ann' }))).toEqual(unauthorized);
    expect(refusal(await call('GET', '/tenants?tenant=', { 'X-User': 'ann' }))).toEqual(unauthorized);
  });

  it('the event: the proxy event without a body, after type and methodArn; the policy decides', async () => {
    const r = await call('GET', '/tenants?tenant=acme&tag=a&tag=b', { 'X-User': 'ann' });
    expect(r.status).toBe(200);
    const a = authorizerOf(r);
    expect(a['principalId']).toBe('ann');
    const event = JSON.parse(a['event'] as string) as Record<string, unknown>;
    expect(Object.keys(event)).toEqual([
      'type',
      'methodArn',
      'resource',
      'path',
      'httpMethod',
      'headers',
      'multiValueHeaders',
      'queryStringParameters',
      'multiValueQueryStringParameters',
      'pathParameters',
      'stageVariables',
      'requestContext',
    ]);
    expect(event).toMatchObject({
      type: 'REQUEST',
      resource: '/tenants',
      path: '/tenants',
      httpMethod: 'GET',
      queryStringParameters: { tenant: 'acme', tag: 'b' },
      multiValueQueryStringParameters: { tenant: ['acme'], tag: ['a', 'b'] },
      pathParameters: null,
      stageVariables: null,
    });
    expect(event['methodArn']).toMatch(new RegExp(`${ARN.source}tenants$`));
    expect((event['headers'] as Record<string, unknown>)['X-User']).toBe('ann');
    expect((event['requestContext'] as Record<string, unknown>)['authorizer']).toBeUndefined();
    // Another tenant is denied; the same user and tenant again comes from the cache (keyed by both sources).
    expect(refusal(await call('GET', '/tenants?tenant=other', { 'X-User': 'ann' }))).toEqual(EXPLICIT_DENY);
    const again = await call('GET', '/tenants?tenant=acme&tag=c', { 'X-User': 'ann' });
    expect(authorizerOf(again)['calls']).toBe(a['calls']);
    expect(authorizerOf(again)['integrationLatency']).toBe(0);
  });
});
