// A worker instance builds the proxy event from its source's compact form; the
// handler must get exactly what JSON would give it: the event built from the
// compact form equals JSON.parse(JSON.stringify(proxyEvent(source))) — same
// keys, same order, same values, plain prototypes — or the compact form is
// declined (undefined) and the event goes as JSON. What the event holds (§5.1)
// is pinned where the gateway gathers the source (test/lambda/integrations.test.ts).
import { deepStrictEqual } from 'node:assert/strict';
import { describe, expect, it } from 'vitest';
import { defaultIdentity, proxySource as source, sampleContext as context } from '../../test/support/proxy-source.js';
import { compactSource, identityValues, proxyEvent, proxyEventFromCompact, type ProxyEventSource } from './proxy-event.js';

/** Every object and list in `v` has the prototype JSON.parse gives it. */
function plainPrototypes(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return true;
  const proto = Object.getPrototypeOf(v);
  if (proto !== (Array.isArray(v) ? Array.prototype : Object.prototype)) return false;
  return Object.values(v).every(plainPrototypes);
}

function expectSameAsJson(src: ProxyEventSource): void {
  const compact = compactSource(src);
  expect(compact).toBeTypeOf('string');
  const built = proxyEventFromCompact(compact!);
  const json = JSON.stringify(proxyEvent(src));
  expect(JSON.stringify(built)).toBe(json); // same keys, order and values
  // node's check (vitest's toStrictEqual misreads an own key named constructor)
  deepStrictEqual(built, JSON.parse(json));
  expect(plainPrototypes(built)).toBe(true);
}

describe('a proxy event built from its compact source', () => {
  it('is the JSON event for the common request: repeated headers and query keys, dropped headers, numeric keys', () => {
    expectSameAsJson(source());
    const e = proxyEventFromCompact(compactSource(source())!);
    // What the builder did with the raw lists: Connection dropped, X-Forwarded-* added, last value wins.
    expect(e['headers']).toEqual({ Host: 'localhost:3000', 'X-Tag': 'a', 'x-tag': 'b', 'User-Agent': 'curl/8.5.0', 'X-Forwarded-For': '127.0.0.1', 'X-Forwarded-Port': '3000', 'X-Forwarded-Proto': 'http' });
    expect(e['multiValueQueryStringParameters']).toEqual({ '10': ['ten'], q: ['1', '2'] });
    expectSameAsJson(source({ headers: [], query: [], pathParameters: [] }));
  });

  it('is the JSON event for bodies: text with escapes and non-ASCII, base64, empty string', () => {
    expectSameAsJson(source({ body: '{"a":"\u2028 é 💡 \\" \n\t\u0000"}', httpMethod: 'POST' }));
    expectSameAsJson(source({ body: Buffer.from([0, 255, 1, 2]).toString('base64'), isBase64Encoded: true }));
    expectSameAsJson(source({ body: '' }));
  });

  it('keeps names JSON must escape, and keys like constructor or __proto__ as own keys, as JSON.parse does', () => {
    const src = source({
      headers: ['x-"quoted"', 'a\\b', 'constructor', 'c', '__proto__', 'p', 'toString', 't', 'x-ünï', 'ü'],
      query: ['__proto__', '1', '__proto__', '2', 'hasOwnProperty', 'h'],
      pathParameters: ['__proto__', 'x'],
      stageVariables: ['__proto__', 'y'],
      identity: identityValues(JSON.parse('{"sourceIp":"10.0.0.1","__proto__":"own"}')),
    });
    expectSameAsJson(src);
    const e = proxyEventFromCompact(compactSource(src)!);
    expect(Object.getOwnPropertyDescriptor(e['headers'], '__proto__')?.value).toBe('p');
    expect(Object.getOwnPropertyDescriptor(e['multiValueQueryStringParameters'], '__proto__')?.value).toEqual(['1', '2']);
    expect(Object.getPrototypeOf(e['pathParameters'])).toBe(Object.prototype);
    const id = (e['requestContext'] as Record<string, unknown>)['identity'] as object;
    expect([Object.getPrototypeOf(id), Object.getOwnPropertyDescriptor(id, '__proto__')?.value]).toEqual([Object.prototype, 'own']);
  });

  it('is the JSON event with an authorizer (requestContext\'s second key), stage variables and extra identity keys', () => {
    const src = source({
      stageVariables: ['color', 'blue'],
      authorizer: { principalId: 'me', claims: { sub: 'x', n: 1.5, list: [1, null] } },
      identity: identityValues(defaultIdentity({ vpcId: 'vpc-1', cognitoIdentityId: 'us-east-1:abc', sourceIp: '10.1.2.3', userAgent: null })),
    });
    expectSameAsJson(src);
    const rc = proxyEventFromCompact(compactSource(src)!)['requestContext'] as Record<string, unknown>;
    expect(Object.keys(rc).slice(0, 3)).toEqual(['resourceId', 'authorizer', 'resourcePath']);
    // identity: AWS's 13 keys in order (sourceIp from $context, userAgent from the request when $context has none), then the rest
    expect(rc['identity']).toMatchObject({ cognitoIdentityId: 'us-east-1:abc', sourceIp: '10.1.2.3', userAgent: 'curl/8.5.0', vpcId: 'vpc-1' });
    expect(Object.keys(rc['identity'] as object).at(-1)).toBe('vpcId');
    expectSameAsJson(source({ identity: identityValues(undefined) }));
    expectSameAsJson(source({ context: context.map((v, i) => (i === 10 ? Number.NaN : v)) }));
  });

  it('is declined when a value would be written differently inside a list than as a member', () => {
    expect(compactSource(source({ context: context.map((v, i) => (i === 9 ? undefined : v)) }))).toBeUndefined();
    expect(compactSource(source({ authorizer: { toJSON: (key: string) => key } }))).toBeUndefined();
    expect(compactSource(source({ identity: identityValues(defaultIdentity({ extra: () => 1 })) }))).toBeUndefined();
    expect(compactSource(source({ stageVariables: ['a', undefined] }))).toBeUndefined();
    // A bigint nested anywhere: no JSON at all, compact or not (the same TypeError either way).
    expect(() => compactSource(source({ authorizer: { n: 1n } }))).toThrow(TypeError);
    expect(() => JSON.stringify(proxyEvent(source({ authorizer: { n: 1n } })))).toThrow(TypeError);
    expect(compactSource(source({ context: context.map((v, i) => (i === 10 ? 1n : v)) }))).toBeUndefined();
    // A plain object or list is fine, wherever it is.
    expect(compactSource(source({ context: context.map((v, i) => (i === 9 ? { a: [1] } : v)) }))).toMatch(/^\[2,/);
  });

  it('is the JSON event for random sources', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = ['a', 'Z', '-', '1', '0', '"', '\\', '\n', 'é', '💡', '\u2028', ' ', '_', '__proto_', 'host', 'Connection', 'X-Forwarded-For', 'user-agent'];
    const word = () => Array.from({ length: 1 + rand(3) }, () => alphabet[rand(alphabet.length)]).join('');
    const flat = () => Array.from({ length: 2 * rand(6) }, word);
    for (let i = 0; i < 300; i++) {
      const extras = rand(3) === 0 ? { [word()]: word(), sourceIp: rand(2) ? null : word() } : {};
      expectSameAsJson(
        source({
          path: `/${word()}`,
          headers: flat(),
          query: flat(),
          pathParameters: flat(),
          stageVariables: flat(),
          authorizer: rand(3) === 0 ? { principalId: word(), n: rand(100) } : undefined,
          identity: identityValues(defaultIdentity({ userAgent: rand(2) === 0 ? null : word(), ...extras })),
          body: rand(3) === 0 ? null : word(),
          isBase64Encoded: rand(2) === 0,
        }),
      );
    }
  });

  it('refuses text that is not its form', () => {
    expect(() => proxyEventFromCompact('{"resource":"/"}')).toThrow('not a compact proxy event');
    expect(() => proxyEventFromCompact('[1]')).toThrow('not a compact proxy event');
    expect(() => proxyEventFromCompact('[2]')).toThrow('not a compact proxy event');
  });
});
