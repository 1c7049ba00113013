// JSON as API Gateway reads it: Jayway JsonPath's default provider, json-smart in
// MODE_PERMISSIVE with insertion-ordered maps (LinkedHashMap), and json-smart's
// JSONValue.toJSONString(value, JSONStyle.LT_COMPRESS) for output.
// Every rule below was measured against json-smart 2.2 / 2.6 (tools/vtl-oracle, fixtures in
// test/vtl-corpus/json-fixtures.json); see docs/fidelity.md "JSONPath and JSON values".

import { JavaBigDecimal, JavaDouble, markJsonArray, type JavaValue } from './values.js';

export class JsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

// ---------------------------------------------------------------------------
// Parsing


// Stop sets of json-smart's non-quoted-string reader (a char code → true).
const enum Stop {
  Top = 0, // only end of input
  Array = 1, // , ]
  Value = 2, // , }
  Key = 3, // :
}

function isStop(code: number, stop: Stop): boolean {
  switch (stop) {
    case Stop.Top:
      return false;
    case Stop.Array:
      return code === 44 || code === 93;
    case Stop.Value:
      return code === 44 || code === 125;
    case Stop.Key:
      return code === 58;
  }
}

function skipDigits(t: string, from: number): number {
  let p = from;
  for (let c = t.charCodeAt(p); c >= 48 && c <= 57; c = t.charCodeAt(++p));
  return p;
}

/** Structural whitespace between tokens (json-smart readMain / readArray / readObject). */
function isStructuralSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** json-smart skipSpace(): any char <= U+0020 (used after keys, object values and numbers). */
function isLooseSpace(code: number): boolean {
  return code <= 32;
}

/** java.lang.Character.isWhitespace */
function javaIsWhitespace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13) || (code >= 28 && code <= 31);
  if (code < 0x1680) return false;
  return (
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a && code !== 0x2007) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** json-smart extractStringTrim: Character.isWhitespace at both ends, keeping at least one char. */
function extractTrim(t: string, start: number, stop: number): string {
  while (start < stop - 1 && javaIsWhitespace(t.charCodeAt(start))) start++;
  while (stop - 1 > start && javaIsWhitespace(t.charCodeAt(stop - 1))) stop--;
  return t.slice(start, stop);
}

class Parser {
  pos = 0;
  constructor(
    readonly text: string,
    /** Mark each list as a json-smart JSONArray as it is made (values.ts markJsonArray). */
    private readonly markArrays = false,
  ) {}

  fail(message: string): never {
    throw new JsonSyntaxError(`${message} at position ${this.pos}`);
  }

  skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length && isStructuralSpace(t.charCodeAt(this.pos))) this.pos++;
  }

  skipLooseSpace(): void {
    const t = this.text;
    while (this.pos < t.length && isLooseSpace(t.charCodeAt(this.pos))) this.pos++;
  }

  /** Reads a value; `stop` says which characters may follow it. */
  readValue(stop: Stop): JavaValue {
    this.skipSpace();
    const t = this.text;
    if (this.pos >= t.length) return '';
    const c = t.charCodeAt(this.pos);
    switch (c) {
      case 123: // {
        return this.readObject();
      case 91: // [
        return this.readArray();
      case 34: // "
      case 39: // '
        return this.readQuoted(c);
      case 58: // :
      case 93: // ]
      case 125: // }
        this.fail(`Unexpected character (${t[this.pos]})`);
      // falls through (fail never returns)
      default:
        if (c === 45 || (c >= 48 && c <= 57)) return this.readNumber(stop);
        return this.readWord(stop);
    }
  }

  /** Non-quoted text up to a stop character, trimmed (json-smart readNQString). */
  readUnquoted(stop: Stop): string {
    const t = this.text;
    const start = this.pos;
    while (this.pos < t.length && !isStop(t.charCodeAt(this.pos), stop)) this.pos++;
    return extractTrim(t, start, this.pos);
  }

  readWord(stop: Stop): JavaValue {
    const word = this.readUnquoted(stop);
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    if (word === 'NaN') return new JavaDouble(Number.NaN);
    return word;
  }

  /** json-smart readNumber: a number, a non-quoted string, or an invalid float token. */
  readNumber(stop: Stop): JavaValue {
    const t = this.text;
    const start = this.pos;
    let p = skipDigits(t, start + 1); // first char is a digit or '-'
    let float = false;
    let c = t.charCodeAt(p);
    if (c === 46 || c === 69 || c === 101) {
      float = true;
      if (c === 46) {
        p = skipDigits(t, p + 1);
        c = t.charCodeAt(p);
      }
      if (c === 69 || c === 101) {
        p++;
        c = t.charCodeAt(p);
        if (c === 43 || c === 45 || (c >= 48 && c <= 57)) {
          p = skipDigits(t, p + 1);
        } else {
          // "1.5e" followed by anything else: a non-quoted string
          return this.readUnquoted(stop);
        }
      }
    }
    // What follows must be (chars <= U+0020 and) a stop character, the end, or a char >= U+007E.
    let q = p;
    while (q < t.length && isLooseSpace(t.charCodeAt(q))) q++;
    if (q < t.length) {
      const d = t.charCodeAt(q);
      if (d < 126 && !isStop(d, stop)) return this.readUnquoted(stop);
    }
    // The token keeps the skipped chars that Character.isWhitespace does not trim (e.g. U+0000).
    const token = q === p ? t.slice(start, p) : extractTrim(t, start, q);
    this.pos = q;
    if (!float) return parseInteger(token, this);
    return parseFloatToken(token, this);
  }

  readQuoted(quote: number): string {
    const t = this.text;
    // Fast path (json-smart too): no backslash before the closing quote → the text as is.
    for (let i = this.pos + 1; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === quote) {
        const out = t.slice(this.pos + 1, i);
        this.pos = i + 1;
        return out;
      }
      if (c === 92) break;
    }
    // With escapes json-smart re-reads the string char by char and then drops every char below
    // U+0020 (tab and newline included); U+001A is its end-of-input marker.
    let pos = this.pos + 1;
    let out = '';
    let chunk = pos;
    for (;;) {
      if (pos >= t.length) {
        this.pos = pos;
        this.fail('Unexpected End Of File');
      }
      const c = t.charCodeAt(pos);
      if (c === quote) {
        out += t.slice(chunk, pos);
        this.pos = pos + 1;
        return out;
      }
      if (c < 32) {
        out += t.slice(chunk, pos);
        if (c === 0x1a) {
          this.pos = pos;
          this.fail('Unexpected End Of File');
        }
        pos++;
        chunk = pos;
        continue;
      }
      if (c === 92) {
        out += t.slice(chunk, pos);
        const e = t.charCodeAt(pos + 1);
        switch (e) {
          case 34: out += '"'; break;
          case 39: out += "'"; break;
          case 92: out += '\\'; break;
          case 47: out += '/'; break;
          case 98: out += '\b'; break;
          case 102: out += '\f'; break;
          case 110: out += '\n'; break;
          case 114: out += '\r'; break;
          case 116: out += '\t'; break;
          case 117: // \uXXXX
          case 120: {
            // \xXX
            const n = e === 117 ? 4 : 2;
            const hex = t.slice(pos + 2, pos + 2 + n);
            if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) {
              this.pos = pos;
              this.fail('Unexpected unicode escape sequence');
            }
            out += String.fromCharCode(parseInt(hex, 16));
            pos += n;
            break;
          }
          default:
            if (pos + 1 >= t.length) {
              this.pos = pos + 1;
              this.fail('Unexpected End Of File');
            }
          // Permissive mode drops an unknown escape entirely ("\q" → "").
        }
        pos += 2;
        chunk = pos;
        continue;
      }
      pos++;
    }
  }

  readObject(): Map<string, JavaValue> {
    const t = this.text;
    const map = new Map<string, JavaValue>();
    this.pos++; // {
    for (;;) {
      this.skipSpace();
      if (this.pos >= t.length) this.fail('Unexpected End Of File');
      const c = t.charCodeAt(this.pos);
      if (c === 125) {
        this.pos++;
        return map;
      }
      if (c === 44) {
        this.pos++;
        continue;
      }
      let key: string;
      if (c === 34 || c === 39) key = this.readQuoted(c);
      else if (c === 58 || c === 91 || c === 93 || c === 123) this.fail(`Unexpected character (${t[this.pos]})`);
      else key = this.readUnquoted(Stop.Key);
      this.skipLooseSpace();
      if (this.pos >= t.length) this.fail('Unexpected End Of File');
      if (t.charCodeAt(this.pos) !== 58) this.fail(`Unexpected character (${t[this.pos]})`);
      this.pos++;
      this.skipSpace();
      if (this.pos < t.length && t.charCodeAt(this.pos) === 125) this.fail('Unexpected character (})');
      const value = this.readValue(Stop.Value);
      // LinkedHashMap.put keeps the first position of a repeated key; so does Map.set.
      map.set(key, value);
      this.skipLooseSpace();
      if (this.pos >= t.length) this.fail('Unexpected End Of File');
      const d = t.charCodeAt(this.pos);
      if (d === 44) this.pos++;
      else if (d !== 125) this.fail(`Unexpected character (${t[this.pos]})`);
    }
  }

  readArray(): JavaValue[] {
    const t = this.text;
    const list: JavaValue[] = [];
    this.pos++; // [
    for (;;) {
      this.skipSpace();
      if (this.pos >= t.length) this.fail('Unexpected End Of File');
      const c = t.charCodeAt(this.pos);
      if (c === 93) {
        this.pos++;
        return this.markArrays ? markJsonArray(list) : list;
      }
      if (c === 44) {
        this.pos++;
        continue;
      }
      list.push(this.readValue(Stop.Array));
      this.skipSpace();
      if (this.pos >= t.length) this.fail('Unexpected End Of File');
      const d = t.charCodeAt(this.pos);
      // json-smart tolerates a missing comma between array elements: ["a" "b"] → [a, b].
      if (d === 44) this.pos++;
    }
  }
}

const SAFE_MAX = 2n ** 53n - 1n;

function javaInteger(v: bigint): JavaValue {
  return v >= -SAFE_MAX && v <= SAFE_MAX ? Number(v) : v;
}

/**
 * json-smart parseNumber: Integer, Long or BigInteger by range. It accumulates digit values
 * without checking them, so junk kept in the token (a U+0000 after "1") yields junk numbers,
 * exactly as json-smart does ("1\u0000" → -38).
 */
function parseInteger(s: string, parser: Parser): JavaValue {
  if (s.length < 16 && /^-?[0-9]+$/.test(s)) {
    const n = Number(s);
    return n === 0 ? 0 : n;
  }
  let p = 0;
  const l = s.length;
  let max = 19;
  const neg = s.charCodeAt(0) === 45;
  if (neg) {
    p++;
    max++;
  }
  let mustCheck = false;
  if (l < max) max = l;
  else if (l > max) return bigInteger(s, parser);
  else {
    max = l - 1;
    mustCheck = true;
  }
  let r = 0n;
  while (p < max) r = r * 10n + BigInt(48 - s.charCodeAt(p++));
  if (mustCheck) {
    const limit = -922337203685477580n;
    const isBig = r > limit ? false : r < limit ? true : s.charCodeAt(p) > (neg ? 56 : 55);
    if (isBig) return bigInteger(s, parser);
    r = r * 10n + BigInt(48 - s.charCodeAt(p));
  }
  return javaInteger(neg ? r : -r);
}

function bigInteger(s: string, parser: Parser): JavaValue {
  if (!/^[+-]?[0-9]+$/.test(s)) parser.fail(`Unexpected token ${s}`);
  return javaInteger(BigInt(s));
}

/** json-smart extractFloat: BigDecimal when longer than 18 chars, else Double.parseDouble. */
function parseFloatToken(s: string, parser: Parser): JavaValue {
  const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
  if (s.length > 18) {
    if (!DECIMAL.test(s)) parser.fail(`Unexpected token ${s}`);
    return new JavaBigDecimal(bigDecimalToString(s));
  }
  // Double.parseDouble trims chars <= U+0020 first.
  const trimmed = s.replace(/^[\u0000- ]+|[\u0000- ]+$/g, '');
  if (!DECIMAL.test(trimmed)) parser.fail(`Unexpected token ${s}`);
  return new JavaDouble(Number(trimmed));
}

/** java.math.BigDecimal(String).toString() for a decimal literal. */
export function bigDecimalToString(literal: string): string {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(literal);
  if (!m) throw new JsonSyntaxError(`Invalid decimal ${literal}`);
  const sign = m[1] === '-' ? '-' : '';
  const intPart = m[2] ?? '';
  const frac = m[3] ?? '';
  const exp = m[4] ? parseInt(m[4], 10) : 0;
  let unscaled = (intPart + frac).replace(/^0+/, '');
  if (unscaled === '') unscaled = '0';
  const scale = frac.length - exp;
  const adjusted = -scale + (unscaled.length - 1);
  const neg = sign && unscaled !== '0' ? '-' : '';
  if (scale === 0) return neg + unscaled;
  if (scale > 0 && adjusted >= -6) {
    if (unscaled.length > scale) {
      return neg + unscaled.slice(0, unscaled.length - scale) + '.' + unscaled.slice(unscaled.length - scale);
    }
    return neg + '0.' + '0'.repeat(scale - unscaled.length) + unscaled;
  }
  const mantissa = unscaled.length > 1 ? unscaled[0] + '.' + unscaled.slice(1) : unscaled;
  return neg + mantissa + 'E' + (adjusted >= 0 ? '+' : '') + adjusted;
}

/**
 * Parses text the way Jayway's JsonSmartJsonProvider does (json-smart MODE_PERMISSIVE). `markArrays`:
 * every list in the result is a JSONArray (values.ts), as in a document a template reads; marked as
 * each is made, so the value is not walked again.
 */
export function parseJson(text: string, markArrays = false): JavaValue {
  const parser = new Parser(text, markArrays);
  try {
    // Trailing data after the first value is ignored (ACCEPT_TAILLING_DATA).
    return parser.readValue(Stop.Top);
  } catch (e) {
    // Absurdly deep nesting exhausts the stack (json-smart: StackOverflowError).
    if (e instanceof RangeError) throw new JsonSyntaxError('JSON nested too deeply');
    throw e;
  }
}

// ---------------------------------------------------------------------------
// Serialisation (json-smart JSONValue.toJSONString with JSONStyle.LT_COMPRESS)

// FloatingDecimal's table of decimal digits that are not significant for 2^p (JDK <= 18).
const INSIGNIFICANT_DIGITS = [
  0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 11, 11,
  11, 12, 12, 12, 12, 13, 13, 13, 14, 14, 14, 15, 15, 15, 15, 16, 16, 16, 17, 17, 17, 18, 18, 18, 19,
];
const f64 = new DataView(new ArrayBuffer(8));

/**
 * JDK <= 18 prints integral doubles in [2^53, 2^63) through a long: every digit of the exact
 * value except a few "insignificant" low ones (7.8861450344780626E18 where the shortest
 * round-trip form is 7.886145034478063E18). Returns undefined outside that case.
 */
function longPathDigits(abs: number): { digits: string; pointPos: number } | undefined {
  if (!Number.isInteger(abs) || abs < 2 ** 53 || abs >= 2 ** 63) return undefined;
  f64.setFloat64(0, abs);
  const binExp = Number((f64.getBigUint64(0) >> 52n) & 0x7ffn) - 1023;
  // FloatingDecimal: insignificantDigitsForPow2(binExp - nSignificantBits - 1), 53 significant bits.
  const p2 = binExp - 53 - 1;
  const insignificant = binExp > 53 && p2 > 1 && p2 < INSIGNIFICANT_DIGITS.length ? INSIGNIFICANT_DIGITS[p2]! : 0;
  let value = BigInt(abs);
  if (insignificant > 0) {
    const pow10 = 10n ** BigInt(insignificant);
    const residue = value % pow10;
    value /= pow10;
    if (residue >= pow10 >> 1n) value++;
  }
  const text = value.toString();
  return { digits: text.replace(/0+$/, '') || '0', pointPos: text.length + insignificant };
}

/** java.lang.Double.toString (JDK 17, the oracle's runtime) */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  // Double.MIN_VALUE: Java's algorithm prints two digits where the shortest form has one.
  if (abs === Number.MIN_VALUE) return d < 0 ? '-4.9E-324' : '4.9E-324';
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : s + '.0';
  }
  // JDK-4511638: FloatingDecimal's best-known non-shortest output.
  if (abs === 1e23) return d < 0 ? '-9.999999999999999E22' : '9.999999999999999E22';
  const long = longPathDigits(abs);
  if (long) {
    const rest = long.digits.slice(1) || '0';
    return (d < 0 ? '-' : '') + long.digits[0] + '.' + rest + 'E' + (long.pointPos - 1);
  }
  const [mant, exp] = d.toExponential().split('e') as [string, string];
  return (mant.includes('.') ? mant : mant + '.0') + 'E' + (exp[0] === '+' ? exp.slice(1) : exp);
}

function hex4(code: number): string {
  return '\\u' + code.toString(16).toUpperCase().padStart(4, '0');
}

// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f-\u009f\u2000-\u20ff]/;

/** A Java string as json-smart writes it (quotes included). */
export function jsonQuote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 34: out += '\\"'; break;
      case 92: out += '\\\\'; break;
      case 8: out += '\\b'; break;
      case 9: out += '\\t'; break;
      case 10: out += '\\n'; break;
      case 12: out += '\\f'; break;
      case 13: out += '\\r'; break;
      default:
        if (c <= 0x1f || (c >= 0x7f && c <= 0x9f) || (c >= 0x2000 && c <= 0x20ff)) out += hex4(c);
        else out += s[i];
    }
  }
  return out + '"';
}

function write(value: JavaValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return jsonQuote(value);
    case 'number':
      return Number.isInteger(value) ? String(value === 0 ? 0 : value) : javaDoubleToString(value);
    case 'boolean':
    case 'bigint':
      return String(value);
  }
  if (value instanceof JavaDouble) {
    // json-smart writes infinite doubles as null.
    const d = value.value;
    return Number.isFinite(d) || Number.isNaN(d) ? javaDoubleToString(d) : 'null';
  }
  if (value instanceof JavaBigDecimal) return value.text;
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += write(value[i]!);
    }
    return out + ']';
  }
  if (value instanceof Map) {
    let out = '{';
    let first = true;
    for (const [k, v] of value) {
      if (first) first = false;
      else out += ',';
      out += jsonQuote(k) + ':' + write(v);
    }
    return out + '}';
  }
  return jsonQuote(String(value));
}

/** json-smart JSONValue.toJSONString(value, JSONStyle.LT_COMPRESS). */
export function toJson(value: JavaValue): string {
  try {
    return write(value);
  } catch (e) {
    if (e instanceof RangeError) throw new JsonSyntaxError('JSON nested too deeply to serialise');
    throw e;
  }
}
