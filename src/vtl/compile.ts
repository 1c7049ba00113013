// AST → closures. Rendering walks prebuilt closures only (no parsing at render time).

import type { Ast, Expr, MacroDef, Node, RefExpr } from './parser.js';
import { JavaDouble } from './values.js';
import {
  arithmetic,
  BudgetError,
  callMethod,
  DefinedBlock,
  getIndex,
  getProperty,
  HostObject,
  iterable,
  JavaException,
  MAX_COLLECTION,
  mapOfView,
  NO_METHOD,
  relational,
  setIndex,
  setProperty,
  toJavaString,
  truthy,
  vtlEquals,
  type CallResult,
} from './runtime.js';

/** Resource limits (hostile templates end with an error in bounded time and memory). */
export const LIMITS = {
  /** API Gateway: #foreach may iterate at most 1000 times (§14). */
  foreachIterations: 1000,
  /** Velocity 1.7 velocimacro.max.depth */
  macroDepth: 20,
  /**
   * Rendered output / any single string, in UTF-16 code units. Above the largest
   * legitimate value: a 10 MB payload (§14) as base64 is ~14M characters, and a
   * template embedding it must still render (then Lambda's 6 MB limit answers 413).
   */
  outputChars: 16 * 1024 * 1024,
  /** Evaluation steps (directives, references, iterations) per render. */
  steps: 5_000_000,
};

/** Raised for render failures; index.ts turns it into VtlRenderError. */
export class RenderFailure extends Error {}

class StopSignal {}
class BreakSignal {
  /** The scope to break out of ($foreach.parent ...); undefined = innermost. */
  constructor(readonly scope: unknown = undefined) {}
}

export interface RenderOptions {
  /** Print null references literally (plain Velocity 1.7) instead of as '' (API Gateway). */
  nullAsLiteral?: boolean;
}

export class State {
  out = '';
  steps = 0;
  macroDepth = 0;
  /** Macro call frames (argument slots → value or Thunk). */
  frames: Array<Map<number, unknown>> = [];
  /** Variables by slot (names are resolved to slots at compile time). */
  readonly vars: unknown[];
  constructor(
    slotCount: number,
    readonly nullAsLiteral: boolean,
  ) {
    this.vars = new Array<unknown>(slotCount).fill(undefined);
  }

  get(slot: number): unknown {
    if (this.frames.length !== 0) {
      const f = this.frames[this.frames.length - 1]!;
      if (f.has(slot)) {
        const v = f.get(slot);
        return v instanceof Thunk ? v.force(this) : v;
      }
    }
    const v = this.vars[slot];
    return v === undefined ? null : v;
  }
  has(slot: number): boolean {
    if (this.frames.length !== 0 && this.frames[this.frames.length - 1]!.has(slot)) return true;
    return this.vars[slot] !== undefined;
  }
  set(slot: number, v: unknown): void {
    // 1.7's ProxyVMContext: a #set inside a macro updates the macro's own argument (if it is one)
    // and always the enclosing contexts, down to the global one
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i]!;
      if (f.has(slot)) f.set(slot, v);
    }
    this.vars[slot] = v;
  }
  remove(slot: number): void {
    if (this.frames.length !== 0) {
      const f = this.frames[this.frames.length - 1]!;
      if (f.has(slot)) {
        f.delete(slot);
        return;
      }
    }
    this.vars[slot] = undefined;
  }
  step(): void {
    if (++this.steps > LIMITS.steps) throw new RenderFailure(`template exceeded the evaluation budget of ${LIMITS.steps} steps`);
  }
  write(s: string): void {
    this.out += s;
    if (this.out.length > LIMITS.outputChars) throw new RenderFailure(`template output exceeded ${LIMITS.outputChars} characters`);
  }
}

/** A macro argument: the caller's expression, evaluated in the caller's frame at each use. */
class Thunk {
  constructor(
    readonly fn: (st: State) => unknown,
    readonly depth: number,
  ) {}
  force(st: State): unknown {
    const saved = st.frames;
    st.frames = saved.slice(0, this.depth);
    try {
      const v = this.fn(st);
      return v === undefined ? null : v;
    } finally {
      st.frames = saved;
    }
  }
}

type Exec = (st: State) => void;
type Eval = (st: State) => unknown;

export interface CompiledMacro {
  def: MacroDef;
  /** Slots of the parameters. */
  params: number[];
  body: Exec;
}

export interface Program {
  /** Slot of a variable the template references (undefined: the template never reads it). */
  slotOf(name: string): number | undefined;
  /** Render; `init` stores the initial variables into their slots. */
  run(init: (vars: unknown[]) => void, options: RenderOptions): string;
}

export function compileAst(ast: Ast): Program {
  const macros = new Map<string, CompiledMacro>();
  const c = new Compiler(macros);
  for (const [name, def] of ast.macros) macros.set(name, { def, params: def.params.map((p) => c.slot(p)), body: () => undefined });
  for (const [name, def] of ast.macros) macros.get(name)!.body = c.block(def.body);
  const main = c.block(ast.nodes);
  const slots = c.slots;
  return {
    slotOf(name) {
      return slots.get(name);
    },
    run(init, options) {
      const st = new State(slots.size, options.nullAsLiteral === true);
      init(st.vars);
      try {
        main(st);
      } catch (e) {
        if (e instanceof StopSignal || e instanceof BreakSignal) return st.out;
        throw translateError(e);
      }
      return st.out;
    },
  };
}

function translateError(e: unknown): unknown {
  if (e instanceof RenderFailure) return e;
  if (e instanceof BudgetError) return new RenderFailure(e.message);
  if (e instanceof RangeError) return new RenderFailure(`template evaluation failed: ${e.message}`);
  return e;
}

function javaFailure(e: unknown, what: string): never {
  if (e instanceof JavaException) {
    throw new RenderFailure(`Invocation of ${what} threw exception ${e.javaClass}: ${e.message}`);
  }
  if (e instanceof Error && (e.name === 'PatternSyntaxException' || e.name === 'IllegalArgumentException')) {
    throw new RenderFailure(`Invocation of ${what} threw exception ${e.name}: ${e.message}`);
  }
  throw e;
}

class Compiler {
  /** Root names the template references; loop bookkeeping variables nobody reads are skipped. */
  readonly used = { velocityCount: false, velocityHasNext: false, foreach: false };
  /** Variable name → slot index. */
  readonly slots = new Map<string, number>();
  constructor(readonly macros: Map<string, CompiledMacro>) {}

  slot(name: string): number {
    let s = this.slots.get(name);
    if (s === undefined) {
      s = this.slots.size;
      this.slots.set(name, s);
    }
    return s;
  }

  block(nodes: Node[]): Exec {
    const fns = nodes.map((n) => this.node(n));
    if (fns.length === 0) return () => undefined;
    if (fns.length === 1) return fns[0]!;
    return (st) => {
      for (let i = 0; i < fns.length; i++) fns[i]!(st);
    };
  }

  node(n: Node): Exec {
    switch (n.k) {
      case 'text': {
        const v = n.v;
        return (st) => st.write(v);
      }
      case 'ref':
        return this.refNode(n.ref, n.silent, n.escapes);
      case 'set':
        return this.setNode(n.ref, n.value);
      case 'if': {
        const conds = n.branches.map((b) => this.condition(b.cond));
        const bodies = n.branches.map((b) => this.block(b.body));
        const otherwise = n.otherwise ? this.block(n.otherwise) : undefined;
        return (st) => {
          st.step();
          for (let i = 0; i < conds.length; i++) {
            if (conds[i]!(st)) {
              bodies[i]!(st);
              return;
            }
          }
          if (otherwise) otherwise(st);
        };
      }
      case 'foreach':
        return this.foreachNode(n.name, this.expr(n.iter), this.block(n.body));
      case 'break': {
        const scope = n.scope ? this.expr(n.scope) : undefined;
        const what = n.scope && n.scope.k === 'ref' ? n.scope.ref.text : 'the argument';
        return (st) => {
          if (!scope) throw new BreakSignal();
          const target = scope(st);
          if (!(target instanceof ForeachScope)) {
            throw new RenderFailure(`#break: ${what} is not a valid org.apache.velocity.runtime.directive.Scope instance`);
          }
          throw new BreakSignal(target);
        };
      }
      case 'stop':
        return () => {
          throw new StopSignal();
        };
      case 'define': {
        const body = this.block(n.body);
        const name = this.slot(n.name);
        return (st) => {
          st.set(
            name,
            new DefinedBlock(() => {
              const saved = st.out;
              st.out = '';
              try {
                body(st);
                return st.out;
              } finally {
                st.out = saved;
              }
            }),
          );
        };
      }
      case 'call':
        return this.macroCall(n.name, n.args, n.text, n.body ? this.block(n.body) : undefined);
      case 'unsupported': {
        const msg = `#${n.name} is not supported in API Gateway mapping templates (line ${n.line}, column ${n.column})`;
        return () => {
          throw new RenderFailure(msg);
        };
      }
    }
  }

  /** Truthiness of a condition: literals other than `true` count as false in 1.7 (SimpleNode.evaluate). */
  condition(e: Expr): (st: State) => boolean {
    switch (e.k) {
      case 'bool': {
        const v = e.v;
        return () => v;
      }
      case 'int':
      case 'float':
      case 'str':
      case 'istr':
      case 'list':
      case 'range':
      case 'map':
      case 'word':
        return () => false;
      case 'paren':
        return this.condition(e.e);
      case 'not': {
        const inner = this.condition(e.e);
        return (st) => !inner(st);
      }
      case 'bin': {
        if (e.op === '&&') {
          const l = this.condition(e.l);
          const r = this.condition(e.r);
          return (st) => l(st) && r(st);
        }
        if (e.op === '||') {
          const l = this.condition(e.l);
          const r = this.condition(e.r);
          return (st) => l(st) || r(st);
        }
        if (e.op === '+' || e.op === '-' || e.op === '*' || e.op === '/' || e.op === '%') {
          // 1.7 math nodes do not override SimpleNode.evaluate(): as a condition they are false
          return () => false;
        }
        const f = this.expr(e);
        return (st) => truthy(f(st));
      }
      case 'ref': {
        const f = this.refEval(e.ref);
        return (st) => truthy(f(st));
      }
    }
  }

  expr(e: Expr): Eval {
    switch (e.k) {
      case 'int': {
        const v = e.v;
        return () => v;
      }
      case 'float': {
        const v = e.v;
        return () => new JavaDouble(v);
      }
      case 'str':
      case 'word': {
        const v = e.v;
        return () => v;
      }
      case 'bool': {
        const v = e.v;
        return () => v;
      }
      case 'istr': {
        const body = this.block(e.parts);
        return (st) => {
          const saved = st.out;
          st.out = '';
          try {
            body(st);
            return st.out;
          } finally {
            st.out = saved;
          }
        };
      }
      case 'list': {
        const items = e.items.map((x) => this.expr(x));
        return (st) => items.map((f) => f(st));
      }
      case 'range': {
        const from = this.expr(e.from);
        const to = this.expr(e.to);
        return (st) => {
          const a = rangeBound(from(st));
          const b = rangeBound(to(st));
          if (a === undefined || b === undefined) return null;
          const n = Math.abs(b - a) + 1;
          if (n > MAX_COLLECTION) throw new RenderFailure(`range [${a}..${b}] is too large`);
          for (let i = 0; i < n; i += 1000) st.step();
          const out: number[] = new Array(n);
          const dir = b >= a ? 1 : -1;
          for (let i = 0; i < n; i++) out[i] = a + i * dir;
          return out;
        };
      }
      case 'map': {
        const entries = e.entries.map(([k, v]) => [this.expr(k), this.expr(v)] as const);
        return (st) => {
          const m = new Map<unknown, unknown>();
          for (const [k, v] of entries) m.set(k(st), v(st));
          return m;
        };
      }
      case 'ref':
        return this.refEval(e.ref);
      case 'paren':
        return this.expr(e.e);
      case 'not': {
        const c = this.condition(e.e);
        return (st) => !c(st);
      }
      case 'bin': {
        const op = e.op;
        if (op === '&&' || op === '||') {
          const c = this.condition(e);
          return (st) => c(st);
        }
        const l = this.expr(e.l);
        const r = this.expr(e.r);
        switch (op) {
          case '==':
            return (st) => vtlEquals(nn(l(st)), nn(r(st)));
          case '!=':
            return (st) => !vtlEquals(nn(l(st)), nn(r(st)));
          case '<':
          case '>':
          case '<=':
          case '>=':
            return (st) => relational(op, l(st), r(st));
          default: {
            const lt = literalOf(e.l);
            const rt = literalOf(e.r);
            return (st) => {
              let v: unknown;
              try {
                v = arithmetic(op, nn(l(st)), nn(r(st)), lt, rt);
              } catch (err) {
                javaFailure(err, `operator ${op}`);
              }
              if (typeof v === 'string' && v.length > LIMITS.outputChars) throw new RenderFailure('string too large');
              return v;
            };
          }
        }
      }
    }
  }

  /** A reference evaluated to its value (null when undefined / method missing). */
  refEval(ref: RefExpr): Eval {
    const root = ref.root;
    if (root === 'velocityCount' || root === 'velocityHasNext' || root === 'foreach') this.used[root] = true;
    const rootSlot = this.slot(root);
    let f: Eval = (st) => st.get(rootSlot);
    for (const part of ref.parts) {
      const prev = f;
      switch (part.k) {
        case 'prop': {
          const name = part.name;
          f = (st) => {
            const t = prev(st);
            if (t === null) return null;
            st.step();
            let r: CallResult;
            try {
              r = getProperty(t, name);
            } catch (e) {
              javaFailure(e, `get of property '${name}'`);
            }
            return r === NO_METHOD || r === undefined ? null : r;
          };
          break;
        }
        case 'call': {
          const name = part.name;
          const args = part.args.map((a) => this.expr(a));
          f = (st) => {
            const t = prev(st);
            if (t === null) return null;
            st.step();
            const vals = args.map((a) => a(st));
            let r: CallResult;
            try {
              r = callMethod(t, name, vals);
            } catch (e) {
              javaFailure(e, `method '${name}' in class ${javaClass(t)}`);
            }
            if (r === NO_METHOD) return null;
            if (r === undefined) return ''; // void method
            if (typeof r === 'string' && r.length > LIMITS.outputChars) {
              throw new RenderFailure(`string returned by ${name}() exceeds ${LIMITS.outputChars} characters`);
            }
            return r;
          };
          break;
        }
        case 'index': {
          const idx = this.expr(part.index);
          f = (st) => {
            const t = prev(st);
            if (t === null) return null;
            st.step();
            const i = idx(st);
            let r: CallResult;
            try {
              r = getIndex(t, i);
            } catch (e) {
              javaFailure(e, `index [${toJavaString(i)}]`);
            }
            return r === NO_METHOD || r === undefined ? null : r;
          };
          break;
        }
      }
    }
    return f;
  }

  refNode(ref: RefExpr, silent: boolean, escapes: number): Exec {
    const ev = this.refEval(ref);
    const text = ref.text;
    const half = '\\'.repeat(Math.floor(escapes / 2));
    if (escapes % 2 === 1) {
      // escaped reference: \$x prints $x when x is defined, \$x when it is not
      return (st) => {
        st.step();
        const v = ev(st);
        st.write(v === null ? `${half}\\${text}` : half + text);
      };
    }
    return (st) => {
      st.step();
      const v = ev(st);
      if (v === null) {
        if (silent || !st.nullAsLiteral) st.write(half);
        else st.write(half + half + text);
        return;
      }
      st.write(half + toJavaString(v));
    };
  }

  setNode(ref: RefExpr, value: Expr): Exec {
    const rhs = this.expr(value);
    if (ref.parts.length === 0) {
      const name = this.slot(ref.root);
      return (st) => {
        st.step();
        const v = nn(rhs(st));
        if (v !== null) st.set(name, v);
      };
    }
    const targetRef: RefExpr = { ...ref, parts: ref.parts.slice(0, -1) };
    const target = this.refEval(targetRef);
    const last = ref.parts[ref.parts.length - 1]!;
    if (last.k === 'call') {
      return () => {
        throw new RenderFailure(`#set cannot assign to a method call: ${ref.text}`);
      };
    }
    const idx = last.k === 'index' ? this.expr(last.index) : undefined;
    const name = last.k === 'prop' ? last.name : '';
    return (st) => {
      st.step();
      const v = nn(rhs(st));
      if (v === null) return;
      const t = target(st);
      if (t === null) return;
      try {
        if (idx) setIndex(t, idx(st), v);
        else setProperty(t, name, v);
      } catch (e) {
        javaFailure(e, `#set of ${ref.text}`);
      }
    };
  }

  foreachNode(varName: string, iter: Eval, body: Exec): Exec {
    const used = this.used;
    const name = this.slot(varName);
    const countSlot = this.slot('velocityCount');
    const nextSlot = this.slot('velocityHasNext');
    const scopeSlot = this.slot('foreach');
    return (st) => {
      if (!used.velocityCount && !used.velocityHasNext && !used.foreach) return this.simpleLoop(st, name, iter, body);
      st.step();
      const src = iter(st);
      const items = iterable(src);
      if (items === null) return;
      // a java.util.List is iterated live: a size change makes the next step throw
      // ConcurrentModificationException, as ArrayList's iterator does
      const map = mapOfView(items);
      const live = Array.isArray(src) && map === undefined;
      const snapshot = live ? items : items.slice();
      const n = snapshot.length;
      const mapSize = map ? map.size : 0;
      const hadVar = st.has(name);
      const oldVar = st.get(name);
      const hadCount = st.has(countSlot);
      const oldCount = st.get(countSlot);
      const hadNext = st.has(nextSlot);
      const oldNext = st.get(nextSlot);
      const hadScope = st.has(scopeSlot);
      const oldScope = st.get(scopeSlot);
      const scope = new ForeachScope(oldScope, n);
      st.set(scopeSlot, scope);
      try {
        for (let i = 0; live ? i !== snapshot.length : i < n; i++) {
          if ((live && snapshot.length !== n) || (map !== undefined && map.size !== mapSize)) {
            throw new RenderFailure('#foreach: java.util.ConcurrentModificationException (the collection changed size during the loop)');
          }
          if (i >= LIMITS.foreachIterations) {
            throw new RenderFailure(`#foreach exceeded the limit of ${LIMITS.foreachIterations} iterations`);
          }
          st.step();
          scope.index = i;
          st.set(name, snapshot[i]);
          st.set(countSlot, i + 1);
          st.set(nextSlot, i + 1 < n);
          try {
            body(st);
          } catch (e) {
            if (e instanceof BreakSignal && (e.scope === undefined || e.scope === null || e.scope === scope)) break;
            throw e;
          }
        }
      } finally {
        restore(st, name, hadVar, oldVar);
        restore(st, countSlot, hadCount, oldCount);
        restore(st, nextSlot, hadNext, oldNext);
        restore(st, scopeSlot, hadScope, oldScope);
      }
    };
  }

  /** #foreach when nothing reads $foreach / $velocityCount / $velocityHasNext. */
  simpleLoop(st: State, name: number, iter: Eval, body: Exec): void {
    st.step();
    const src = iter(st);
    const items = iterable(src);
    if (items === null) return;
    const map = mapOfView(items);
    const live = Array.isArray(src) && map === undefined;
    const list = live ? items : items.slice();
    const n = list.length;
    const mapSize = map ? map.size : 0;
    const hadVar = st.has(name);
    const oldVar = st.get(name);
    try {
      for (let i = 0; live ? i !== list.length : i < n; i++) {
        if ((live && list.length !== n) || (map !== undefined && map.size !== mapSize)) {
          throw new RenderFailure('#foreach: java.util.ConcurrentModificationException (the collection changed size during the loop)');
        }
        if (i >= LIMITS.foreachIterations) {
          throw new RenderFailure(`#foreach exceeded the limit of ${LIMITS.foreachIterations} iterations`);
        }
        st.step();
        st.set(name, list[i]);
        try {
          body(st);
        } catch (e) {
          if (e instanceof BreakSignal) break;
          throw e;
        }
      }
    } finally {
      restore(st, name, hadVar, oldVar);
    }
  }

  macroCall(name: string, args: Expr[], text: string, body: Exec | undefined): Exec {
    const argFns = args.map((a) => this.expr(a));
    const bodySlot = this.slot('bodyContent');
    return (st) => {
      st.step();
      const m = this.macros.get(name);
      if (!m) {
        st.write(text);
        return;
      }
      if (st.macroDepth >= LIMITS.macroDepth) {
        throw new RenderFailure(`macro #${name} exceeded the maximum calling depth of ${LIMITS.macroDepth}`);
      }
      // Velocity 1.7 passes macro arguments by name: each use re-evaluates the caller's expression
      const frame = new Map<number, unknown>();
      const depth = st.frames.length;
      const params = m.params;
      // a missing argument is not bound: $param then reads the enclosing context (1.7)
      for (let i = 0; i < params.length && i < argFns.length; i++) {
        frame.set(params[i]!, new Thunk(argFns[i]!, depth));
      }
      if (body) {
        const callerDepth = depth;
        frame.set(
          bodySlot,
          new DefinedBlock(() => {
            const savedOut = st.out;
            const savedFrames = st.frames;
            st.out = '';
            st.frames = savedFrames.slice(0, callerDepth);
            try {
              body(st);
              return st.out;
            } finally {
              st.out = savedOut;
              st.frames = savedFrames;
            }
          }),
        );
      }
      st.frames.push(frame);
      st.macroDepth++;
      try {
        m.body(st);
      } finally {
        st.macroDepth--;
        st.frames.pop();
      }
    };
  }
}

/** Source text Velocity uses for a null operand in string concatenation. */
function literalOf(e: Expr): string {
  if (e.k === 'ref') return e.ref.text;
  if (e.k === 'paren') return literalOf(e.e);
  // a math node's literal() in 1.7 is the source after its operator (`$undef - 7` → " 7")
  if (e.k === 'bin' && e.text !== undefined) return e.text;
  return 'null';
}

function restore(st: State, name: number, had: boolean, old: unknown): void {
  if (had) st.set(name, old);
  else st.remove(name);
}

function nn(v: unknown): unknown {
  return v === undefined ? null : v;
}

function javaClass(v: unknown): string {
  if (typeof v === 'string') return 'java.lang.String';
  if (Array.isArray(v)) return 'java.util.ArrayList';
  if (v instanceof Map) return 'java.util.LinkedHashMap';
  if (v instanceof HostObject) return v.javaClass;
  return typeof v;
}

function rangeBound(v: unknown): number | undefined {
  // 1.7 ranges take Integer bounds only (a String bound makes the range null)
  if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) return v;
  return undefined;
}

/** $foreach in Velocity 1.7 (ForeachScope). */
class ForeachScope extends HostObject {
  readonly javaClass = 'org.apache.velocity.runtime.directive.ForeachScope';
  index = 0;
  constructor(
    readonly parent: unknown,
    readonly size: number,
  ) {
    super();
  }
  call(name: string, args: unknown[]): CallResult {
    if (args.length !== 0) return NO_METHOD;
    switch (name) {
      case 'getIndex':
        return this.index;
      case 'getCount':
        return this.index + 1;
      case 'hasNext':
      case 'getHasNext':
        return this.index + 1 < this.size;
      case 'isFirst':
      case 'getFirst':
        return this.index === 0;
      case 'isLast':
      case 'getLast':
        return this.index + 1 >= this.size;
      case 'getParent':
        return this.parent ?? null;
      case 'toString':
        return this.toJavaString();
    }
    return NO_METHOD;
  }
  override getProperty(name: string): CallResult {
    if (name === 'hasNext') return this.index + 1 < this.size;
    return super.getProperty(name);
  }
  toJavaString(): string {
    return `org.apache.velocity.runtime.directive.ForeachScope@${(this.index >>> 0).toString(16)}`;
  }
}
