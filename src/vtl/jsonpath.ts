// JSONPath with Jayway JsonPath 2.x semantics (reference: Jayway 2.10.0 + json-smart 2.6, default
// configuration, no options), as API Gateway's $input.path / $input.json use it.
// Behaviour was measured with tools/vtl-oracle (fixtures: test/vtl-corpus/jsonpath-fixtures.json).
//
// Result rules (JsonPath.read):
// - definite path (no .., *, filter, slice, index/property list except a leaf property list):
//   the value, or PathNotFoundError when nothing matched;
// - indefinite path: a list (possibly empty) of every match;
// - a trailing function (length(), sum(), keys() ...) is applied to the node it follows.

import { StacklessError } from '../stackless-error.js';
import { javaRegex } from './java-regex.js';
import { parseJson } from './json.js';
import { JavaBigDecimal, JavaDouble, type JavaValue } from './values.js';

/** JSONPath errors are control flow or become a template error's message, never shown with a stack (../stackless-error.ts). */
export class JsonPathError extends StacklessError {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPathError';
  }
}

/** Invalid path text (Jayway InvalidPathException). */
export class InvalidJsonPathError extends JsonPathError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidJsonPathError';
  }
}

/** The path matched nothing where Jayway throws PathNotFoundException (control flow: `$input.path` of a missing key renders empty). */
export class PathNotFoundError extends JsonPathError {
  constructor(message: string) {
    super(message);
    this.name = 'PathNotFoundError';
  }
}

// ---------------------------------------------------------------------------
// Tokens

interface Ctx {
  root: JavaValue;
  results: JavaValue[];
  requireProperties: boolean;
}

abstract class Token {
  next: Token | null = null;
  /**
   * Set by a scan on the token after its target while it walks an array (Jayway
   * setUpstreamArrayIndex); a leaf property then only records results when the token
   * before the path's last one reads "[index]". -1 = not set. Reset for every read.
   */
  upstreamArrayIndex = -1;
  /** The fragment ("[0]", "[*]", "['a']") of the token before the path's last token. */
  tailPrevFragment: string | null = null;
  abstract fragment(): string;
  /** Every token before this one is definite. */
  upstreamDefinite = true;
  abstract readonly definite: boolean;
  abstract evaluate(model: JavaValue, ctx: Ctx): void;

  get isLeaf(): boolean {
    return this.next === null;
  }

  /** Continue with the next token, or record a result. */
  emit(value: JavaValue, ctx: Ctx): void {
    if (this.next) this.next.evaluate(value, ctx);
    else ctx.results.push(value);
  }
}

const isMap = (v: JavaValue): v is Map<string, JavaValue> => v instanceof Map;

function describe(v: JavaValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'net.minidev.json.JSONArray';
  if (isMap(v)) return 'java.util.LinkedHashMap';
  if (typeof v === 'string') return 'java.lang.String';
  if (typeof v === 'boolean') return 'java.lang.Boolean';
  if (typeof v === 'number') return 'java.lang.Integer';
  if (typeof v === 'bigint') return 'java.math.BigInteger';
  if (v instanceof JavaDouble) return 'java.lang.Double';
  return 'java.math.BigDecimal';
}

class PropertyToken extends Token {
  constructor(readonly properties: string[]) {
    super();
  }
  get definite(): boolean {
    return this.properties.length === 1 || this.isLeaf;
  }
  evaluate(model: JavaValue, ctx: Ctx): void {
    if (!isMap(model)) {
      if (!this.upstreamDefinite) return;
      throw new PathNotFoundError(
        `Expected to find an object with property ${this.show()} but found '${describe(model)}'`,
      );
    }
    if (this.properties.length === 1) {
      this.one(this.properties[0]!, model, ctx);
    } else if (this.isLeaf) {
      // Leaf property list: merged into one map of the properties present.
      const merged = new Map<string, JavaValue>();
      for (const p of this.properties) {
        if (model.has(p)) merged.set(p, model.get(p)!);
        else if (ctx.requireProperties) throw new PathNotFoundError(`Missing property ${p}`);
      }
      ctx.results.push(merged);
    } else {
      for (const p of this.properties) this.one(p, model, ctx);
    }
  }
  private one(p: string, model: Map<string, JavaValue>, ctx: Ctx): void {
    if (!model.has(p)) {
      if (this.isLeaf) {
        if (ctx.requireProperties) throw new PathNotFoundError(`No results for path: ['${p}']`);
        return;
      }
      if ((this.upstreamDefinite && this.definite) || ctx.requireProperties) {
        throw new PathNotFoundError(`Missing property in path ['${p}']`);
      }
      return;
    }
    if (this.isLeaf && this.upstreamArrayIndex !== -1 && this.tailPrevFragment !== `[${this.upstreamArrayIndex}]`) {
      return;
    }
    this.emit(model.get(p)!, ctx);
  }
  show(): string {
    return '[' + this.properties.map((p) => `'${p}'`).join(',') + ']';
  }
  fragment(): string {
    return this.show();
  }
}

class WildcardToken extends Token {
  readonly definite = false;
  fragment(): string {
    return '[*]';
  }
  evaluate(model: JavaValue, ctx: Ctx): void {
    if (isMap(model)) {
      for (const v of model.values()) this.emit(v, ctx);
    } else if (Array.isArray(model)) {
      for (const v of model) {
        try {
          this.emit(v, ctx);
        } catch (e) {
          if (!(e instanceof PathNotFoundError) || ctx.requireProperties) throw e;
        }
      }
    }
  }
}

abstract class ArrayToken extends Token {
  /** checkArrayModel: false means "skip silently". */
  protected arrayModel(model: JavaValue): model is JavaValue[] {
    if (Array.isArray(model)) return true;
    if (!this.upstreamDefinite) return false;
    if (model === null) throw new PathNotFoundError('The path is null');
    throw new PathNotFoundError(`Filter: ${this.show()} can only be applied to arrays`);
  }
  protected index(list: JavaValue[], i: number, ctx: Ctx): void {
    const k = i < 0 ? list.length + i : i;
    if (k < 0 || k >= list.length) return;
    this.emit(list[k]!, ctx);
  }
  abstract show(): string;
  fragment(): string {
    return this.show();
  }
}

class IndexToken extends ArrayToken {
  constructor(readonly indexes: number[]) {
    super();
  }
  get definite(): boolean {
    return this.indexes.length === 1;
  }
  evaluate(model: JavaValue, ctx: Ctx): void {
    if (!this.arrayModel(model)) return;
    for (const i of this.indexes) this.index(model, i, ctx);
  }
  show(): string {
    return `[${this.indexes.join(',')}]`;
  }
}

class SliceToken extends ArrayToken {
  readonly definite = false;
  constructor(
    readonly from: number | null,
    readonly to: number | null,
  ) {
    super();
  }
  evaluate(model: JavaValue, ctx: Ctx): void {
    if (!this.arrayModel(model)) return;
    const length = model.length;
    let from: number;
    let to: number;
    if (this.to === null) {
      from = this.from! < 0 ? Math.max(0, length + this.from!) : this.from!;
      if (length === 0 || from >= length) return;
      to = length;
    } else if (this.from === null) {
      to = this.to < 0 ? length + this.to : Math.min(length, this.to);
      if (length === 0) return;
      from = 0;
    } else {
      // Jayway does not resolve negative bounds here; index() maps each negative i to length + i.
      from = this.from;
      to = Math.min(length, this.to);
      if (from >= to || length === 0) return;
    }
    for (let i = from; i < to; i++) this.index(model, i, ctx);
  }
  show(): string {
    return `[${this.from ?? ''}:${this.to ?? ''}]`;
  }
}

class FilterToken extends Token {
  readonly definite = false;
  fragment(): string {
    return '[?]';
  }
  constructor(readonly predicate: Predicate) {
    super();
  }
  evaluate(model: JavaValue, ctx: Ctx): void {
    if (isMap(model)) {
      if (this.predicate(model, ctx.root)) this.emit(model, ctx);
    } else if (Array.isArray(model)) {
      for (const item of model) if (this.predicate(item, ctx.root)) this.emit(item, ctx);
    } else if (this.upstreamDefinite) {
      throw new InvalidJsonPathError('Filter can not be applied to primitives');
    }
  }
}

class ScanToken extends Token {
  readonly definite = false;
  evaluate(model: JavaValue, ctx: Ctx): void {
    const target = this.next!;
    this.walk(target, model, ctx, scanPredicate(target));
  }
  private walk(target: Token, model: JavaValue, ctx: Ctx, matches: (v: JavaValue) => boolean): void {
    if (isMap(model)) {
      if (matches(model)) target.evaluate(model, ctx);
      for (const v of model.values()) this.walk(target, v, ctx, matches);
    } else if (Array.isArray(model)) {
      if (matches(model)) {
        if (target.isLeaf) target.evaluate(model, ctx);
        else {
          const next = target.next!;
          for (let i = 0; i < model.length; i++) {
            next.upstreamArrayIndex = i;
            next.evaluate(model[i]!, ctx);
          }
        }
      }
      for (const v of model) this.walk(target, v, ctx, matches);
    }
  }
  // The scan hands results to its target itself.
  override emit(): void {}
  fragment(): string {
    return '..';
  }
}

function scanPredicate(target: Token): (v: JavaValue) => boolean {
  if (target instanceof PropertyToken) {
    return (v) => isMap(v) && (!target.definite || target.properties.every((p) => v.has(p)));
  }
  if (target instanceof ArrayToken) return (v) => Array.isArray(v);
  if (target instanceof WildcardToken) return () => true;
  if (target instanceof FilterToken) return (v) => isMap(v) && target.predicate(v, currentRoot);
  return () => false;
}
// The root document during a scan's filter check (scan predicates get no context in Jayway either).
let currentRoot: JavaValue = null;

// ---------------------------------------------------------------------------
// Functions

type Fn = (model: JavaValue, params: JavaValue[] | null, args: number[]) => JavaValue;

/** first() / last() / index(n) (Jayway AbstractSequenceAggregation, bugs included). */
function sequence(model: JavaValue, target: number): JavaValue {
  if (!Array.isArray(model)) throw new JsonPathError('Aggregation function attempted to calculate value using empty array');
  if (target >= 0) {
    if (target >= model.length) throw new JsonPathError(`Index ${target} out of bounds for length ${model.length}`);
    return model[target]!;
  }
  const real = model.length + target;
  if (real > 0) return model[real]!;
  throw new JsonPathError(`Target index:${target} larger than object count:${model.length}`);
}

function numbersOf(model: JavaValue, params: JavaValue[] | null, args: number[] = []): number[] {
  const out: number[] = [];
  const add = (v: JavaValue): void => {
    const n = toNumber(v);
    if (n !== undefined) out.push(n);
  };
  if (Array.isArray(model)) model.forEach(add);
  if (params) for (const p of params) (Array.isArray(p) ? p : [p]).forEach(add);
  out.push(...args);
  if (out.length === 0) throw new JsonPathError('Aggregation function attempted to calculate value using empty array');
  return out;
}

function toNumber(v: JavaValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof JavaDouble) return v.value;
  if (v instanceof JavaBigDecimal) return Number(v.text);
  return undefined;
}

const JAVA_DOUBLE_MIN_VALUE = Number.MIN_VALUE;

const FUNCTIONS: Record<string, Fn> = {
  length: (model, params) => {
    const target = params ? params[0]! : model;
    if (Array.isArray(target)) return target.length;
    if (!params && isMap(target)) return target.size;
    return null;
  },
  sum: (m, p, a) => new JavaDouble(numbersOf(m, p, a).reduce((a, b) => a + b, 0)),
  avg: (m, p, a) => {
    const ns = numbersOf(m, p, a);
    return new JavaDouble(ns.reduce((a, b) => a + b, 0) / ns.length);
  },
  min: (m, p, a) => new JavaDouble(numbersOf(m, p, a).reduce((a, b) => (b < a ? b : a), Number.MAX_VALUE)),
  // Jayway starts max at Double.MIN_VALUE (the smallest positive double), so all-negative input gives it.
  max: (m, p, a) => new JavaDouble(numbersOf(m, p, a).reduce((a, b) => (a < b ? b : a), JAVA_DOUBLE_MIN_VALUE)),
  stddev: (m, p, a) => {
    const ns = numbersOf(m, p, a);
    let sum = 0;
    let sumSq = 0;
    for (const n of ns) {
      sum += n;
      sumSq += n * n;
    }
    return new JavaDouble(Math.sqrt(sumSq / ns.length - (sum * sum) / ns.length / ns.length));
  },
  keys: (model) => (isMap(model) ? [...model.keys()] : null),
  first: (model) => sequence(model, 0),
  last: (model) => sequence(model, -1),
  index: (model, _p, args) => {
    if (args.length === 0) throw new JsonPathError('index() needs a number');
    return sequence(model, Math.trunc(args[0]!));
  },
};
FUNCTIONS.size = FUNCTIONS.length!;

class FunctionToken extends Token {
  readonly definite = true;
  /** Set when the path was `$..x.fn()`: Jayway evaluates fn over the scan's results. */
  scanPath: CompiledJsonPath | null = null;
  constructor(
    readonly name: string,
    readonly fn: Fn | null,
    readonly args: number[] = [],
    /** Jayway resolves functions and their parameters when evaluating; so do we. */
    readonly error: string | null = null,
  ) {
    super();
  }
  fragment(): string {
    return `.${this.name}()`;
  }
  evaluate(model: JavaValue, ctx: Ctx): void {
    let params: JavaValue[] | null = null;
    if (this.scanPath) params = [this.scanPath.evaluateList(model, ctx.root, false)];
    if (this.error || !this.fn) throw new InvalidJsonPathError(this.error ?? `Function with name: ${this.name} does not exist.`);
    this.emit(this.fn(model, params, this.args), ctx);
  }
}

// ---------------------------------------------------------------------------
// Filters

type Predicate = (item: JavaValue, root: JavaValue) => boolean;

type Node =
  | { kind: 'path'; path: CompiledJsonPath; relative: boolean; shouldExist: boolean }
  | { kind: 'value'; value: FValue }
  | { kind: 'lazy'; get: () => FValue };

/** Filter values (Jayway ValueNode kinds). */
type FValue =
  | { t: 'num'; n: number }
  | { t: 'str'; s: string }
  | { t: 'bool'; b: boolean }
  | { t: 'null' }
  | { t: 'undef' }
  | { t: 'json'; v: JavaValue }
  | { t: 'regex'; re: RegExp };

function toFValue(v: JavaValue): FValue {
  if (v === null) return { t: 'null' };
  if (typeof v === 'string') return { t: 'str', s: v };
  if (typeof v === 'boolean') return { t: 'bool', b: v };
  const n = toNumber(v);
  if (n !== undefined) return { t: 'num', n };
  return { t: 'json', v };
}

function numberText(n: number): string {
  return Number.isInteger(n) ? String(n) : String(n);
}

function fEquals(a: FValue, b: FValue): boolean {
  switch (a.t) {
    case 'num':
      if (b.t === 'num') return a.n === b.n;
      if (b.t === 'str') {
        const n = b.s.trim() === '' ? NaN : Number(b.s);
        return !Number.isNaN(n) && n === a.n;
      }
      return false;
    case 'str':
      if (b.t === 'str') return a.s === b.s;
      if (b.t === 'num') return a.s === numberText(b.n);
      return false;
    case 'bool':
      return b.t === 'bool' && a.b === b.b;
    case 'null':
      return b.t === 'null';
    case 'json':
      return b.t === 'json' && jsonEquals(a.v, b.v);
    default:
      return false;
  }
}

function jsonEquals(a: JavaValue, b: JavaValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]!));
  if (isMap(a) && isMap(b)) return a.size === b.size && [...a].every(([k, v]) => b.has(k) && jsonEquals(v, b.get(k)!));
  const x = toFValue(a);
  const y = toFValue(b);
  if (x.t === 'json' || y.t === 'json') return false;
  return fEquals(x, y);
}

function listOf(v: FValue): FValue[] | null {
  if (v.t === 'json' && Array.isArray(v.v)) return v.v.map(toFValue);
  return null;
}

function regexInput(v: FValue): string {
  if (v.t === 'str') return v.s;
  if (v.t === 'num') return numberText(v.n);
  if (v.t === 'bool') return String(v.b);
  return '';
}

const OPERATORS: Record<string, (l: FValue, r: FValue) => boolean> = {
  '==': (l, r) => {
    if (l.t === 'json' && r.t === 'json') return jsonEquals(l.v, r.v);
    return fEquals(l, r);
  },
  '!=': (l, r) => !OPERATORS['==']!(l, r),
  '===': (l, r) => l.t === r.t && OPERATORS['==']!(l, r),
  '!==': (l, r) => !OPERATORS['===']!(l, r),
  '<': (l, r) => (l.t === 'num' && r.t === 'num' ? l.n < r.n : l.t === 'str' && r.t === 'str' ? l.s < r.s : false),
  '<=': (l, r) => (l.t === 'num' && r.t === 'num' ? l.n <= r.n : l.t === 'str' && r.t === 'str' ? l.s <= r.s : false),
  '>': (l, r) => (l.t === 'num' && r.t === 'num' ? l.n > r.n : l.t === 'str' && r.t === 'str' ? l.s > r.s : false),
  '>=': (l, r) => (l.t === 'num' && r.t === 'num' ? l.n >= r.n : l.t === 'str' && r.t === 'str' ? l.s >= r.s : false),
  '=~': (l, r) => {
    if ((l.t === 'regex') === (r.t === 'regex')) return false;
    const re = l.t === 'regex' ? l.re : (r as { re: RegExp }).re;
    const other = l.t === 'regex' ? r : l;
    const list = listOf(other);
    if (list) return list.some((x) => re.test(regexInput(x)));
    return re.test(regexInput(other));
  },
  in: (l, r) => {
    const list = listOf(r);
    return list ? list.some((x) => fEquals(x, l) || fEquals(l, x)) : false;
  },
  nin: (l, r) => !OPERATORS.in!(l, r),
  contains: (l, r) => {
    if (l.t === 'str' && r.t === 'str') return l.s.includes(r.s);
    const list = listOf(l);
    return list ? list.some((x) => fEquals(x, r)) : false;
  },
  size: (l, r) => {
    if (r.t !== 'num') return false;
    const n = Math.trunc(r.n);
    if (l.t === 'str') return l.s.length === n;
    if (l.t === 'json') return Array.isArray(l.v) ? l.v.length === n : isMap(l.v) ? l.v.size === n : false;
    return false;
  },
  empty: (l, r) => {
    if (r.t !== 'bool') return false;
    if (l.t === 'str') return (l.s.length === 0) === r.b;
    if (l.t === 'json') return (Array.isArray(l.v) ? l.v.length === 0 : isMap(l.v) ? l.v.size === 0 : false) === r.b;
    return false;
  },
  all: (l, r) => {
    const a = listOf(l);
    const b = listOf(r);
    return !!a && !!b && b.every((y) => a.some((x) => fEquals(x, y)));
  },
  subsetof: (l, r) => {
    const a = listOf(l);
    const b = listOf(r);
    return !!a && !!b && a.every((x) => b.some((y) => fEquals(x, y)));
  },
  anyof: (l, r) => {
    const a = listOf(l);
    const b = listOf(r);
    return !!a && !!b && a.some((x) => b.some((y) => fEquals(x, y)));
  },
  noneof: (l, r) => {
    const a = listOf(l);
    const b = listOf(r);
    return !!a && !!b && !a.some((x) => b.some((y) => fEquals(x, y)));
  },
};

function evalNode(node: Node, item: JavaValue, root: JavaValue): FValue {
  if (node.kind === 'value') return node.value;
  if (node.kind === 'lazy') return node.get();
  try {
    const v = node.path.evaluateValue(node.relative ? item : root, root);
    return toFValue(v);
  } catch (e) {
    if (e instanceof PathNotFoundError) return { t: 'undef' };
    throw e;
  }
}

function exists(node: Node, item: JavaValue, root: JavaValue): boolean {
  if (node.kind !== 'path') return true;
  try {
    node.path.evaluateValue(node.relative ? item : root, root, true);
    return true;
  } catch (e) {
    if (e instanceof PathNotFoundError) return false;
    throw e;
  }
}

const RELATIONAL_CHARS = '<>=~!';
const WORD_OPERATORS = new Set(['in', 'nin', 'contains', 'size', 'empty', 'subsetof', 'anyof', 'noneof', 'all']);

/**
 * Jayway 2.x FilterCompiler (recursive descent):
 *   LogicalOR = LogicalAND { '||' LogicalAND }
 *   LogicalAND = Operand { '&&' Operand }
 *   Operand = '!' Operand (not before a path) | '(' LogicalOR ')' | Value [ Operator Value ]
 * A value without a (valid) operator is an existence check of a path; `!@.x` negates it.
 * Paths run until a space, `< > = ~ !` or a closing parenthesis; word operators are read up to
 * the next space; JSON literals are parsed by json-smart (permissive) when first used.
 */
class FilterParser {
  pos = 0;
  constructor(
    readonly text: string, // "(...)" including the outer parentheses
    readonly whole: string,
  ) {}

  fail(msg: string): never {
    throw new InvalidJsonPathError(`Failed to parse filter: ${this.whole} (${msg})`);
  }
  private skipBlanks(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }
  private readChar(c: string): void {
    this.skipBlanks();
    if (this.text[this.pos] !== c) this.fail(`Expected character: ${c}`);
    this.pos++;
  }
  private accept(op: string): boolean {
    this.skipBlanks();
    if (this.text.startsWith(op, this.pos)) {
      this.pos += op.length;
      return true;
    }
    return false;
  }

  parse(): Predicate {
    const p = this.or();
    this.skipBlanks();
    if (this.pos < this.text.length) this.fail(`Expected end of filter expression instead of: ${this.text.slice(this.pos)}`);
    return p;
  }
  private or(): Predicate {
    const parts = [this.and()];
    for (;;) {
      const save = this.pos;
      if (!this.accept('||')) {
        this.pos = save;
        break;
      }
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0]! : (i, r) => parts.some((q) => q(i, r));
  }
  private and(): Predicate {
    const parts = [this.operand()];
    for (;;) {
      const save = this.pos;
      if (!this.accept('&&')) {
        this.pos = save;
        break;
      }
      parts.push(this.operand());
    }
    return parts.length === 1 ? parts[0]! : (i, r) => parts.every((q) => q(i, r));
  }
  private operand(): Predicate {
    this.skipBlanks();
    const save = this.pos;
    if (this.text[this.pos] === '!') {
      this.pos++;
      this.skipBlanks();
      const c = this.text[this.pos];
      if (c !== '$' && c !== '@') {
        const inner = this.operand();
        return (i, r) => !inner(i, r);
      }
      this.pos = save;
    }
    this.skipBlanks();
    if (this.text[this.pos] === '(') {
      this.pos++;
      const inner = this.or();
      this.readChar(')');
      return inner;
    }
    return this.expression();
  }

  private expression(): Predicate {
    const left = this.value();
    const save = this.pos;
    try {
      const op = this.operator();
      const right = this.value();
      const f = OPERATORS[op]!;
      return (i, r) => f(evalNode(left, i, r), evalNode(right, i, r));
    } catch (e) {
      if (!(e instanceof InvalidJsonPathError)) throw e;
      this.pos = save;
    }
    if (left.kind !== 'path') this.fail('Expected path node');
    const shouldExist = left.shouldExist;
    return (i, r) => exists(left, i, r) === shouldExist;
  }

  private operator(): string {
    this.skipBlanks();
    const t = this.text;
    const start = this.pos;
    if (RELATIONAL_CHARS.includes(t[this.pos] ?? '')) {
      while (this.pos < t.length && RELATIONAL_CHARS.includes(t[this.pos]!)) this.pos++;
    } else {
      while (this.pos < t.length && t[this.pos] !== ' ') this.pos++;
    }
    const op = t.slice(start, this.pos);
    const lower = op.toLowerCase();
    if (OPERATORS[op] && !WORD_OPERATORS.has(op)) return op;
    if (WORD_OPERATORS.has(lower)) return lower;
    this.fail(`Filter operator ${op} is not supported!`);
  }

  private value(): Node {
    this.skipBlanks();
    const t = this.text;
    let c = t[this.pos];
    if (c === '!') {
      this.pos++;
      this.skipBlanks();
      c = t[this.pos];
      if (c !== '$' && c !== '@') this.fail('Unexpected character: !');
    }
    if (c === '$' || c === '@') return this.path();
    if (c === "'" || c === '"') {
      const close = this.nextUnescaped(c, this.pos + 1);
      if (close < 0) this.fail(`String not closed. Expected ${c}`);
      const raw = t.slice(this.pos + 1, close);
      this.pos = close + 1;
      return { kind: 'value', value: { t: 'str', s: unescapeProperty(raw) } };
    }
    if (c === 't' || c === 'f') {
      const word = c === 't' ? 'true' : 'false';
      if (!t.startsWith(word, this.pos)) this.fail('Expected boolean literal');
      this.pos += word.length;
      return { kind: 'value', value: { t: 'bool', b: c === 't' } };
    }
    if (c === 'n') {
      if (!t.startsWith('null', this.pos)) this.fail('Expected <null> value');
      this.pos += 4;
      return { kind: 'value', value: { t: 'null' } };
    }
    if (c === '[' || c === '{') {
      const close = this.matchingClose(this.pos, c, c === '[' ? ']' : '}');
      if (close < 0) this.fail('JSON literal not closed');
      const literal = t.slice(this.pos, close + 1);
      this.pos = close + 1;
      let parsed: FValue | undefined;
      return {
        kind: 'lazy',
        get: () => {
          parsed ??= { t: 'json', v: parseFilterJson(literal) };
          return parsed;
        },
      };
    }
    if (c === '/') {
      const close = this.nextUnescaped('/', this.pos + 1);
      if (close < 0) this.fail('Pattern not closed');
      const source = t.slice(this.pos + 1, close);
      // Flags: the Java Pattern flag letters that follow (d i x m s u U).
      let end = close + 1;
      while (end < t.length && 'dixmsuU'.includes(t[end]!)) end++;
      const flags = t.slice(close + 1, end);
      this.pos = end;
      const embedded = [...new Set(flags)].join('');
      let re: RegExp;
      try {
        re = javaRegex(embedded ? `(?${embedded})${source}` : source, false, true);
      } catch (e) {
        this.fail(`Invalid pattern /${source}/: ${(e as Error).message}`);
      }
      return { kind: 'value', value: { t: 'regex', re } };
    }
    // number literal (new BigDecimal(text))
    const start = this.pos;
    while (this.pos < t.length && /[-0-9.eE]/.test(t[this.pos]!)) this.pos++;
    const num = t.slice(start, this.pos);
    if (!/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(num)) this.fail(`Invalid number ${JSON.stringify(num)}`);
    return { kind: 'value', value: { t: 'num', n: Number(num) } };
  }

  private path(): Node {
    const t = this.text;
    let prev = this.pos - 1;
    while (prev >= 0 && t[prev] === ' ') prev--;
    const shouldExist = t[prev] !== '!';
    const begin = this.pos;
    this.pos++;
    while (this.pos < t.length) {
      if (t[this.pos] === '[') {
        const close = this.matchingClose(this.pos, '[', ']');
        if (close < 0) this.fail('Square brackets does not match');
        this.pos = close + 1;
        if (this.pos >= t.length) break;
      }
      const c = t[this.pos]!;
      const closingFunction = c === ')' && this.closesFunction(begin);
      if (RELATIONAL_CHARS.includes(c) || c === ' ' || (c === ')' && !closingFunction)) break;
      this.pos++;
    }
    const text = t.slice(begin, this.pos);
    const relative = text[0] === '@';
    return { kind: 'path', path: compileJsonPath(relative ? '$' + text.slice(1) : text), relative, shouldExist };
  }

  /** Is the ')' at pos the end of a function call "x.fn()" inside the path begun at lowerBound? */
  private closesFunction(lowerBound: number): boolean {
    const t = this.text;
    let idx = this.pos - 1;
    while (idx >= 0 && t[idx] === ' ') idx--;
    if (idx < 0 || t[idx] !== '(') return false;
    for (idx--; idx > lowerBound; idx--) if (t[idx] === '.') return true;
    return false;
  }

  private nextUnescaped(ch: string, from: number): number {
    const t = this.text;
    for (let i = from; i < t.length; i++) {
      if (t[i] === '\\') i++;
      else if (t[i] === ch) return i;
    }
    return -1;
  }

  private matchingClose(open: number, openCh: string, closeCh: string): number {
    const t = this.text;
    let depth = 0;
    for (let i = open; i < t.length; i++) {
      const c = t[i]!;
      if (c === "'" || c === '"') {
        const q = this.nextUnescaped(c, i + 1);
        if (q < 0) this.fail(`Could not find matching close quote for ${c}`);
        i = q;
      } else if (c === openCh) depth++;
      else if (c === closeCh && --depth === 0) return i;
    }
    return -1;
  }
}

/** JSON literal inside a filter: json-smart (permissive) parses it, as Jayway's JsonNode does. */
function parseFilterJson(text: string): JavaValue {
  try {
    return parseJson(text);
  } catch (e) {
    throw new InvalidJsonPathError(`Invalid JSON in filter: ${text} (${(e as Error).message})`);
  }
}

// ---------------------------------------------------------------------------
// Path compiler

export class CompiledJsonPath {
  private readonly tokens: Token[] = [];
  constructor(
    readonly source: string,
    readonly first: Token | null,
    readonly definite: boolean,
  ) {
    const seen = new Set<Token>();
    const visit = (t: Token | null): void => {
      for (; t && !seen.has(t); t = t.next) {
        seen.add(t);
        this.tokens.push(t);
        if (t instanceof FunctionToken && t.scanPath) visit(t.scanPath.first);
      }
    };
    visit(first);
  }

  /** JsonPath.read: the value for definite paths, a list for indefinite ones. */
  read(document: JavaValue): JavaValue {
    if (document === null) throw new JsonPathError('root can not be null');
    const results = this.run(document, document, false);
    if (this.definite) {
      if (results.length === 0) throw new PathNotFoundError(`No results for path: ${this.source}`);
      return results[results.length - 1]!;
    }
    return results;
  }

  /** Evaluation inside a filter: like read, but relative to `model`. */
  evaluateValue(model: JavaValue, root: JavaValue, requireProperties = false): JavaValue {
    const results = this.run(model, root, requireProperties);
    if (this.definite) {
      if (results.length === 0) throw new PathNotFoundError(`No results for path: ${this.source}`);
      return results[results.length - 1]!;
    }
    return results;
  }

  evaluateList(model: JavaValue, root: JavaValue, requireProperties: boolean): JavaValue[] {
    return this.run(model, root, requireProperties);
  }

  private run(model: JavaValue, root: JavaValue, requireProperties: boolean): JavaValue[] {
    const ctx: Ctx = { root, results: [], requireProperties };
    for (const t of this.tokens) t.upstreamArrayIndex = -1;
    const saved = currentRoot;
    currentRoot = root;
    try {
      if (this.first) this.first.evaluate(model, ctx);
      else ctx.results.push(model);
    } finally {
      currentRoot = saved;
    }
    return ctx.results;
  }
}

const SIGNIFICANT_SPACE = /[ \t\n\r]/;

/** Jayway Utils.unescape for bracket property names. */
function unescapeProperty(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const e = s[++i]!;
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        const hex = s.slice(i + 1, i + 5);
        if (/^[0-9a-fA-F]{4}$/.test(hex)) {
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
        } else out += 'u';
        break;
      }
      default:
        out += e;
    }
  }
  return out;
}

/**
 * Jayway's PathCompiler, token by token. Quirks kept: after any token a single remaining
 * character is ignored ("$.c[" reads "$.c", "$.a[0]x" reads "$.a[0]"); after '.', a bracket
 * token may follow ("$.a.[0]"); any other character after a token starts a property name.
 */
class PathCompiler {
  pos = 0;
  tokens: Token[] = [];
  constructor(readonly path: string) {}

  fail(msg: string): never {
    throw new InvalidJsonPathError(`${msg} (path ${JSON.stringify(this.path)})`);
  }

  /** CharacterIndex.currentIsTail: at (or past) the last character. */
  private atTail(): boolean {
    return this.pos >= this.path.length - 1;
  }

  private nextSignificant(from: number): { ch: string | undefined; at: number } {
    let i = from;
    while (i < this.path.length && SIGNIFICANT_SPACE.test(this.path[i]!)) i++;
    return { ch: this.path[i], at: i };
  }

  compile(): Token[] {
    const p = this.path;
    if (p[0] !== '$' && p[0] !== '@') this.fail("Path must start with '$' or '@'");
    if (this.atTail()) return this.tokens;
    this.pos = 1;
    if (p[1] !== '.' && p[1] !== '[') this.fail(`Illegal character at position 1 expected '.' or '['`);
    for (;;) {
      const c = p[this.pos];
      if (c === '.') {
        if (p[this.pos + 1] === '.') {
          this.tokens.push(new ScanToken());
          this.pos += 2;
        } else if (this.pos + 1 >= p.length) {
          this.fail("Path must not end with a '.'");
        } else {
          this.pos++;
        }
        if (p[this.pos] === '.') this.fail(`Character '.' on position ${this.pos} is not valid.`);
        continue; // the token after the dot(s)
      }
      if (c === '[') this.bracketToken();
      else if (c === '*') {
        this.pos++;
        this.tokens.push(new WildcardToken());
      } else this.propertyOrFunction();
      if (this.atTail()) return this.tokens;
    }
  }

  private propertyOrFunction(): void {
    const p = this.path;
    if (p[this.pos] === ' ' || this.pos >= p.length) this.fail(`Could not parse token starting at position ${this.pos}`);
    const start = this.pos;
    let i = start;
    let fn = false;
    for (; i < p.length; i++) {
      const c = p[i];
      if (c === ' ') this.fail(`Use bracket notion ['my prop'] if your property contains blank characters. position: ${this.pos}`);
      if (c === '.' || c === '[') break;
      if (c === '(') {
        fn = true;
        break;
      }
    }
    const name = p.slice(start, i);
    if (!fn) {
      this.pos = i;
      this.tokens.push(new PropertyToken([name]));
      return;
    }
    let depth = 1;
    let close = -1;
    for (let j = i + 1; j < p.length; j++) {
      if (p[j] === ')') depth--;
      else if (p[j] === '(') depth++;
      if (depth === 0) {
        close = j;
        break;
      }
    }
    if (close < 0) this.fail(`Arguments to function: '${name}' are not closed properly.`);
    const fnImpl: Fn | null = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name]! : null;
    const args = p.slice(i + 1, close).trim();
    // Literal number arguments only (index(1), sum(1)); other parameters are not supported.
    const numbers: number[] = [];
    let error: string | null = fnImpl ? null : `Function with name: ${name} does not exist.`;
    if (args !== '' && !error) {
      for (const a of args.split(',')) {
        const t = a.trim();
        if (/^-?[0-9]+(\.[0-9]+)?$/.test(t)) numbers.push(Number(t));
        else error = `Function parameters are not supported by restgate: ${name}(${args})`;
      }
      if (!['index', 'sum', 'avg', 'min', 'max', 'stddev'].includes(name)) {
        error = `Function parameters are not supported by restgate: ${name}(${args})`;
      }
    }
    // Jayway stops on the ')' of "fn()" and after it for "fn(args)"; a tail check follows.
    this.pos = args === '' ? close : close + 1;
    this.tokens.push(new FunctionToken(name, fnImpl, numbers, error));
  }

  private bracketToken(): void {
    const p = this.path;
    const { ch, at } = this.nextSignificant(this.pos + 1);
    if (ch === "'" || ch === '"') return this.bracketProperties(ch);
    if (ch !== undefined && /[-0-9:]/.test(ch) && this.arrayToken()) return;
    if (ch === '*') {
      const close = this.nextSignificant(at + 1);
      if (close.ch !== ']') this.fail(`Expected wildcard token to end with ']' on position ${at + 1}`);
      this.pos = close.at + 1;
      this.tokens.push(new WildcardToken());
      return;
    }
    if (ch === '?') {
      const open = this.nextSignificant(at + 1);
      if (open.ch === '(') {
        const closeParen = this.findFilterEnd(open.at + 1);
        const end = closeParen < 0 ? { ch: undefined, at: -1 } : this.nextSignificant(closeParen + 1);
        if (end.ch === ']') {
          const body = p.slice(open.at, closeParen + 1);
          this.tokens.push(new FilterToken(new FilterParser(body, p.slice(this.pos, end.at + 1)).parse()));
          this.pos = end.at + 1;
          return;
        }
      }
      if (open.ch === ']' || open.ch === ',') this.fail('Not enough predicates supplied for filter');
    }
    this.fail(`Could not parse token starting at position ${this.pos}. Expected ?, ', 0-9, * `);
  }

  /** [1], [1,2], [1:], [1:2], [:2]; false when the text is not an array expression. */
  private arrayToken(): boolean {
    const p = this.path;
    const close = p.indexOf(']', this.pos + 1);
    if (close < 0) return false;
    const expr = p.slice(this.pos + 1, close).trim();
    if (!/^[-0-9,: ]*$/.test(expr)) return false;
    if (expr.includes(':')) {
      if (!/^[-0-9:]*$/.test(expr)) this.fail(`Failed to parse SliceOperation: ${expr}`);
      const parts = expr.split(':');
      const read = (k: number): number | null => (parts.length > k && parts[k] !== '' ? this.int(parts[k]!) : null);
      const from = read(0);
      const to = read(1);
      if (from === null && to === null) this.fail(`Failed to parse SliceOperation: ${expr}`);
      this.tokens.push(new SliceToken(from, to));
    } else {
      this.tokens.push(new IndexToken(expr.split(',').map((x) => this.int(x.trim()))));
    }
    this.pos = close + 1;
    return true;
  }

  /** ['a'], ["a"], ['a','b'] with backslash escapes. */
  private bracketProperties(quote: string): void {
    const p = this.path;
    const props: string[] = [];
    let start = this.pos + 1;
    let end = 0;
    let inProperty = false;
    let inEscape = false;
    let lastWasComma = false;
    let i = this.pos + 1;
    for (; i < p.length; i++) {
      const c = p[i];
      if (inEscape) inEscape = false;
      else if (c === '\\') inEscape = true;
      else if (c === ']' && !inProperty) {
        if (lastWasComma) this.fail(`Found empty property at index ${i}`);
        break;
      } else if (c === quote) {
        if (inProperty) {
          const next = this.nextSignificant(i + 1).ch;
          if (next !== ']' && next !== ',') {
            this.fail(`Property must be separated by comma or Property must be terminated close square bracket at index ${i}`);
          }
          end = i;
          props.push(unescapeProperty(p.slice(start, end)));
          inProperty = false;
        } else {
          start = i + 1;
          inProperty = true;
          lastWasComma = false;
        }
      } else if (c === ',' && !inProperty) {
        if (lastWasComma) this.fail(`Found empty property at index ${i}`);
        lastWasComma = true;
      }
    }
    if (inProperty) this.fail(`Property has not been closed - missing closing ${quote}`);
    const close = this.nextSignificant(end + 1);
    if (close.ch !== ']') this.fail('Property has not been closed - missing closing ]');
    this.pos = close.at + 1;
    this.tokens.push(new PropertyToken(props));
  }

  int(s: string): number {
    if (!/^-?[0-9]+$/.test(s)) this.fail(`Invalid index ${JSON.stringify(s)}`);
    const n = Number(s);
    if (n > 2147483647 || n < -2147483648) this.fail(`Invalid index ${s}`);
    return n;
  }

  /** Index of the ')' closing a filter that starts at `start` (after "?("), or -1. */
  findFilterEnd(start: number): number {
    const p = this.path;
    let depth = 1;
    let quote: string | null = null;
    let regex = false;
    for (let j = start; j < p.length; j++) {
      const ch = p[j]!;
      if (quote) {
        if (ch === '\\') j++;
        else if (ch === quote) quote = null;
        continue;
      }
      if (regex) {
        if (ch === '\\') j++;
        else if (ch === '/') regex = false;
        continue;
      }
      if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '/') {
        // Any '/' starts a regex for Jayway's bracket matching.
        if (!/(?<!\\)\//.test(p.slice(j + 1))) {
          this.fail(`Could not find matching close for / when parsing regex in : ${p}`);
        }
        regex = true;
      } else if (ch === '(') depth++;
      else if (ch === ')') {
        depth--;
        if (depth === 0) return j;
      }
    }
    return -1;
  }
}

const cache = new Map<string, CompiledJsonPath>();

/** Compiles (and caches) a JSONPath; throws InvalidJsonPathError on syntax errors. */
export function compileJsonPath(path: string): CompiledJsonPath {
  let compiled = cache.get(path);
  if (compiled) return compiled;
  if (path === '') throw new InvalidJsonPathError('Path must not be null or empty');
  // Jayway: a path not starting with $ or @ (leading blanks included) is read as "$." + path;
  // trailing blanks are ignored.
  let text = path[0] !== '$' && path[0] !== '@' ? '$.' + path : path;
  text = text.replace(/ +$/, '');
  if (text.endsWith('.')) throw new InvalidJsonPathError("Path must not end with a '.' or '..'");
  const tokens = new PathCompiler(text).compile();
  let first = tokens[0] ?? null;
  for (let i = 0; i < tokens.length; i++) {
    tokens[i]!.next = tokens[i + 1] ?? null;
  }
  const tailPrev = tokens.length >= 2 ? tokens[tokens.length - 2]!.fragment() : null;
  for (const t of tokens) t.tailPrevFragment = tailPrev;
  let definite = true;
  for (const t of tokens) {
    t.upstreamDefinite = definite;
    if (!t.definite) definite = false;
  }
  // `$..a.b.fn()` is evaluated by Jayway as `fn($..a.b)` over the whole document; length()
  // then counts the children of every match (a wildcard is appended to the scan path).
  const last = tokens[tokens.length - 1];
  if (last instanceof FunctionToken && first instanceof ScanToken) {
    // Jayway inverts at the first function after the scan; tokens after it stay chained.
    const f = tokens.findIndex((t) => t instanceof FunctionToken);
    // "$..fn()": Jayway fails inverting it (IllegalStateException "Current path token is a leaf").
    if (f === 1) throw new JsonPathError(`Current path token is a leaf (path ${JSON.stringify(path)})`);
    const fn = tokens[f] as FunctionToken;
    const inner = tokens.slice(0, f);
    inner[inner.length - 1]!.next = null;
    if (fn.name === 'length' || fn.name === 'size') {
      const w = new WildcardToken();
      w.upstreamDefinite = false;
      inner[inner.length - 1]!.next = w;
    }
    fn.scanPath = new CompiledJsonPath(text, inner[0]!, false);
    first = fn;
    definite = true;
    for (const t of tokens.slice(f)) {
      t.upstreamDefinite = definite;
      if (!t.definite) definite = false;
    }
  }
  compiled = new CompiledJsonPath(text, first, definite);
  if (cache.size > 10000) cache.clear();
  cache.set(path, compiled);
  return compiled;
}

/** Jayway JsonPath.read(document, path) over a parsed document. */
export function readJsonPath(document: JavaValue, path: string): JavaValue {
  const compiled = compileJsonPath(path);
  try {
    return compiled.read(document);
  } catch (e) {
    // A deep scan over an absurdly deep document exhausts the stack (Java: StackOverflowError).
    if (e instanceof RangeError) throw new JsonPathError('Document nested too deeply to evaluate');
    throw e;
  }
}
