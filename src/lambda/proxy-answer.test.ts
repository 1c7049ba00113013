// The proxy answer check a worker instance runs where the function ran (§5.2). Two things are
// pinned here: its header rule is node:http's (the gateway's thread applies node's own validators
// to the answers it reads, ../integrations/lambda-proxy.ts, and both must accept the same headers),
// and what it reads from a parsed answer. That a worker's answers and a process's (read by the
// gateway) give byte-identical responses is pinned end to end in test/lambda/integrations.test.ts.
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { describe, expect, it } from 'vitest';
import { httpHeaderProblem, readProxyAnswer, readProxyHead } from './proxy-answer.js';

function nodeAccepts(name: string, value: string): boolean {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    return true;
  } catch {
    return false;
  }
}

/** Every char 0-0x17f, a lone surrogate of each kind, a pair, and one beyond the BMP written out. */
const CHARS = [...Array.from({ length: 0x180 }, (_, i) => String.fromCharCode(i)), '\ud800', '\udc00', '\ud83d\udca1', '€'];

describe('httpHeaderProblem is node:http\'s header rule', () => {
  it('for every char 0-0x17f, lone surrogates and chars beyond, in a name and in a value', () => {
    const disagreements: string[] = [];
    for (const c of CHARS) {
      for (const text of [c, `a${c}b`]) {
        if ((httpHeaderProblem(text, 'v') === undefined) !== nodeAccepts(text, 'v')) disagreements.push(`name ${JSON.stringify(text)}`);
        if ((httpHeaderProblem('X-A', text) === undefined) !== nodeAccepts('X-A', text)) disagreements.push(`value ${JSON.stringify(text)}`);
      }
    }
    expect(disagreements).toEqual([]);
    // The sample holds both kinds: a test that both sides refuse everything would pass too.
    expect(CHARS.filter((c) => nodeAccepts(c, 'v')).length).toBe(77);
    expect(CHARS.filter((c) => nodeAccepts('X-A', c)).length).toBe(1 + 95 + 128);
  });

  it('an empty name is refused, an empty value accepted, as by node:http', () => {
    expect([httpHeaderProblem('', 'v'), nodeAccepts('', 'v')]).toEqual(['header "": not a token', false]);
    expect([httpHeaderProblem('X-A', ''), nodeAccepts('X-A', '')]).toEqual([undefined, true]);
    expect(httpHeaderProblem('X-A', 'a\nb')).toBe('header "X-A": invalid character');
  });
});

describe('readProxyAnswer (§5.2)', () => {
  const read = (v: unknown) => readProxyAnswer(v, httpHeaderProblem);

  it('reads status, headers (multi-value winning over the same name in any case), body and isBase64Encoded', () => {
    expect(
      read({
        statusCode: '201',
        headers: { 'X-One': 1, 'Set-Cookie': 'dropped', 'X-Null': null, Flag: true },
        multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'], 'X-None': null, 'X-Num': [2, false] },
        body: 'créé',
        isBase64Encoded: false,
      }),
    ).toEqual({
      statusCode: 201,
      headers: [['X-One', '1'], ['Flag', 'true'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['X-Num', '2'], ['X-Num', 'false']],
      body: 'créé',
      isBase64Encoded: false,
    });
  });

  it('defaults: status 200, no headers, empty body, not base64; null counts as absent', () => {
    const none = { statusCode: 200, headers: [], body: '', isBase64Encoded: false };
    expect(read({})).toEqual(none);
    expect(read({ statusCode: null, headers: null, multiValueHeaders: null, body: null, isBase64Encoded: null })).toEqual(none);
  });

  it('reads own keys only: keys on Object.prototype are not seen', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto['polluted'] = 'x';
    try {
      expect(read(JSON.parse('{"headers":{"__proto__":"p","constructor":"c"},"body":"b"}'))).toEqual({
        statusCode: 200,
        headers: [['__proto__', 'p'], ['constructor', 'c']],
        body: 'b',
        isBase64Encoded: false,
      });
    } finally {
      delete proto['polluted'];
    }
  });

  it.each([
    ['a string', 'hello', 'not a JSON object'],
    ['a list', [1], 'not a JSON object'],
    ['null', null, 'not a JSON object'],
    ['an extra key', { statusDescription: 'OK' }, 'unexpected key statusDescription'],
    ['a fractional status', { statusCode: 200.5 }, 'statusCode is not an integer'],
    ['a status word', { statusCode: 'OK' }, 'statusCode is not an integer'],
    ['a status below 100', { statusCode: 99 }, 'statusCode out of range'],
    ['a status above 599', { statusCode: '600' }, 'statusCode out of range'],
    ['headers a list', { headers: [] }, 'headers is not an object'],
    ['multiValueHeaders a string', { multiValueHeaders: 'a' }, 'multiValueHeaders is not an object'],
    ['a header object', { headers: { a: {} } }, 'header a is not a string'],
    ['a multi-value header not a list', { multiValueHeaders: { a: 'b' } }, 'multiValueHeaders.a is not a list'],
    ['a multi-value header holding a list', { multiValueHeaders: { a: [['b']] } }, 'multiValueHeaders.a has a non-string value'],
    ['a header name with a space', { headers: { 'X A': 'b' } }, 'header "X A": not a token'],
    ['a multi-value header value with CR', { multiValueHeaders: { 'X-A': ['a\rb'] } }, 'header "X-A": invalid character'],
    ['a body number', { body: 1 }, 'body is not a string'],
    ['isBase64Encoded a string', { isBase64Encoded: 'true' }, 'isBase64Encoded is not a boolean'],
  ])('%s is malformed', (_label, value, reason) => {
    expect(read(value)).toBe(reason);
  });

  it('readProxyHead uses the check it is given, and its words', () => {
    expect(readProxyHead({ headers: { 'X-A': 'b' } }, () => 'no')).toBe('no');
    expect(readProxyHead({ headers: { 'X-A': 'b' } }, () => undefined)).toEqual({ statusCode: 200, headers: [['X-A', 'b']] });
  });
});
