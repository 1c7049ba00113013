// Runtime semantics of Velocity 1.7 over the Java value model (values.ts):
// printing, truthiness, equality, MathUtils arithmetic, property lookup and Java methods.

import { isJsonArray, JavaBigDecimal, JavaDouble, type JavaValue } from './values.js';
import { bigDecimalToString, javaDoubleToString, toJson } from './json.js';
import { javaRegex, javaReplace, javaSplit } from './java-regex.js';

/** A Java exception thrown by a method a template called (the render fails, as in Velocity). */
export class JavaException extends Error {
  constructor(
    readonly javaClass: string,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown by the engine when a resource budget is exhausted. */
export class BudgetError extends Error {}

/** Largest list a template may build (hostile templates doubling a list must not exhaust memory). */
export const MAX_COLLECTION = 1_000_000;

function checkSize(l: unknown[]): void {
  if (l.length > MAX_COLLECTION) throw new BudgetError(`list grew beyond ${MAX_COLLECTION} elements`);
}

/** Returned by callMethod when no such method exists (the reference then prints literally). */
export const NO_METHOD: unique symbol = Symbol('no-method');
export type CallResult = unknown | typeof NO_METHOD;

/** Objects provided by the host ($input, $util, override maps...). */
export abstract class HostObject {
  abstract readonly javaClass: string;
  abstract call(name: string, args: unknown[]): CallResult;
  /** `$obj.name`: getName() / isName() by default. */
  getProperty(name: string): CallResult {
    const cap = name[0]!.toUpperCase() + name.slice(1);
    let r = this.call('get' + cap, []);
    if (r !== NO_METHOD) return r;
    r = this.call('is' + cap, []);
    return r;
  }
  /** `#set($obj.name = v)`; returns false when there is no setter. */
  setProperty(_name: string, _value: unknown): boolean {
    return false;
  }
  abstract toJavaString(): string;
}

/** java.util.Map.Entry */
export class MapEntry extends HostObject {
  readonly javaClass = 'java.util.LinkedHashMap$Entry';
  constructor(
    readonly map: Map<unknown, unknown>,
    readonly key: unknown,
  ) {
    super();
  }
  call(name: string, args: unknown[]): CallResult {
    if (args.length === 0) {
      if (name === 'getKey') return this.key;
      if (name === 'getValue') return this.map.get(this.key) ?? null;
      if (name === 'toString') return this.toJavaString();
      if (name === 'hashCode') return (javaHashCode(this.key) ^ javaHashCode(this.map.get(this.key) ?? null)) | 0;
    }
    if (args.length === 1) {
      if (name === 'setValue') {
        const old = this.map.get(this.key) ?? null;
        this.map.set(this.key, args[0]);
        return old;
      }
      if (name === 'equals') {
        const o = args[0];
        return o instanceof MapEntry && javaEquals(o.key, this.key) && javaEquals(o.map.get(o.key) ?? null, this.map.get(this.key) ?? null);
      }
    }
    return NO_METHOD;
  }
  toJavaString(): string {
    return `${toJavaString(this.key)}=${toJavaString(this.map.get(this.key) ?? null)}`;
  }
}

/** Result of #define: a block rendered when referenced. */
export class DefinedBlock extends HostObject {
  readonly javaClass = 'org.apache.velocity.runtime.directive.Block$Reference';
  constructor(readonly render: () => string) {
    super();
  }
  call(name: string, args: unknown[]): CallResult {
    if (name === 'toString' && args.length === 0) return this.render();
    return NO_METHOD;
  }
  toJavaString(): string {
    return this.render();
  }
}

// ---------------------------------------------------------------------------
// Classification

export function isIntegral(v: unknown): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}
export function isNumber(v: unknown): v is number | bigint | JavaDouble | JavaBigDecimal {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof JavaDouble || v instanceof JavaBigDecimal;
}
export function isList(v: unknown): v is unknown[] {
  return Array.isArray(v);
}
export function isMap(v: unknown): v is Map<unknown, unknown> {
  return v instanceof Map;
}

export function javaClassName(v: unknown): string {
  if (typeof v === 'string') return 'java.lang.String';
  if (typeof v === 'boolean') return 'java.lang.Boolean';
  if (typeof v === 'number') return v >= -2147483648 && v <= 2147483647 ? 'java.lang.Integer' : 'java.lang.Long';
  if (typeof v === 'bigint') return v >= -(2n ** 63n) && v < 2n ** 63n ? 'java.lang.Long' : 'java.math.BigInteger';
  if (v instanceof JavaDouble) return 'java.lang.Double';
  if (v instanceof JavaBigDecimal) return 'java.math.BigDecimal';
  if (Array.isArray(v)) return 'java.util.ArrayList';
  if (v instanceof Map) return 'java.util.LinkedHashMap';
  if (v instanceof HostObject) return v.javaClass;
  return 'java.lang.Object';
}

// ---------------------------------------------------------------------------
// Printing (Object.toString as Java does it)

export function toJavaString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : javaDoubleToString(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof JavaDouble) return javaDoubleToString(v.value);
  if (v instanceof JavaBigDecimal) return v.text;
  if (Array.isArray(v)) {
    // JSONArray.toString(): JSONStyle.NO_COMPRESS, which also escapes '/' (only found inside strings)
    if (isJsonArray(v)) return toJson(v as JavaValue).replaceAll('/', '\\/');
    let s = '[';
    for (let i = 0; i < v.length; i++) {
      if (i) s += ', ';
      s += v[i] === v ? '(this Collection)' : toJavaString(v[i]);
    }
    return s + ']';
  }
  if (v instanceof Map) {
    let s = '{';
    let first = true;
    for (const [k, val] of v) {
      if (!first) s += ', ';
      first = false;
      s += `${k === v ? '(this Map)' : toJavaString(k)}=${val === v ? '(this Map)' : toJavaString(val)}`;
    }
    return s + '}';
  }
  if (v instanceof HostObject) return v.toJavaString();
  return String(v);
}

// ---------------------------------------------------------------------------
// Conversion of plain JS data into Java values

export function fromPlain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return v;
    case 'number':
      return Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER ? v : new JavaDouble(v);
    case 'object':
      if (Array.isArray(v)) return v.map(fromPlain);
      if (v instanceof Map || v instanceof JavaDouble || v instanceof JavaBigDecimal || v instanceof HostObject) return v;
      return new PlainMap(v as Record<string, unknown>);
    default:
      return String(v);
  }
}

/**
 * A java.util.Map over a plain JS object, converted on first use (per level), so that a large
 * `$context` costs nothing when a template reads one or two members. Behaves exactly like a Map.
 */
class PlainMap extends Map<unknown, unknown> {
  private pending: Record<string, unknown> | null;
  /**
   * Values get() converted or set() stored while the rest was still pending (a
   * template reading `$context.stage` needs one key, not all). The whole map,
   * once needed, uses these same objects: the object's keys first, in its order,
   * then keys set that it did not have, in the order they were set (LinkedHashMap).
   */
  private early: Map<string, unknown> | null = null;
  constructor(obj: Record<string, unknown>) {
    super();
    this.pending = obj;
  }
  private load(): void {
    const o = this.pending;
    if (o === null) return;
    this.pending = null;
    const early = this.early;
    this.early = null;
    for (const k in o) {
      if (Object.hasOwn(o, k)) super.set(k, early !== null && early.has(k) ? early.get(k) : fromPlain(o[k]));
    }
    if (early !== null) for (const [k, v] of early) if (!Object.hasOwn(o, k)) super.set(k, v);
  }
  override get(k: unknown): unknown {
    const o = this.pending;
    if (o === null) return super.get(k);
    // Keys of plain data are strings: any other key (a number, say) is not there, as in a Java Map<String, ?>.
    if (typeof k !== 'string') return undefined;
    let early = this.early;
    if (early !== null && early.has(k)) return early.get(k);
    if (!Object.hasOwn(o, k)) return undefined;
    early ??= this.early = new Map();
    const v = fromPlain(o[k]);
    early.set(k, v);
    return v;
  }
  override has(k: unknown): boolean {
    const o = this.pending;
    if (o === null) return super.has(k);
    return typeof k === 'string' && (Object.hasOwn(o, k) || (this.early !== null && this.early.has(k)));
  }
  override set(k: unknown, v: unknown): this {
    if (this.pending !== null && typeof k === 'string') {
      (this.early ??= new Map()).set(k, v);
      return this;
    }
    this.load();
    return super.set(k, v);
  }
  override delete(k: unknown): boolean {
    this.load();
    return super.delete(k);
  }
  override clear(): void {
    this.pending = null;
    this.early = null;
    super.clear();
  }
  override get size(): number {
    this.load();
    return super.size;
  }
  override keys(): MapIterator<unknown> {
    this.load();
    return super.keys();
  }
  override values(): MapIterator<unknown> {
    this.load();
    return super.values();
  }
  override entries(): MapIterator<[unknown, unknown]> {
    this.load();
    return super.entries();
  }
  override [Symbol.iterator](): MapIterator<[unknown, unknown]> {
    this.load();
    return super[Symbol.iterator]();
  }
  override forEach(cb: (value: unknown, key: unknown, map: Map<unknown, unknown>) => void, thisArg?: unknown): void {
    this.load();
    super.forEach(cb, thisArg);
  }
}

// ---------------------------------------------------------------------------
// Truthiness, equality, comparison

/** #if( $ref ): null → false, Boolean → value, anything else → true. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  return true;
}

/** Object.equals */
export function javaEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (isIntegral(a) && isIntegral(b)) return BigInt(a) === BigInt(b);
  if (a instanceof JavaDouble && b instanceof JavaDouble) return Object.is(a.value, b.value) || a.value === b.value;
  if (a instanceof JavaBigDecimal && b instanceof JavaBigDecimal) return a.text === b.text;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!javaEquals(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k) || !javaEquals(v, b.get(k))) return false;
    }
    return true;
  }
  if (a instanceof HostObject) {
    const r = a.call('equals', [b]);
    return r === true;
  }
  return false;
}

function sameKind(a: unknown, b: unknown): boolean {
  if (typeof a === 'string') return typeof b === 'string';
  if (typeof a === 'boolean') return typeof b === 'boolean';
  if (Array.isArray(a)) return Array.isArray(b);
  if (a instanceof Map) return b instanceof Map;
  if (a instanceof HostObject) return b instanceof HostObject && a.javaClass === b.javaClass;
  return false;
}

/** Velocity 1.7 `==` (ASTEQNode). */
export function vtlEquals(a: unknown, b: unknown): boolean {
  if (a === null && b === null) return true;
  if (a === null || b === null) return false;
  if (isNumber(a) && isNumber(b)) return compareNumbers(a, b) === 0;
  if (sameKind(a, b)) return javaEquals(a, b);
  return toJavaString(a) === toJavaString(b);
}

type Num = number | bigint | JavaDouble | JavaBigDecimal;

function toDouble(n: Num): number {
  if (typeof n === 'number') return n;
  if (typeof n === 'bigint') return Number(n);
  if (n instanceof JavaDouble) return n.value;
  return Number(n.text);
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** java.math.BigInteger (beyond the long range); smaller bigints are Longs. */
function isBigInteger(v: unknown): v is bigint {
  return typeof v === 'bigint' && (v < LONG_MIN || v > LONG_MAX);
}

type Base = 'long' | 'bigint' | 'double' | 'decimal';

/** org.apache.velocity.util.MathUtils.findCalculationBase (1.7). */
function calculationBase(a: Num, b: Num): Base {
  const aInt = isIntegral(a);
  const bInt = isIntegral(b);
  const big = isBigInteger(a) || isBigInteger(b);
  if (a instanceof JavaBigDecimal || b instanceof JavaBigDecimal || ((!aInt || !bInt) && big)) return 'decimal';
  if (aInt && bInt) return big ? 'bigint' : 'long';
  return 'double';
}

export function compareNumbers(a: Num, b: Num): number {
  const base = calculationBase(a, b);
  if (base === 'long' || base === 'bigint') {
    if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
    const x = BigInt(a as number | bigint);
    const y = BigInt(b as number | bigint);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (base === 'decimal') {
    const da = toDec(a);
    const db = toDec(b);
    const scale = Math.max(da.scale, db.scale);
    const x = da.unscaled * 10n ** BigInt(scale - da.scale);
    const y = db.unscaled * 10n ** BigInt(scale - db.scale);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = toDouble(a);
  const y = toDouble(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

interface Dec {
  unscaled: bigint;
  scale: number;
}

/** new BigDecimal(double): the exact binary value, smallest scale. */
function doubleToDec(d: number): Dec {
  if (!Number.isFinite(d)) throw new JavaException('java.lang.NumberFormatException', 'Infinite or NaN');
  if (d === 0) return { unscaled: 0n, scale: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (exp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = exp - 1075;
  }
  let unscaled: bigint;
  let scale: number;
  if (e >= 0) {
    unscaled = mant << BigInt(e);
    scale = 0;
  } else {
    unscaled = mant * 5n ** BigInt(-e);
    scale = -e;
  }
  while (scale > 0 && unscaled % 10n === 0n) {
    unscaled /= 10n;
    scale--;
  }
  return { unscaled: hi >>> 31 ? -unscaled : unscaled, scale };
}

/** MathUtils.toBigDecimal: BigDecimal as is, BigInteger exactly, anything else via doubleValue(). */
function toDec(n: Num): Dec {
  if (n instanceof JavaBigDecimal) {
    const m = /^(-?)(\d*)(?:\.(\d*))?(?:E([+-]?\d+))?$/i.exec(n.text);
    if (m) {
      const digits = (m[2] ?? '') + (m[3] ?? '');
      let scale = (m[3] ?? '').length - (m[4] ? parseInt(m[4], 10) : 0);
      let unscaled = BigInt(digits || '0');
      if (m[1]) unscaled = -unscaled;
      if (scale < 0) {
        unscaled *= 10n ** BigInt(-scale);
        scale = 0;
      }
      return { unscaled, scale };
    }
    return doubleToDec(Number(n.text));
  }
  if (isBigInteger(n)) return { unscaled: n, scale: 0 };
  return doubleToDec(toDouble(n));
}

function decValue(d: Dec): JavaBigDecimal {
  return new JavaBigDecimal(bigDecimalToString(`${d.unscaled}E${-d.scale}`));
}

// ---------------------------------------------------------------------------
// Arithmetic (org.apache.velocity.util.MathUtils, 1.7)

function normInt(x: bigint): number | bigint {
  return x >= -9007199254740991n && x <= 9007199254740991n ? Number(x) : x;
}

function isZero(n: Num): boolean {
  if (typeof n === 'number') return n === 0;
  if (typeof n === 'bigint') return n === 0n;
  if (n instanceof JavaDouble) return n.value === 0;
  return /^-?0*\.?0*(E[+-]?\d+)?$/i.test(n.text);
}

/** `+ - * / %`; returns null where Velocity 1.7 does (non-numbers, division by zero). */
export function arithmetic(op: '+' | '-' | '*' | '/' | '%', a: unknown, b: unknown, aText = 'null', bText = 'null'): unknown {
  if (op === '+' && (typeof a === 'string' || typeof b === 'string')) {
    // 1.7 concatenates a null operand as the literal text of its reference
    return (a === null ? aText : toJavaString(a)) + (b === null ? bText : toJavaString(b));
  }
  if (!isNumber(a) || !isNumber(b)) return null;
  if ((op === '/' || op === '%') && isZero(b)) return null;
  const base = calculationBase(a, b);
  if (base === 'long' || base === 'bigint') {
    if (typeof a === 'number' && typeof b === 'number') {
      let r: number;
      switch (op) {
        case '+': r = a + b; break;
        case '-': r = a - b; break;
        case '*': r = a * b; break;
        case '/': r = Math.trunc(a / b); break;
        case '%': r = a % b; break;
      }
      if (Number.isSafeInteger(r)) return r === 0 ? 0 : r;
    }
    const x = BigInt(a as number | bigint);
    const y = BigInt(b as number | bigint);
    switch (op) {
      case '+': return normInt(x + y);
      case '-': return normInt(x - y);
      // MathUtils.multiply misses exactly one overflow: Long.MIN_VALUE * -1 wraps to Long.MIN_VALUE
      case '*': return base === 'long' && x === LONG_MIN && y === -1n ? LONG_MIN : normInt(x * y);
      // long division: Long.MIN_VALUE / -1 wraps to Long.MIN_VALUE in Java (no overflow check in MathUtils.divide)
      case '/': return base === 'long' && x === LONG_MIN && y === -1n ? LONG_MIN : normInt(x / y);
      case '%':
        if (base === 'bigint') {
          // BigInteger.mod: positive modulus only, non-negative result
          if (y <= 0n) throw new JavaException('java.lang.ArithmeticException', 'BigInteger: modulus not positive');
          return normInt(((x % y) + y) % y);
        }
        return normInt(x % y);
    }
  }
  if (base === 'double') {
    const x = toDouble(a);
    const y = toDouble(b);
    switch (op) {
      case '+': return new JavaDouble(x + y);
      case '-': return new JavaDouble(x - y);
      case '*': return new JavaDouble(x * y);
      case '/': return new JavaDouble(x / y);
      case '%': return new JavaDouble(x % y);
    }
  }
  if (op === '%') throw new JavaException('java.lang.ArithmeticException', 'Cannot calculate the modulo of BigDecimals.');
  const da = toDec(a);
  const db = toDec(b);
  const scale = Math.max(da.scale, db.scale);
  const x = da.unscaled * 10n ** BigInt(scale - da.scale);
  const y = db.unscaled * 10n ** BigInt(scale - db.scale);
  switch (op) {
    case '+': return decValue({ unscaled: x + y, scale });
    case '-': return decValue({ unscaled: x - y, scale });
    case '*': return decValue({ unscaled: da.unscaled * db.unscaled, scale: da.scale + db.scale });
    case '/': {
      // BigDecimal.divide(divisor, ROUND_HALF_DOWN): the dividend's scale
      const num = da.unscaled * 10n ** BigInt(db.scale);
      let q = num / db.unscaled;
      const rem = num % db.unscaled;
      const twice = (rem < 0n ? -rem : rem) * 2n;
      const den = db.unscaled < 0n ? -db.unscaled : db.unscaled;
      if (twice > den) q += (num < 0n) !== (db.unscaled < 0n) ? -1n : 1n;
      return decValue({ unscaled: q, scale: da.scale });
    }
  }
}

/** `< > <= >=`: numbers only (1.7 logs and answers false otherwise). */
export function relational(op: '<' | '>' | '<=' | '>=', a: unknown, b: unknown): boolean {
  if (!isNumber(a) || !isNumber(b)) return false;
  const c = compareNumbers(a, b);
  switch (op) {
    case '<': return c < 0;
    case '>': return c > 0;
    case '<=': return c <= 0;
    case '>=': return c >= 0;
  }
}

// ---------------------------------------------------------------------------
// Java hash codes (String.hashCode etc.)

export function javaHashCode(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'string') {
    let h = 0;
    for (let i = 0; i < v.length; i++) h = (Math.imul(31, h) + v.charCodeAt(i)) | 0;
    return h;
  }
  if (typeof v === 'boolean') return v ? 1231 : 1237;
  if (typeof v === 'number' && Number.isInteger(v)) {
    if (v >= -2147483648 && v <= 2147483647) return v;
    const b = BigInt.asUintN(64, BigInt(v));
    return Number(BigInt.asIntN(32, b ^ (b >> 32n)));
  }
  if (typeof v === 'bigint') {
    if (v < LONG_MIN || v > LONG_MAX) {
      // BigInteger.hashCode: over the 32-bit words of the magnitude, times the sign
      let mag = v < 0n ? -v : v;
      const words: number[] = [];
      while (mag > 0n) {
        words.unshift(Number(mag & 0xffffffffn));
        mag >>= 32n;
      }
      let h = 0;
      for (const w of words) h = (Math.imul(31, h) + w) | 0;
      return v < 0n ? -h | 0 : h;
    }
    const b = BigInt.asUintN(64, v);
    return Number(BigInt.asIntN(32, b ^ (b >> 32n)));
  }
  if (v instanceof JavaDouble) {
    const buf = new DataView(new ArrayBuffer(8));
    buf.setFloat64(0, Number.isNaN(v.value) ? NaN : v.value);
    return (buf.getInt32(0) ^ buf.getInt32(4)) | 0;
  }
  if (Array.isArray(v)) {
    let h = 1;
    for (const e of v) h = (Math.imul(31, h) + javaHashCode(e)) | 0;
    return h;
  }
  if (v instanceof Map) {
    let h = 0;
    for (const [k, val] of v) h = (h + (javaHashCode(k) ^ javaHashCode(val))) | 0;
    return h;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Method calls

function asInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) return v;
  return undefined;
}

function outOfBounds(cls: string, msg: string): never {
  throw new JavaException(`java.lang.${cls}`, msg);
}

function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function javaLower(s: string): string {
  return s.toLowerCase();
}
function javaUpper(s: string): string {
  return s.toUpperCase();
}

function javaTrim(s: string): string {
  let st = 0;
  let len = s.length;
  while (st < len && s.charCodeAt(st) <= 32) st++;
  while (st < len && s.charCodeAt(len - 1) <= 32) len--;
  return s.slice(st, len);
}

function stringMethod(s: string, name: string, args: unknown[]): CallResult {
  const n = args.length;
  const a0 = args[0];
  const a1 = args[1];
  switch (name) {
    case 'length': if (n === 0) return s.length; break;
    case 'isEmpty': if (n === 0) return s.length === 0; break;
    case 'isBlank': if (n === 0) return javaTrim(s).length === 0 && !/[^\s]/.test(s); break;
    case 'toString': case 'intern': if (n === 0) return s; break;
    case 'trim': if (n === 0) return javaTrim(s); break;
    case 'strip': if (n === 0) return s.trim(); break;
    case 'toLowerCase': if (n === 0) return javaLower(s); break;
    case 'toUpperCase': if (n === 0) return javaUpper(s); break;
    case 'hashCode': if (n === 0) return javaHashCode(s); break;
    case 'getClass': if (n === 0) return new JavaClassRef('java.lang.String'); break;
    case 'toCharArray': if (n === 0) return Array.from({ length: s.length }, (_, i) => s[i]!); break;
    case 'getBytes': if (n === 0) return Array.from(Buffer.from(s, 'utf8'), (b) => (b > 127 ? b - 256 : b)); break;
    case 'equals': if (n === 1) return typeof a0 === 'string' && a0 === s; break;
    case 'equalsIgnoreCase':
      if (n === 1 && (a0 === null || typeof a0 === 'string')) return typeof a0 === 'string' && a0.length === s.length && javaUpper(a0) === javaUpper(s);
      break;
    case 'contentEquals': if (n === 1 && typeof a0 === 'string') return a0 === s; break;
    case 'contains': if (n === 1 && a0 !== undefined) {
      if (a0 === null) throw new JavaException('java.lang.NullPointerException', 'null');
      if (typeof a0 === 'string') return s.includes(a0);
    } break;
    case 'startsWith':
      if (n === 1 && typeof a0 === 'string') return s.startsWith(a0);
      if (n === 2 && typeof a0 === 'string' && asInt(a1) !== undefined) { const o = asInt(a1)!; return o >= 0 && o <= s.length - a0.length && s.startsWith(a0, o); }
      break;
    case 'endsWith': if (n === 1 && typeof a0 === 'string') return s.endsWith(a0); break;
    case 'indexOf':
      if (n === 1 && typeof a0 === 'string') return s.indexOf(a0);
      if (n === 1 && asInt(a0) !== undefined) return s.indexOf(String.fromCodePoint(asInt(a0)!));
      if (n === 2 && typeof a0 === 'string' && asInt(a1) !== undefined) return s.indexOf(a0, Math.max(0, asInt(a1)!));
      break;
    case 'lastIndexOf':
      if (n === 1 && typeof a0 === 'string') return s.lastIndexOf(a0);
      if (n === 1 && asInt(a0) !== undefined) return s.lastIndexOf(String.fromCodePoint(asInt(a0)!));
      if (n === 2 && typeof a0 === 'string' && asInt(a1) !== undefined) { const f = asInt(a1)!; return f < 0 ? -1 : s.lastIndexOf(a0, f); }
      break;
    case 'charAt': if (n === 1 && asInt(a0) !== undefined) {
      const i = asInt(a0)!;
      if (i < 0 || i >= s.length) outOfBounds('StringIndexOutOfBoundsException', `index ${i}, length ${s.length}`);
      return s[i]!;
    } break;
    case 'codePointAt': if (n === 1 && asInt(a0) !== undefined) {
      const i = asInt(a0)!;
      if (i < 0 || i >= s.length) outOfBounds('StringIndexOutOfBoundsException', `index ${i}, length ${s.length}`);
      return s.codePointAt(i)!;
    } break;
    case 'substring':
    case 'subSequence': {
      const b = asInt(a0);
      const e = n === 2 ? asInt(a1) : n === 1 ? s.length : undefined;
      if (b === undefined || e === undefined || (name === 'subSequence' && n !== 2)) break;
      if (b < 0 || e > s.length || b > e) outOfBounds('StringIndexOutOfBoundsException', `begin ${b}, end ${e}, length ${s.length}`);
      return s.slice(b, e);
    }
    case 'concat': if (n === 1 && typeof a0 === 'string') return s + a0; break;
    case 'compareTo': if (n === 1 && typeof a0 === 'string') return compareStrings(s, a0); break;
    case 'compareToIgnoreCase':
      if (n === 1 && typeof a0 === 'string') return compareStrings(javaLower(javaUpper(s)), javaLower(javaUpper(a0)));
      break;
    case 'replace':
      if (n === 2 && typeof a0 === 'string' && typeof a1 === 'string') {
        // an empty target matches before every char and at the end ("abc" → "-a-b-c-")
        if (a0 === '') return a1 + Array.from({ length: s.length }, (_, i) => s[i]).join(a1) + (s.length ? a1 : '');
        return s.split(a0).join(a1);
      }
      break;
    case 'replaceAll':
    case 'replaceFirst':
      if (n === 2 && typeof a0 === 'string' && typeof a1 === 'string') {
        return javaReplace(s, a0, a1, name === 'replaceAll');
      }
      break;
    case 'matches': if (n === 1 && typeof a0 === 'string') return javaRegex(a0, false, true).test(s); break;
    case 'split':
      if (n === 1 && typeof a0 === 'string') return javaSplit(s, a0, 0);
      if (n === 2 && typeof a0 === 'string' && asInt(a1) !== undefined) return javaSplit(s, a0, asInt(a1)!);
      break;
    case 'regionMatches': {
      let ic = false;
      let rest = args;
      if (n === 5 && typeof a0 === 'boolean') { ic = a0; rest = args.slice(1); } else if (n !== 4) break;
      const [to, other, oo, len] = rest;
      if (asInt(to) === undefined || typeof other !== 'string' || asInt(oo) === undefined || asInt(len) === undefined) break;
      const t = asInt(to)!, o = asInt(oo)!, l = asInt(len)!;
      if (o < 0 || t < 0 || t > s.length - l || o > other.length - l) return false;
      const x = s.slice(t, t + l), y = other.slice(o, o + l);
      return ic ? javaUpper(x) === javaUpper(y) || javaLower(x) === javaLower(y) : x === y;
    }
    case 'valueOf': if (n === 1) return toJavaString(a0); break;
    case 'format':
      // static String.format(String, Object...) called through an instance
      if (n >= 1 && typeof a0 === 'string') return javaFormat(a0, n === 2 && Array.isArray(a1) && !isJsonArray(a1) ? a1 : args.slice(1));
      break;
    case 'join':
      // static String.join(CharSequence, Iterable | CharSequence...)
      if (n === 2 && typeof a0 === 'string' && Array.isArray(a1)) return a1.map((x) => toJavaString(x)).join(a0);
      if (n >= 1 && typeof a0 === 'string' && args.slice(1).every((x) => typeof x === 'string')) return args.slice(1).join(a0);
      break;
    case 'repeat': if (n === 1 && asInt(a0) !== undefined) {
      const c = asInt(a0)!;
      if (c < 0) throw new JavaException('java.lang.IllegalArgumentException', `count is negative: ${c}`);
      if (s.length * c > 16 * 1024 * 1024) throw new BudgetError('string too large');
      return s.repeat(c);
    } break;
  }
  return NO_METHOD;
}

class JavaClassRef extends HostObject {
  readonly javaClass = 'java.lang.Class';
  constructor(readonly name: string) {
    super();
  }
  call(name: string, args: unknown[]): CallResult {
    if (args.length === 0) {
      if (name === 'getName' || name === 'getTypeName') return this.name;
      if (name === 'getSimpleName') return this.name.slice(this.name.lastIndexOf('.') + 1);
      if (name === 'toString') return this.toJavaString();
    }
    return NO_METHOD;
  }
  toJavaString(): string {
    return `class ${this.name}`;
  }
}

function indexCheck(i: number, size: number): void {
  if (i < 0 || i >= size) outOfBounds('IndexOutOfBoundsException', `Index ${i} out of bounds for length ${size}`);
}

function listMethod(l: unknown[], name: string, args: unknown[]): CallResult {
  const n = args.length;
  const a0 = args[0];
  const a1 = args[1];
  switch (name) {
    case 'size': if (n === 0) return l.length; break;
    case 'isEmpty': if (n === 0) return l.length === 0; break;
    case 'toString': if (n === 0) return toJavaString(l); break;
    case 'hashCode': if (n === 0) return javaHashCode(l); break;
    case 'getClass': if (n === 0) return new JavaClassRef(isJsonArray(l) ? 'net.minidev.json.JSONArray' : 'java.util.ArrayList'); break;
    case 'iterator': case 'listIterator': if (n === 0) return javaIterator(l); break;
    case 'clear': if (n === 0) { l.length = 0; return undefined; } break;
    case 'get': if (n === 1 && asInt(a0) !== undefined) { const i = asInt(a0)!; indexCheck(i, l.length); return l[i] ?? null; } break;
    case 'contains': if (n === 1) return l.some((x) => javaEquals(x, a0)); break;
    case 'containsAll': if (n === 1 && Array.isArray(a0)) return a0.every((y) => l.some((x) => javaEquals(x, y))); break;
    case 'indexOf': if (n === 1) return l.findIndex((x) => javaEquals(x, a0)); break;
    case 'lastIndexOf': if (n === 1) { for (let i = l.length - 1; i >= 0; i--) if (javaEquals(l[i], a0)) return i; return -1; } break;
    case 'equals': if (n === 1) return javaEquals(l, a0); break;
    case 'add':
      if (n === 1) { l.push(a0); checkSize(l); return true; }
      if (n === 2 && asInt(a0) !== undefined) {
        const i = asInt(a0)!;
        if (i < 0 || i > l.length) outOfBounds('IndexOutOfBoundsException', `Index: ${i}, Size: ${l.length}`);
        l.splice(i, 0, a1);
        checkSize(l);
        return undefined;
      }
      break;
    case 'addAll':
      if (n === 1 && Array.isArray(a0)) {
        if (l.length + a0.length > MAX_COLLECTION) throw new BudgetError(`list grew beyond ${MAX_COLLECTION} elements`);
        const c = a0.slice();
        for (const x of c) l.push(x);
        return c.length > 0;
      }
      if (n === 1 && a0 instanceof Map) return NO_METHOD;
      if (n === 2 && asInt(a0) !== undefined && Array.isArray(a1)) {
        const i = asInt(a0)!;
        if (i < 0 || i > l.length) outOfBounds('IndexOutOfBoundsException', `Index: ${i}, Size: ${l.length}`);
        if (l.length + a1.length > MAX_COLLECTION) throw new BudgetError(`list grew beyond ${MAX_COLLECTION} elements`);
        l.splice(i, 0, ...a1.slice());
        return a1.length > 0;
      }
      break;
    case 'set': if (n === 2 && asInt(a0) !== undefined) { const i = asInt(a0)!; indexCheck(i, l.length); const old = l[i]; l[i] = a1; return old ?? null; } break;
    case 'remove':
      if (n === 1 && asInt(a0) !== undefined) { const i = asInt(a0)!; indexCheck(i, l.length); return l.splice(i, 1)[0] ?? null; }
      if (n === 1) { const i = l.findIndex((x) => javaEquals(x, a0)); if (i >= 0) l.splice(i, 1); return i >= 0; }
      break;
    case 'subList': if (n === 2 && asInt(a0) !== undefined && asInt(a1) !== undefined) {
      const b = asInt(a0)!, e = asInt(a1)!;
      if (b < 0 || e > l.length || b > e) outOfBounds('IndexOutOfBoundsException', `fromIndex: ${b}, toIndex: ${e}, size: ${l.length}`);
      return l.slice(b, e);
    } break;
    case 'toArray': if (n === 0) return l.slice(); break;
  }
  return NO_METHOD;
}

function mapMethod(m: Map<unknown, unknown>, name: string, args: unknown[]): CallResult {
  const n = args.length;
  const a0 = args[0];
  const a1 = args[1];
  switch (name) {
    case 'size': if (n === 0) return m.size; break;
    case 'isEmpty': if (n === 0) return m.size === 0; break;
    case 'toString': if (n === 0) return toJavaString(m); break;
    case 'hashCode': if (n === 0) return javaHashCode(m); break;
    case 'getClass': if (n === 0) return new JavaClassRef('java.util.LinkedHashMap'); break;
    case 'clear': if (n === 0) { m.clear(); return undefined; } break;
    case 'keySet': if (n === 0) return view(m, Array.from(m.keys())); break;
    case 'values': if (n === 0) return view(m, Array.from(m.values())); break;
    case 'entrySet': if (n === 0) return view(m, Array.from(m.keys(), (k) => new MapEntry(m, k))); break;
    case 'get': if (n === 1) return m.get(mapKey(m, a0)) ?? null; break;
    case 'getOrDefault': if (n === 2) { const k = mapKey(m, a0); return m.has(k) ? (m.get(k) ?? null) : a1; } break;
    case 'containsKey': if (n === 1) return m.has(mapKey(m, a0)); break;
    case 'containsValue': if (n === 1) { for (const v of m.values()) if (javaEquals(v, a0)) return true; return false; } break;
    case 'put': if (n === 2) { const k = mapKey(m, a0); const old = m.get(k) ?? null; m.set(k, a1); return old; } break;
    case 'putIfAbsent': if (n === 2) { const k = mapKey(m, a0); const old = m.get(k) ?? null; if (old === null) m.set(k, a1); return old; } break;
    case 'replace':
      if (n === 2) { const k = mapKey(m, a0); if (!m.has(k)) return null; const old = m.get(k) ?? null; m.set(k, a1); return old; }
      if (n === 3) { const k = mapKey(m, a0); if (m.has(k) && javaEquals(m.get(k), a1)) { m.set(k, args[2]); return true; } return false; }
      break;
    case 'putAll': if (n === 1 && a0 instanceof Map) { for (const [k, v] of a0) m.set(mapKey(m, k), v); return undefined; } break;
    case 'remove':
      if (n === 1) { const k = mapKey(m, a0); const old = m.get(k) ?? null; m.delete(k); return old; }
      if (n === 2) { const k = mapKey(m, a0); if (m.has(k) && javaEquals(m.get(k), a1)) { m.delete(k); return true; } return false; }
      break;
    case 'equals': if (n === 1) return javaEquals(m, a0); break;
  }
  return NO_METHOD;
}

/** Keys compare with equals(): find an existing equal key (numbers of different representation). */
function mapKey(m: Map<unknown, unknown>, k: unknown): unknown {
  if (k === null || typeof k === 'string' || typeof k === 'boolean') return k;
  if (m.has(k)) return k;
  for (const key of m.keys()) if (javaEquals(key, k)) return key;
  return k;
}

function numberMethod(v: Num, name: string, args: unknown[]): CallResult {
  const n = args.length;
  if (n === 0) {
    switch (name) {
      case 'toString': return toJavaString(v);
      case 'intValue': {
        if (isIntegral(v)) return Number(BigInt.asIntN(32, BigInt(v)));
        const d = toDouble(v);
        return Number.isNaN(d) ? 0 : d >= 2147483647 ? 2147483647 : d <= -2147483648 ? -2147483648 : Math.trunc(d) | 0;
      }
      case 'longValue': {
        if (isIntegral(v)) return normInt(BigInt.asIntN(64, BigInt(v)));
        const d = toDouble(v);
        if (Number.isNaN(d)) return 0;
        if (d >= 9.223372036854776e18) return 9223372036854775807n;
        if (d <= -9.223372036854776e18) return -9223372036854775808n;
        return normInt(BigInt(Math.trunc(d)));
      }
      case 'doubleValue': case 'floatValue': return new JavaDouble(toDouble(v));
      case 'hashCode': return javaHashCode(v);
      case 'isNaN': if (v instanceof JavaDouble) return Number.isNaN(v.value); break;
      case 'isInfinite': if (v instanceof JavaDouble) return !Number.isFinite(v.value) && !Number.isNaN(v.value); break;
      case 'getClass': return new JavaClassRef(javaClassName(v));
    }
  }
  if (n === 1) {
    const o = args[0];
    if (name === 'equals') return javaEquals(v, o);
    // static Integer.toString(int) / Integer.hashCode(int) reached through an instance
    if (typeof v === 'number' && asInt(o) !== undefined && asInt(v) !== undefined) {
      if (name === 'toString') return String(o);
      if (name === 'hashCode') return o;
    }
    if (name === 'compareTo' && isNumber(o)) {
      // Comparable<T>: comparing different boxed types throws ClassCastException
      if (v instanceof JavaDouble !== o instanceof JavaDouble || v instanceof JavaBigDecimal !== o instanceof JavaBigDecimal) {
        throw new JavaException('java.lang.ClassCastException', `class ${javaClassName(o)} cannot be cast to class ${javaClassName(v)}`);
      }
      return compareNumbers(v, o);
    }
  }
  return NO_METHOD;
}

function booleanMethod(b: boolean, name: string, args: unknown[]): CallResult {
  if (args.length === 0) {
    if (name === 'booleanValue') return b;
    if (name === 'toString') return String(b);
    if (name === 'hashCode') return b ? 1231 : 1237;
    if (name === 'getClass') return new JavaClassRef('java.lang.Boolean');
  }
  if (args.length === 1) {
    // static Boolean.hashCode(boolean) / toString(boolean) reached through an instance
    if (name === 'hashCode' && typeof args[0] === 'boolean') return args[0] ? 1231 : 1237;
    if (name === 'toString' && typeof args[0] === 'boolean') return String(args[0]);
    if (name === 'equals') return args[0] === b;
    if (name === 'compareTo' && typeof args[0] === 'boolean') return b === args[0] ? 0 : b ? 1 : -1;
    if (name === 'compareTo' && args[0] !== null) {
      throw new JavaException('java.lang.ClassCastException', `class ${javaClassName(args[0])} cannot be cast to class java.lang.Boolean`);
    }
  }
  return NO_METHOD;
}

/** Invoke a Java method on a value; NO_METHOD when there is none (Velocity then prints the reference literally). */
export function callMethod(target: unknown, name: string, args: unknown[]): CallResult {
  if (target === null || target === undefined) return NO_METHOD;
  let r: CallResult;
  let zeroArg: ReadonlySet<string>;
  if (typeof target === 'string') {
    r = stringMethod(target, name, args);
    zeroArg = STRING_ZERO_ARG;
    if (r === NO_METHOD && args.length === 1 && (name === 'compareTo' || name === 'compareToIgnoreCase') && args[0] !== null) {
      throw new JavaException('java.lang.ClassCastException', `class ${javaClassName(args[0])} cannot be cast to class java.lang.String`);
    }
  } else if (Array.isArray(target)) {
    r = listMethod(target, name, args);
    zeroArg = LIST_ZERO_ARG;
  } else if (target instanceof Map) {
    r = mapMethod(target, name, args);
    zeroArg = MAP_ZERO_ARG;
  } else if (isNumber(target)) {
    r = numberMethod(target, name, args);
    zeroArg = NUMBER_ZERO_ARG;
    if (r === NO_METHOD && args.length === 1 && name === 'compareTo' && args[0] !== null) {
      throw new JavaException('java.lang.ClassCastException', `class ${javaClassName(args[0])} cannot be cast to class ${javaClassName(target)}`);
    }
  } else if (typeof target === 'boolean') {
    r = booleanMethod(target, name, args);
    zeroArg = BOOLEAN_ZERO_ARG;
  } else if (target instanceof HostObject) {
    return target.call(name, args);
  } else return NO_METHOD;
  // Velocity 1.7's MethodMap treats a parameterless method as applicable to any arguments:
  // calling it with arguments fails with "wrong number of arguments"
  if (r === NO_METHOD && args.length > 0 && zeroArg.has(name)) {
    throw new JavaException('java.lang.IllegalArgumentException', 'wrong number of arguments');
  }
  return r;
}

const COMMON_ZERO_ARG = ['toString', 'hashCode', 'getClass', 'notify', 'notifyAll', 'wait'];
const STRING_ZERO_ARG: ReadonlySet<string> = new Set([
  ...COMMON_ZERO_ARG, 'length', 'isEmpty', 'isBlank', 'intern', 'trim', 'strip', 'stripLeading', 'stripTrailing',
  'toLowerCase', 'toUpperCase', 'toCharArray', 'chars', 'codePoints', 'lines', 'stripIndent', 'translateEscapes',
]);
const LIST_ZERO_ARG: ReadonlySet<string> = new Set([...COMMON_ZERO_ARG, 'size', 'isEmpty', 'clear', 'iterator', 'stream', 'parallelStream', 'spliterator', 'trimToSize']);
const MAP_ZERO_ARG: ReadonlySet<string> = new Set([...COMMON_ZERO_ARG, 'size', 'isEmpty', 'clear', 'keySet', 'values', 'entrySet', 'clone']);
const NUMBER_ZERO_ARG: ReadonlySet<string> = new Set([...COMMON_ZERO_ARG, 'intValue', 'longValue', 'doubleValue', 'floatValue', 'shortValue', 'byteValue']);
const BOOLEAN_ZERO_ARG: ReadonlySet<string> = new Set([...COMMON_ZERO_ARG, 'booleanValue']);

/** `$x.name` (Velocity 1.7 UberspectImpl order: getName(), Map.get("name"), get("name"), isName()). */
export function getProperty(target: unknown, name: string): CallResult {
  if (target === null || target === undefined) return NO_METHOD;
  if (target instanceof HostObject) return target.getProperty(name);
  if (target instanceof Map) {
    if (name === 'class') return new JavaClassRef('java.util.LinkedHashMap');
    return target.get(name) ?? null;
  }
  const cap = name[0]!.toUpperCase() + name.slice(1);
  let r = callMethod(target, 'get' + cap, []);
  if (r !== NO_METHOD) return r;
  r = callMethod(target, 'get' + name, []);
  if (r !== NO_METHOD) return r;
  r = callMethod(target, 'is' + cap, []);
  if (r !== NO_METHOD && typeof r === 'boolean') return r;
  return NO_METHOD;
}

/** `$x[i]`: List/array get(int), Map get(key), else a get(arg) method. */
export function getIndex(target: unknown, index: unknown): CallResult {
  if (target === null || target === undefined) return NO_METHOD;
  if (Array.isArray(target)) {
    let i = asInt(index);
    if (i === undefined) return NO_METHOD;
    if (i < 0) i += target.length; // 1.7 index notation counts negative indices from the end
    indexCheck(i, target.length);
    return target[i] ?? null;
  }
  if (target instanceof Map) return target.get(mapKey(target, index)) ?? null;
  return callMethod(target, 'get', [index]);
}

/** `#set($x.name = v)` */
export function setProperty(target: unknown, name: string, value: unknown): boolean {
  if (target instanceof Map) {
    target.set(name, value);
    return true;
  }
  if (target instanceof HostObject) return target.setProperty(name, value);
  return false;
}

/** `#set($x[i] = v)` */
export function setIndex(target: unknown, index: unknown, value: unknown): boolean {
  if (Array.isArray(target)) {
    let i = asInt(index);
    if (i === undefined) return false;
    if (i < 0) i += target.length;
    indexCheck(i, target.length);
    target[i] = value;
    return true;
  }
  if (target instanceof Map) {
    target.set(mapKey(target, index), value);
    return true;
  }
  return false;
}

/** keySet() / values() / entrySet() snapshots → their map (Java views are live: see mapOfView). */
const mapViews = new WeakMap<unknown[], Map<unknown, unknown>>();
function view<T extends unknown[]>(m: Map<unknown, unknown>, items: T): T {
  mapViews.set(items, m);
  return items;
}
/** The map behind a keySet()/values()/entrySet() result, for ConcurrentModificationException checks. */
export function mapOfView(items: unknown[]): Map<unknown, unknown> | undefined {
  return mapViews.get(items);
}

/** Items #foreach iterates over (null when not iterable: the loop is skipped). */
export function iterable(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v;
  if (v instanceof Map) return view(v, Array.from(v.values()));
  if (v instanceof JavaIterator) return v.drain();
  if (v instanceof HostObject) {
    const it = v.call('iterator', []);
    if (Array.isArray(it)) return it;
  }
  return null;
}

// ---------------------------------------------------------------------------
// java.util.Iterator, String.format / String.join

class JavaIterator extends HostObject {
  readonly javaClass = 'java.util.ArrayList$Itr';
  private i = 0;
  constructor(readonly items: unknown[]) {
    super();
  }
  call(name: string, args: unknown[]): CallResult {
    if (args.length !== 0) return NO_METHOD;
    if (name === 'hasNext') return this.i < this.items.length;
    if (name === 'next') {
      if (this.i >= this.items.length) throw new JavaException('java.util.NoSuchElementException', 'null');
      return this.items[this.i++] ?? null;
    }
    if (name === 'toString') return this.toJavaString();
    return NO_METHOD;
  }
  /** #foreach over an Iterator consumes what is left of it. */
  drain(): unknown[] {
    const rest = this.items.slice(this.i);
    this.i = this.items.length;
    return rest;
  }
  toJavaString(): string {
    return 'java.util.ArrayList$Itr@' + (this.items.length >>> 0).toString(16);
  }
}

export function javaIterator(items: unknown[]): HostObject {
  return new JavaIterator(items);
}

/** java.util.Formatter for the common conversions (%s %d %f %x %o %e %b %c %n %%). */
export function javaFormat(fmt: string, args: unknown[]): string {
  const re = /%(\d+\$)?([-#+ 0,(<]*)?(\d+)?(\.\d+)?([a-zA-Z%])/g;
  let out = '';
  let last = 0;
  let next = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(fmt)) !== null) {
    out += fmt.slice(last, m.index);
    last = re.lastIndex;
    const [spec, argIdx, flags = '', widthS, precS, conv] = m as unknown as [string, string | undefined, string | undefined, string | undefined, string | undefined, string];
    if (conv === 'n') {
      out += '\n';
      continue;
    }
    if (conv === '%') {
      out += pad('%', widthS, flags);
      continue;
    }
    let arg: unknown;
    if (argIdx) {
      const k = parseInt(argIdx, 10) - 1;
      if (k >= args.length) throw new JavaException('java.util.MissingFormatArgumentException', `Format specifier '${spec}'`);
      arg = args[k];
    } else {
      if (next >= args.length) throw new JavaException('java.util.MissingFormatArgumentException', `Format specifier '${spec}'`);
      arg = args[next++];
    }
    const prec = precS ? parseInt(precS.slice(1), 10) : undefined;
    let s: string;
    switch (conv) {
      case 's':
      case 'S':
        s = arg === null || arg === undefined ? 'null' : toJavaString(arg);
        if (prec !== undefined) s = s.slice(0, prec);
        if (conv === 'S') s = s.toUpperCase();
        break;
      case 'b':
      case 'B':
        s = String(arg === null || arg === undefined ? false : typeof arg === 'boolean' ? arg : true);
        if (conv === 'B') s = s.toUpperCase();
        break;
      case 'd':
      case 'x':
      case 'X':
      case 'o': {
        if (!isIntegral(arg)) throw new JavaException('java.util.IllegalFormatConversionException', `${conv} != ${javaClassName(arg)}`);
        const v = BigInt(arg);
        if (conv === 'd') {
          let digits = (v < 0n ? -v : v).toString();
          if (flags.includes(',')) digits = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
          s = (v < 0n ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + digits;
        } else {
          const bits = typeof arg === 'number' && arg >= -2147483648 && arg <= 2147483647 ? 32 : 64;
          const u = v < 0n ? BigInt.asUintN(bits, v) : v;
          s = u.toString(conv === 'o' ? 8 : 16);
          if (conv === 'X') s = s.toUpperCase();
        }
        if (flags.includes('0') && widthS) {
          const w = parseInt(widthS, 10);
          const sign = /^[-+ ]/.test(s) ? s[0]! : '';
          s = sign + s.slice(sign.length).padStart(w - sign.length, '0');
        }
        break;
      }
      case 'f':
      case 'e':
      case 'E': {
        if (!isNumber(arg) || isIntegral(arg)) throw new JavaException('java.util.IllegalFormatConversionException', `${conv} != ${javaClassName(arg)}`);
        const d = toDouble(arg);
        const p = prec ?? 6;
        if (conv === 'f') {
          s = d.toFixed(p);
          if (flags.includes(',')) s = s.replace(/^(-?\d+)/, (x) => x.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
        } else {
          s = d.toExponential(p).replace(/e([+-])(\d)$/, 'e$10$2');
          if (conv === 'E') s = s.toUpperCase();
        }
        if (d >= 0 && flags.includes('+')) s = '+' + s;
        if (flags.includes('0') && widthS) {
          const w = parseInt(widthS, 10);
          const sign = /^[-+]/.test(s) ? s[0]! : '';
          s = sign + s.slice(sign.length).padStart(w - sign.length, '0');
        }
        break;
      }
      case 'c':
        if (typeof arg === 'string' && arg.length === 1) s = arg;
        else if (typeof arg === 'number') s = String.fromCodePoint(arg);
        else throw new JavaException('java.util.IllegalFormatConversionException', `c != ${javaClassName(arg)}`);
        break;
      default:
        throw new JavaException('java.util.UnknownFormatConversionException', `Conversion = '${conv}'`);
    }
    out += pad(s, widthS, flags);
  }
  return out + fmt.slice(last);
}

function pad(s: string, widthS: string | undefined, flags: string): string {
  if (!widthS) return s;
  const w = parseInt(widthS, 10);
  return flags.includes('-') ? s.padEnd(w) : s.padStart(w);
}
