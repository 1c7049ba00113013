// jsonpath.ts against Jayway JsonPath 2.10.0 (json-smart 2.6) as measured by tools/vtl-oracle:
// fixtures in test/vtl-corpus/jsonpath-fixtures.json (regenerate: node tools/vtl-oracle/generate.mjs).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJson, toJson } from './json.js';
import { normaliseTag, tagOf, type Tagged } from '../../test/vtl-corpus/tags.js';
import {
  compileJsonPath,
  InvalidJsonPathError,
  JsonPathError,
  PathNotFoundError,
  readJsonPath,
} from './jsonpath.js';

interface Fixture {
  name: string;
  doc: number;
  path: string;
  expected: { value: Tagged; json: string } | { error: string; message: string };
}

const stored: { documents: string[]; cases: Fixture[] } = JSON.parse(
  readFileSync(new URL('../../test/vtl-corpus/jsonpath-fixtures.json', import.meta.url), 'utf8'),
);
const fixtures = stored.cases.map((c) => ({ ...c, document: stored.documents[c.doc]! }));

/** keys() returns a LinkedHashMap key set; restgate returns a list of the same strings. */
function normalise(t: Tagged): unknown {
  if (t[0] === 'O' && String(t[1]).includes('KeySet')) {
    return ['A', JSON.parse(t[2] === '[]' ? '[]' : '[]')];
  }
  return normaliseTag(t);
}

const ERROR_CLASSES: Record<string, new (...a: never[]) => Error> = {
  PathNotFoundException: PathNotFoundError,
  InvalidPathException: InvalidJsonPathError,
};

describe('readJsonPath vs Jayway (oracle fixtures)', () => {
  it('has fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(200);
  });
  for (const f of fixtures) {
    it(`${f.name}: ${f.path}`, () => {
      const run = () => readJsonPath(parseJson(f.document), f.path);
      if ('error' in f.expected) {
        expect(run).toThrow(ERROR_CLASSES[f.expected.error] ?? JsonPathError);
        return;
      }
      const v = run();
      expect(toJson(v)).toBe(f.expected.json);
      if (f.expected.value[0] === 'O') {
        // A key set: same strings, as a list.
        expect(Array.isArray(v)).toBe(true);
      } else {
        expect(tagOf(v)).toEqual(normalise(f.expected.value));
      }
    });
  }
});

describe('compileJsonPath', () => {
  it('caches compiled paths', () => {
    expect(compileJsonPath('$.a.b')).toBe(compileJsonPath('$.a.b'));
  });
  it('reports definiteness', () => {
    expect(compileJsonPath('$.a[0].b').definite).toBe(true);
    expect(compileJsonPath("$['a','b']").definite).toBe(true);
    expect(compileJsonPath('$.a[*]').definite).toBe(false);
    expect(compileJsonPath('$..a').definite).toBe(false);
    expect(compileJsonPath('$.a[1:2]').definite).toBe(false);
  });
  it('throws InvalidJsonPathError for syntax errors', () => {
    for (const p of ['', '$.', '$..', '$[', "$['a", '$.a b', '$.c[a]', '$[?(@.a >)]']) {
      expect(() => compileJsonPath(p), p).toThrow(InvalidJsonPathError);
    }
  });
});

describe('robustness', () => {
  it('deep documents: definite paths work, deep scans fail with JsonPathError instead of crashing', () => {
    let doc: import('./values.js').JavaValue = 'leaf';
    for (let i = 0; i < 50_000; i++) doc = new Map([['a', doc]]);
    expect(readJsonPath(doc, '$.a.a.a') instanceof Map).toBe(true);
    expect(() => readJsonPath(doc, '$..zzz')).toThrow(JsonPathError);
  });
  it('throws PathNotFoundError for missing definite paths and lists for indefinite ones', () => {
    const doc = parseJson('{"a":{"b":[1,2]}}');
    expect(() => readJsonPath(doc, '$.a.c')).toThrow(PathNotFoundError);
    expect(() => readJsonPath(doc, '$.a.b[5]')).toThrow(PathNotFoundError);
    expect(readJsonPath(doc, '$.a.b[5:]')).toEqual([]);
    expect(readJsonPath(doc, '$..c')).toEqual([]);
    expect(() => readJsonPath(null, '$')).toThrow(JsonPathError);
  });
  it('a PathNotFoundError carries no stack (control flow: capturing one cost ~10 µs a missing lookup), and leaves the stack limit as it was', () => {
    const limit = Error.stackTraceLimit;
    let caught: unknown;
    try {
      readJsonPath(parseJson('{"a":1}'), '$.b');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PathNotFoundError);
    expect((caught as Error).stack).toBe('PathNotFoundError: No results for path: $.b'); // the message line, no frames
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('x').stack!.split('\n').length).toBeGreaterThan(1);
  });
});

describe('never crashes (random paths)', () => {
  it('random path text either evaluates or throws a JsonPathError', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const doc = parseJson('{"a":{"b":[{"c":1},{"c":"x"}]},"l":[1,2,3],"s":"str"}');
    const pieces = ['$', '@', '.', '..', '[', ']', '*', '?', '(', ')', "'", '"', ',', ':', '-', '1', 'a', 'b', 'c', 'l', ' ', '=', '<', '!', '&&', '||', '/', 'length()', '~'];
    for (let i = 0; i < 3000; i++) {
      let path = '$';
      const len = 1 + rand(12);
      for (let j = 0; j < len; j++) path += pieces[rand(pieces.length)];
      try {
        readJsonPath(doc, path);
      } catch (e) {
        expect(e, path).toBeInstanceOf(JsonPathError);
      }
    }
  });
});
