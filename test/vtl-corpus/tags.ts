// Compare oracle results (Java values tagged with their class by tools/vtl-oracle/Oracle.java)
// with restgate's JavaValue representation (src/vtl/values.ts).
import { javaDoubleToString } from '../../src/vtl/json.js';
import { JavaBigDecimal, JavaDouble, type JavaValue } from '../../src/vtl/values.js';

export type Tagged = [string, ...unknown[]];

const SAFE = 2n ** 53n - 1n;

/** Oracle tag (Java class) → the tag restgate's representation must produce. */
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

/** restgate JavaValue → tag. */
export function tagOf(v: JavaValue): unknown {
  if (v === null) return ['N'];
  if (typeof v === 'string') return ['S', v];
  if (typeof v === 'boolean') return ['B', v];
  if (typeof v === 'number') return Number.isInteger(v) ? ['int', String(v)] : ['not-integral', v];
  if (typeof v === 'bigint') return ['big', String(v)];
  if (v instanceof JavaDouble) return ['D', javaDoubleToString(v.value)];
  if (v instanceof JavaBigDecimal) return ['BD', v.text];
  if (Array.isArray(v)) return ['A', v.map(tagOf)];
  return ['M', [...v].map(([k, x]) => [k, tagOf(x)])];
}
