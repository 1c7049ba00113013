// json.ts against json-smart 2.2 (Jayway's default provider) as measured by tools/vtl-oracle:
// fixtures in test/vtl-corpus/json-fixtures.json (regenerate: node tools/vtl-oracle/generate.mjs).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bigDecimalToString, javaDoubleToString, JsonSyntaxError, parseJson, toJson } from './json.js';
import { JavaBigDecimal, JavaDouble, type JavaValue } from './values.js';

type Tagged = [string, ...unknown[]];
interface Fixture {
  name: string;
  text: string;
  expected: { value: Tagged; json: string } | { error: string; message: string };
}

const fixtures: Fixture[] = JSON.parse(
  readFileSync(new URL('../../test/vtl-corpus/json-fixtures.json', import.meta.url), 'utf8'),
);

const SAFE = 2n ** 53n - 1n;

/** Oracle tag (Java class) → the tag our representation must produce. */
export function normaliseTag(t: Tagged): unknown {
  switch (t[0]) {
    case 'I':
    case 'L': {
      const v = BigInt(t[1] as string);
      return v >= -SAFE && v <= SAFE ? ['int', String(v)] : ['big', String(v)];
    }
    case 'BI':
      return ['big', t[1]];
    case 'D':
    case 'F':
      return ['D', t[1]];
    case 'A':
      return ['A', (t[1] as Tagged[]).map(normaliseTag)];
    case 'M':
      return ['M', (t[1] as [string, Tagged][]).map(([k, v]) => [k, normaliseTag(v)])];
    default:
      return t;
  }
}

/** Our JavaValue → tag. */
export function tagOf(v: JavaValue): unknown {
  if (v === null) return ['N'];
  if (typeof v === 'string') return ['S', v];
  if (typeof v === 'boolean') return ['B', v];
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return ['not-integral', v];
    return ['int', String(v)];
  }
  if (typeof v === 'bigint') return ['big', String(v)];
  if (v instanceof JavaDouble) return ['D', javaDoubleToString(v.value)];
  if (v instanceof JavaBigDecimal) return ['BD', v.text];
  if (Array.isArray(v)) return ['A', v.map(tagOf)];
  return ['M', [...v].map(([k, x]) => [k, tagOf(x)])];
}

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
    expect(() => parseJson('["\\q"]')).toThrow(JsonSyntaxError);
  });
});
