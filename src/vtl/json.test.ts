// json.ts against json-smart (Jayway's default provider; 2.6.0, same results as Debian's 2.2) as measured by tools/vtl-oracle:
// fixtures in test/vtl-corpus/json-fixtures.json (regenerate: node tools/vtl-oracle/generate.mjs).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bigDecimalToString, javaDoubleToString, JsonSyntaxError, parseJson, toJson } from './json.js';
import { normaliseTag, tagOf, type Tagged } from '../../test/vtl-corpus/tags.js';
import { JavaBigDecimal, JavaDouble, isJsonArray } from './values.js';

interface Fixture {
  name: string;
  text: string;
  expected: { value: Tagged; json: string } | { error: string; message: string };
}

const fixtures: Fixture[] = JSON.parse(
  readFileSync(new URL('../../test/vtl-corpus/json-fixtures.json', import.meta.url), 'utf8'),
);

describe('parseJson / toJson vs json-smart (oracle fixtures)', () => {
  it('has fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(100);
  });
  for (const f of fixtures) {
    it(`${f.name}: ${JSON.stringify(f.text).slice(0, 60)}`, () => {
      if ('error' in f.expected) {
        expect(() => parseJson(f.text)).toThrow(JsonSyntaxError);
        return;
      }
      const v = parseJson(f.text);
      expect(tagOf(v)).toEqual(normaliseTag(f.expected.value));
      expect(toJson(v)).toBe(f.expected.json);
    });
  }
});

describe('JSONArray marking', () => {
  // A list read from a template's JSON document is json-smart's JSONArray, whose toString() is JSON
  // (values.ts): parseJson(text, true) marks every list, at any depth; plain parseJson none.
  const text = '[[1,[2]],{"a":[{"b":[]}],"c":{"d":[3]}},"x"]';
  const lists = (v: unknown): unknown[][] =>
    Array.isArray(v) ? [v, ...v.flatMap(lists)] : v instanceof Map ? [...v.values()].flatMap(lists) : [];
  it('marks every list when asked, none otherwise', () => {
    const marked = lists(parseJson(text, true));
    expect(marked).toHaveLength(6);
    expect(marked.every(isJsonArray)).toBe(true);
    expect(lists(parseJson(text)).some(isJsonArray)).toBe(false);
  });
});

describe('number representation', () => {
  it('keeps every digit of big integers and decimals', () => {
    expect(parseJson('12345678901234567890123')).toBe(12345678901234567890123n);
    expect(parseJson('9007199254740993')).toBe(9007199254740993n);
    expect(parseJson('1.000000000000000000001')).toEqual(new JavaBigDecimal('1.000000000000000000001'));
    expect(toJson(parseJson('[1.000000000000000000001,9007199254740993]'))).toBe('[1.000000000000000000001,9007199254740993]');
  });
  it('keeps doubles as JavaDouble so 1.0 prints 1.0', () => {
    expect(parseJson('1.0')).toEqual(new JavaDouble(1));
    expect(toJson(parseJson('{"a":1.0,"b":1e21,"c":0.0001}'))).toBe('{"a":1.0,"b":1.0E21,"c":1.0E-4}');
  });
  it('formats like Double.toString and BigDecimal.toString', () => {
    expect(javaDoubleToString(1e7)).toBe('1.0E7');
    expect(javaDoubleToString(9999999)).toBe('9999999.0');
    expect(javaDoubleToString(0.001)).toBe('0.001');
    expect(javaDoubleToString(-1.5e-7)).toBe('-1.5E-7');
    expect(javaDoubleToString(-0)).toBe('-0.0');
    expect(bigDecimalToString('1.7976931348623157E308')).toBe('1.7976931348623157E+308');
    expect(bigDecimalToString('0.000000000000000001')).toBe('1E-18');
    expect(bigDecimalToString('0.0000010000000000000')).toBe('0.0000010000000000000');
    expect(bigDecimalToString('-0.00000000000000000000')).toBe('0E-20');
  });
});

describe('errors', () => {
  it('throws JsonSyntaxError with a position, never crashes', () => {
    expect(() => parseJson('{"a":1')).toThrow(/position/);
    expect(() => parseJson('"abc')).toThrow(JsonSyntaxError);
    expect(() => parseJson('["\\x4"]')).toThrow(JsonSyntaxError);
    // json-smart (permissive) drops an unknown escape rather than failing
    expect(parseJson('["a\\qb"]')).toEqual(['ab']);
  });
});

describe('deep nesting', () => {
  it('parses and prints 1000 levels, and fails cleanly (JsonSyntaxError) when the stack runs out', () => {
    const ok = '['.repeat(1000) + ']'.repeat(1000);
    expect(toJson(parseJson(ok))).toBe(ok);
    const tooDeep = '['.repeat(1_000_000);
    expect(() => parseJson(tooDeep)).toThrow(JsonSyntaxError);
  });
});

describe('javaDoubleToString vs JDK 17 Double.toString (oracle fixtures)', () => {
  const doubles: { name: string; bits: string; expected: string }[] = JSON.parse(
    readFileSync(new URL('../../test/vtl-corpus/double-fixtures.json', import.meta.url), 'utf8'),
  );
  const view = new DataView(new ArrayBuffer(8));
  it('matches every fixture (incl. the long-integer path of FloatingDecimal)', () => {
    expect(doubles.length).toBeGreaterThan(400);
    const wrong: string[] = [];
    for (const d of doubles) {
      view.setBigInt64(0, BigInt(d.bits));
      const actual = javaDoubleToString(view.getFloat64(0));
      if (actual !== d.expected) wrong.push(`${d.name}: expected ${d.expected}, got ${actual}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('never crashes', () => {
  it('random input either parses or throws JsonSyntaxError, and what parses prints', () => {
    let seed = 99;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = ['{', '}', '[', ']', ',', ':', '"', "'", '\\', 'u', '0', '9', '-', '.', 'e', 'true', 'null', ' ', '\n', 'é', '\u0000', '😀', 'x'];
    for (let i = 0; i < 3000; i++) {
      let text = '';
      const len = rand(24);
      for (let j = 0; j < len; j++) text += pieces[rand(pieces.length)];
      try {
        expect(typeof toJson(parseJson(text))).toBe('string');
      } catch (e) {
        expect(e, JSON.stringify(text)).toBeInstanceOf(JsonSyntaxError);
      }
    }
  });
});
