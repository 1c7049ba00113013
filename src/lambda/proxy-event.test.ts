// The compact proxy event must give the handler exactly what JSON would:
// decode(encode(e)) equals JSON.parse(JSON.stringify(e)) — same keys, same
// order, same values, plain prototypes — or encode declines (undefined).
import { deepStrictEqual } from 'node:assert/strict';
import { describe, expect, it } from 'vitest';
import { decodeProxyEvent, encodeProxyEvent } from './event-codec.js';

const identity = () => ({
  cognitoIdentityPoolId: null,
  accountId: null,
  cognitoIdentityId: null,
  caller: null,
  apiKey: null,
  sourceIp: '127.0.0.1',
  principalOrgId: null,
  accessKey: null,
  cognitoAuthenticationType: null,
  cognitoAuthenticationProvider: null,
  userArn: null,
  userAgent: 'curl/8.5.0',
  user: null,
});

/** An event shaped as src/integrations/lambda-proxy.ts builds it (authorizer undefined unless given). */
function event(over: Record<string, unknown> = {}, context: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resource: '/items/{id}',
    path: '/items/42',
    httpMethod: 'GET',
    headers: { Host: 'localhost:3000', 'X-Tag': 'b', 'X-Forwarded-For': '127.0.0.1' },
    multiValueHeaders: { Host: ['localhost:3000'], 'X-Tag': ['a', 'b'], 'X-Forwarded-For': ['127.0.0.1'] },
    queryStringParameters: { q: '2', '10': 'ten' },
    multiValueQueryStringParameters: { q: ['1', '2'], '10': ['ten'] },
    pathParameters: { id: '42' },
    stageVariables: null,
    requestContext: {
      resourceId: 'abc123',
      authorizer: undefined,
      resourcePath: '/items/{id}',
      httpMethod: 'GET',
      extendedRequestId: 'ca2IdHHqoAMFo6w=',
      requestTime: '01/Dec/2026:21:00:00 +0000',
      path: '/v1/items/42',
      accountId: '123456789012',
      protocol: 'HTTP/1.1',
      stage: 'v1',
      domainPrefix: 'localhost',
      requestTimeEpoch: 1796158800000,
      requestId: 'deef4878-7910-11e6-8f14-25afc3e9ae33',
      identity: identity(),
      deploymentId: 'dep123',
      domainName: 'localhost',
      apiId: 'restgate01',
      ...context,
    },
    body: null,
    isBase64Encoded: false,
    ...over,
  };
}

/** Every object and list in `v` has the prototype JSON.parse gives it. */
function plainPrototypes(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return true;
  const proto = Object.getPrototypeOf(v);
  if (proto !== (Array.isArray(v) ? Array.prototype : Object.prototype)) return false;
  return Object.values(v).every(plainPrototypes);
}

function expectRoundTrip(e: Record<string, unknown>): void {
  const compact = encodeProxyEvent(e);
  expect(compact).toBeTypeOf('string');
  const decoded = decodeProxyEvent(compact!);
  const json = JSON.stringify(e);
  expect(JSON.stringify(decoded)).toBe(json); // same keys, order and values
  // node's check (vitest's toStrictEqual misreads an own key named constructor)
  deepStrictEqual(decoded, JSON.parse(json));
  expect(plainPrototypes(decoded)).toBe(true);
}

describe('compact proxy event', () => {
  it('round-trips the common event: repeated headers and query keys, numeric keys, null maps', () => {
    expectRoundTrip(event());
    expectRoundTrip(event({ headers: null, multiValueHeaders: null, queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: null }));
  });

  it('round-trips bodies: text with escapes and non-ASCII, base64, empty string', () => {
    expectRoundTrip(event({ body: '{"a":"\u2028 é 💡 \\" \n\t\u0000"}', httpMethod: 'POST' }));
    expectRoundTrip(event({ body: Buffer.from([0, 255, 1, 2]).toString('base64'), isBase64Encoded: true }));
    expectRoundTrip(event({ body: '' }));
  });

  it('round-trips header names and values JSON must escape, and keys like constructor', () => {
    expectRoundTrip(
      event({
        headers: { 'x-"quoted"': 'a\\b', constructor: 'c', toString: 't', 'x-ünï': 'ü' },
        multiValueHeaders: { 'x-"quoted"': ['a\\b'], constructor: ['c'], toString: ['t'], 'x-ünï': ['ü'] },
      }),
    );
  });

  it('sends a multi-value map that only repeats its single-value map as 0, and rebuilds it', () => {
    const once = event({
      headers: { Host: 'h', '10': 'ten', constructor: 'c' },
      multiValueHeaders: { Host: ['h'], '10': ['ten'], constructor: ['c'] },
      queryStringParameters: { q: '1' },
      multiValueQueryStringParameters: { q: ['1'] },
    });
    expectRoundTrip(once);
    const row = JSON.parse(encodeProxyEvent(once)!) as unknown[];
    expect(row[5]).toBe(0);
    expect(row[7]).toBe(0);
    // Near misses keep their own list: a second value, another value, another order, a missing or extra name.
    const misses: Array<Record<string, string[]>> = [
      { Host: ['h', 'h'], '10': ['ten'], constructor: ['c'] },
      { Host: ['H'], '10': ['ten'], constructor: ['c'] },
      { constructor: ['c'], '10': ['ten'], Host: ['h'] },
      { Host: ['h'], '10': ['ten'] },
      { Host: ['h'], '10': ['ten'], constructor: ['c'], x: ['y'] },
      { Host: [], '10': ['ten'], constructor: ['c'] },
    ];
    for (const multiValueHeaders of misses) {
      const e = event({ headers: once['headers'], multiValueHeaders });
      expectRoundTrip(e);
      expect((JSON.parse(encodeProxyEvent(e)!) as unknown[])[5]).toEqual(expect.any(Array));
    }
    // Empty maps and null maps are themselves.
    expectRoundTrip(event({ queryStringParameters: {}, multiValueQueryStringParameters: {} }));
    expectRoundTrip(event({ queryStringParameters: null, multiValueQueryStringParameters: {} }));
  });

  it('round-trips a requestContext with an authorizer (second key), with stage variables', () => {
    expectRoundTrip(event({ stageVariables: { color: 'blue' } }, { authorizer: { principalId: 'me', claims: { sub: 'x', n: 1.5, list: [1, null] } } }));
  });

  it('round-trips uncommon contexts as JSON inside the array: extra identity keys, a missing key, an object value', () => {
    expectRoundTrip(event({}, { identity: { ...identity(), vpcId: 'vpc-1' } }));
    const missing = event();
    delete (missing['requestContext'] as Record<string, unknown>)['domainPrefix'];
    expectRoundTrip(missing);
    expectRoundTrip(event({}, { domainPrefix: undefined }));
    expectRoundTrip(event({}, { requestTimeEpoch: Number.NaN }));
  });

  it('declines what an assignment could not rebuild or an array would write differently', () => {
    // JSON.parse makes an own "__proto__" key; an assignment would set the prototype.
    expect(encodeProxyEvent(event({ headers: JSON.parse('{"__proto__":"x"}') as unknown }))).toBeUndefined();
    expect(encodeProxyEvent(event({ headers: { a: 1 } }))).toBeUndefined();
    expect(encodeProxyEvent(event({ multiValueHeaders: { a: 'not a list' } }))).toBeUndefined();
    expect(encodeProxyEvent(event({ body: undefined }))).toBeUndefined();
    expect(encodeProxyEvent(event({ extra: 1 }))).toBeUndefined();
    expect(encodeProxyEvent(event({ headers: Object.assign(Object.create(null) as object, { a: 'b' }) }))).toBeUndefined();
    // A requestContext with toJSON: JSON gives toJSON the key, which differs inside the array.
    const withToJson = event();
    (withToJson['requestContext'] as Record<string, unknown>)['toJSON'] = (key: string) => key;
    expect(encodeProxyEvent(withToJson)).toBeUndefined();
  });

  it('round-trips random events', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = ['a', 'Z', '-', '1', '0', '"', '\\', '\n', 'é', '💡', '\u2028', ' ', '_', '__proto_'];
    const word = () => Array.from({ length: 1 + rand(6) }, () => alphabet[rand(alphabet.length)]).join('');
    const map = (lists: boolean) => {
      if (rand(4) === 0) return null;
      const m: Record<string, unknown> = {};
      for (let i = rand(6); i > 0; i--) m[word()] = lists ? Array.from({ length: 1 + rand(3) }, word) : word();
      return m;
    };
    // Half the time the multi-value map repeats the single-value one (the derived form), sometimes with one value changed.
    const pair = (): [Record<string, unknown> | null, Record<string, unknown> | null] => {
      const single = map(false);
      if (single === null || rand(2) === 0) return [single, map(true)];
      const multi: Record<string, unknown> = {};
      for (const k of Object.keys(single)) multi[k] = [single[k]];
      const keys = Object.keys(multi);
      if (keys.length > 0 && rand(3) === 0) multi[keys[rand(keys.length)]!] = [word()];
      return [single, multi];
    };
    for (let i = 0; i < 300; i++) {
      const authorizer = rand(3) === 0 ? { principalId: word(), n: rand(100) } : undefined;
      const [headers, multiValueHeaders] = pair();
      const [queryStringParameters, multiValueQueryStringParameters] = pair();
      expectRoundTrip(
        event(
          {
            path: `/${word()}`,
            headers,
            multiValueHeaders,
            queryStringParameters,
            multiValueQueryStringParameters,
            pathParameters: map(false),
            stageVariables: map(false),
            body: rand(3) === 0 ? null : word(),
            isBase64Encoded: rand(2) === 0,
          },
          { authorizer, userAgent: rand(2) === 0 ? null : word() },
        ),
      );
    }
  });

  it('refuses text that is not its form', () => {
    expect(() => decodeProxyEvent('{"resource":"/"}')).toThrow('not a compact proxy event');
    expect(() => decodeProxyEvent('[2]')).toThrow('not a compact proxy event');
  });
});
