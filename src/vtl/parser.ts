// Velocity 1.7 template parser: source text → AST.
// Hand-written recursive descent that mirrors the 1.7 lexer's observable rules
// (verified against Apache Velocity 1.7, see docs/fidelity.md "VTL engine"):
//  - identifiers: [a-zA-Z_][a-zA-Z0-9_-]*  (hyphen allowed, so `$a-b` is one name)
//  - block directives (#if/#elseif/#else/#end/#foreach/#macro/#define, macro calls) and
//    #set eat trailing spaces/tabs plus ONE newline when the line ends right after them
//  - #set also eats the spaces/tabs right before it when they start a new token
//    (template start, or just after a directive / reference / comment)
//  - `##` comments eat their newline; `#* *#` does not
//  - string literals have no backslash escapes; "" and '' double quotes inside them
//  - number literals may carry a leading '-' (so `5 -1` is a syntax error, as in 1.7)

export type Expr =
  | { k: 'int'; v: number | bigint }
  | { k: 'float'; v: number }
  | { k: 'str'; v: string }
  | { k: 'istr'; parts: Node[]; raw: string } // interpolated "..."
  | { k: 'bool'; v: boolean }
  | { k: 'list'; items: Expr[] }
  | { k: 'range'; from: Expr; to: Expr }
  | { k: 'map'; entries: Array<[Expr, Expr]> }
  | { k: 'ref'; ref: RefExpr }
  | { k: 'not'; e: Expr }
  | { k: 'bin'; op: BinOp; l: Expr; r: Expr; /** source after the operator (1.7's literal() of a math node) */ text?: string }
  | { k: 'paren'; e: Expr }
  | { k: 'word'; v: string }; // bare word in macro call arguments

export type BinOp = '||' | '&&' | '==' | '!=' | '<' | '>' | '<=' | '>=' | '+' | '-' | '*' | '/' | '%';

export type RefPart =
  | { k: 'prop'; name: string }
  | { k: 'call'; name: string; args: Expr[] }
  | { k: 'index'; index: Expr };

export interface RefExpr {
  root: string;
  parts: RefPart[];
  /** Source text of the reference as written (what 1.7 prints when it is null). */
  text: string;
  line: number;
  column: number;
}

export type Node =
  | { k: 'text'; v: string }
  | { k: 'ref'; ref: RefExpr; silent: boolean; escapes: number }
  | { k: 'set'; ref: RefExpr; value: Expr; line: number; column: number }
  | { k: 'if'; branches: Array<{ cond: Expr; body: Node[] }>; otherwise: Node[] | undefined }
  | { k: 'foreach'; name: string; iter: Expr; body: Node[]; line: number; column: number }
  | { k: 'break'; scope: Expr | undefined }
  | { k: 'stop' }
  | { k: 'define'; name: string; body: Node[] }
  | { k: 'call'; name: string; args: Expr[]; text: string; line: number; column: number; body?: Node[] }
  | { k: 'unsupported'; name: string; line: number; column: number };

export interface MacroDef {
  name: string;
  params: string[];
  body: Node[];
}

export interface Ast {
  nodes: Node[];
  macros: Map<string, MacroDef>;
}


// Binary operators written as symbols or Velocity's word aliases, by precedence level.
const OR_OPS: Readonly<Record<string, BinOp>> = { '||': '||', or: '||' };
const AND_OPS: Readonly<Record<string, BinOp>> = { '&&': '&&', and: '&&' };
const EQ_OPS: Readonly<Record<string, BinOp>> = { '==': '==', '!=': '!=', eq: '==', ne: '!=' };
const REL_OPS: Readonly<Record<string, BinOp>> = { '<=': '<=', '>=': '>=', '<': '<', '>': '>', le: '<=', ge: '>=', lt: '<', gt: '>' };

export class ParseError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(reason);
  }
}

/** Directives the 1.7 lexer itself recognises (a '$' right before them disappears). */
const LEXER_DIRECTIVES = new Set(['if', 'elseif', 'else', 'end', 'set']);
const KNOWN = new Set([
  'set', 'if', 'elseif', 'else', 'end', 'foreach', 'break', 'stop', 'macro', 'define', 'include', 'parse', 'evaluate',
]);

/** Internalised copy of a name (fast Map lookups; source slices are not internalised). */
export function intern(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

function isIdStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
}
function isIdChar(c: string | undefined): boolean {
  return isIdStart(c) || (c !== undefined && ((c >= '0' && c <= '9') || c === '-'));
}
function isDirChar(c: string | undefined): boolean {
  return isIdStart(c) || (c !== undefined && c >= '0' && c <= '9');
}
function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

type Terminator = 'end' | 'else' | 'elseif' | 'eof';

interface BlockResult {
  nodes: Node[];
  term: Terminator;
  termLine: number;
  termColumn: number;
}

export function parse(source: string): Ast {
  const p = new Parser(source, new Map());
  const res = p.parseBlock(false);
  if (res.term !== 'eof') {
    throw new ParseError(`unexpected #${res.term}`, res.termLine, res.termColumn);
  }
  return { nodes: res.nodes, macros: p.macros };
}

class Parser {
  pos = 0;
  /** Length of the pending text when the last non-text token ended (see the #set whitespace rule). */
  private boundary = 0;
  constructor(
    readonly src: string,
    readonly macros: Map<string, MacroDef>,
    private readonly lineBase = 1,
    private readonly colBase = 1,
    private readonly baseOffset = 0,
    private readonly topLevel = true,
  ) {}

  // ---------- positions ----------
  private lineStarts: number[] | undefined;

  lineCol(pos: number): { line: number; column: number } {
    if (!this.lineStarts) {
      const starts = [this.baseOffset];
      for (let i = this.src.indexOf('\n', this.baseOffset); i >= 0; i = this.src.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    const starts = this.lineStarts;
    const p = Math.min(Math.max(pos, this.baseOffset), this.src.length);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= p) lo = mid;
      else hi = mid - 1;
    }
    const column = p - starts[lo]! + (lo === 0 ? this.colBase : 1);
    return { line: this.lineBase + lo, column };
  }
  error(reason: string, pos = this.pos): ParseError {
    const { line, column } = this.lineCol(pos);
    return new ParseError(reason, line, column);
  }

  // ---------- template level ----------
  parseBlock(inBlock: boolean): BlockResult {
    const nodes: Node[] = [];
    let text = '';
    const flush = () => {
      if (text) {
        nodes.push({ k: 'text', v: text });
        text = '';
      }
      this.boundary = 0;
    };
    this.boundary = 0;
    const src = this.src;
    while (this.pos < src.length) {
      const c = src[this.pos]!;
      if (c === '$') {
        const start = this.pos;
        const node = this.tryReference(0);
        if (node) {
          flush();
          nodes.push(node);
          this.boundary = text.length;
        } else {
          if (start === src.length - 1 && this.topLevel) throw this.error('lexical error: template ends with \'$\'', start + 1);
          this.pos = start + 1;
          // 1.7 drops a '$' that directly precedes a directive or a block comment (`$#end`, `$#*c*#`)
          if (/^[ \t]*#(?:set|\{set\})[ \t]*\(/.test(src.slice(start + 1, start + 40))) {
            // a lone '$' before a #set on the same line is dropped with the blanks between (1.7)
            this.boundary = text.length;
          } else if (src[start + 1] === '#' && !this.beforeDirective(start + 1) && this.peekDirectiveName(start + 1)) {
            // `$#foreach`, `$#stop`, `$#macroName`: plain text in 1.7 (only lexer-level directives follow a '$')
            const dn = this.peekDirectiveName(start + 1)!;
            text += src.slice(start, dn.end);
            this.pos = dn.end;
          } else if (!this.beforeDirective(start + 1)) {
            text += '$';
            // backslashes right after a lone '$' are plain text, not escapes (1.7: `$\$x` prints `$\` + $x)
            while (src[this.pos] === '\\') {
              text += '\\';
              this.pos++;
            }
          }
        }
        continue;
      }
      if (c === '\\') {
        const start = this.pos;
        let n = 0;
        while (src[this.pos + n] === '\\') n++;
        const after = this.pos + n;
        if (src[after] === '$') {
          this.pos = after;
          const node = this.tryReference(n);
          if (node) {
            flush();
            nodes.push(node);
            this.boundary = text.length;
            continue;
          }
          this.pos = start;
        } else if (src[after] === '#') {
          const name = this.peekDirectiveName(after);
          if (name !== undefined && (KNOWN.has(name.name) || this.macros.has(name.name))) {
            const half = '\\'.repeat(Math.floor(n / 2));
            if (n % 2 === 1) {
              // escaped directive: print it literally
              text += half + src.slice(after, name.end);
              this.pos = name.end;
              continue;
            }
            text += half;
            this.pos = after;
            continue;
          }
        }
        text += '\\'.repeat(n);
        this.pos = start + n;
        this.boundary = text.length; // a lone backslash is a token of its own in 1.7
        continue;
      }
      if (c === '#') {
        const nx = src[this.pos + 1];
        if (nx === '#') {
          // line comment: eats through the newline
          const nl = src.indexOf('\n', this.pos);
          this.pos = nl < 0 ? src.length : nl + 1;
          this.boundary = text.length;
          continue;
        }
        if (nx === '*') {
          const endc = src.indexOf('*#', this.pos + 2);
          if (endc < 0) throw this.error('unterminated comment #* ... *#');
          this.pos = endc + 2;
          this.boundary = text.length;
          continue;
        }
        if (nx === '[' && src[this.pos + 2] === '[') {
          const endu = src.indexOf(']]#', this.pos + 3);
          if (endu < 0) throw this.error('unterminated unparsed content #[[ ... ]]#');
          text += src.slice(this.pos + 3, endu);
          this.pos = endu + 3;
          this.boundary = text.length;
          continue;
        }
        const dn = this.peekDirectiveName(this.pos);
        if (dn) {
          const name = dn.name;
          const dpos = this.pos;
          if (name === 'end' || name === 'else' || name === 'elseif') {
            if (!inBlock) throw this.error(`#${name} without a matching block directive`);
            flush();
            this.pos = dn.end;
            if (name !== 'elseif') this.eatLineEnd();
            const lc = this.lineCol(dpos);
            return { nodes, term: name, termLine: lc.line, termColumn: lc.column };
          }
          if (name === 'set') {
            // spaces/tabs before #set are swallowed when they start a new token (1.7 lexer)
            if (/^[ \t]*$/.test(text.slice(this.boundary))) text = text.slice(0, this.boundary);
          }
          const node = this.parseDirective(dn.name, dn.end);
          if (node !== undefined) {
            flush();
            if (node !== null) nodes.push(node);
            this.boundary = text.length;
            continue;
          }
          // not a directive after all: literal '#'
          this.pos = dpos;
        }
        if (this.pos === src.length - 1 && this.topLevel) throw this.error("lexical error: template ends with '#'");
        if (/^#[ \t]*#(?:set|\{set\})[ \t]*\(/.test(src.slice(this.pos, this.pos + 40))) {
          // 1.7 drops a lone '#' that precedes a #set on the same line (with the blanks between)
          this.pos++;
          this.boundary = text.length;
          continue;
        }
        this.pos++;
        let bs = this.pos;
        while (src[bs] === '\\') bs++;
        if (bs > this.pos && src[bs] === '#' && src[bs + 1] !== '*' && this.peekDirectiveName(bs) !== undefined) {
          // 1.7 drops a lone '#' right before an escaped '#' (`#\#if` prints `#if`)
          continue;
        }
        // backslashes right after a lone '#' are plain text, not escapes (1.7: `#\$x` prints `#\` + $x)
        text += '#' + src.slice(this.pos, bs);
        this.pos = bs;
        continue;
      }
      // plain text run
      let end = this.pos;
      while (end < src.length) {
        const ch = src[end];
        if (ch === '$' || ch === '#' || ch === '\\') break;
        end++;
      }
      text += src.slice(this.pos, end);
      this.pos = end;
          }
    flush();
    if (inBlock) return { nodes, term: 'eof', termLine: 0, termColumn: 0 };
    return { nodes, term: 'eof', termLine: 0, termColumn: 0 };
  }

  /** Does a directive (or `#*` comment) start at pos? */
  beforeDirective(pos: number): boolean {
    const src = this.src;
    if (src[pos] === '\\') {
      let i = pos;
      while (src[i] === '\\') i++;
      return src[i] === '#';
    }
    if (src[pos] !== '#') return false;
    if (src[pos + 1] === '*') return true;
    const dn = this.peekDirectiveName(pos);
    return dn !== undefined && LEXER_DIRECTIVES.has(dn.name);
  }

  /** After `#`: directive name, plain or braced. */
  peekDirectiveName(pos: number): { name: string; end: number; braced: boolean } | undefined {
    const src = this.src;
    if (src[pos] !== '#') return undefined;
    let i = pos + 1;
    let braced = false;
    if (src[i] === '{') {
      braced = true;
      i++;
    }
    const s = i;
    if (src[i] === '@' && !braced) i++; // #@blockMacro
    if (!isIdStart(src[i])) return undefined;
    while (isDirChar(src[i])) i++;
    const name = src.slice(s, i);
    if (braced) {
      if (src[i] !== '}') return undefined;
      i++;
    }
    return { name, end: i, braced };
  }

  /** Eat `[ \t]*` + one newline if the line ends there. */
  eatLineEnd(): void {
    const src = this.src;
    let i = this.pos;
    while (src[i] === ' ' || src[i] === '\t') i++;
    if (src[i] === '\n') this.pos = i + 1;
    else if (src[i] === '\r') this.pos = src[i + 1] === '\n' ? i + 2 : i + 1;
  }

  skipWs(): void {
    const src = this.src;
    while (this.pos < src.length) {
      const c = src[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else break;
    }
  }

  expect(ch: string, what: string): void {
    if (this.src[this.pos] !== ch) {
      const found = this.pos >= this.src.length ? 'end of template' : JSON.stringify(this.src[this.pos]);
      throw this.error(`expected ${what} but found ${found}`);
    }
    this.pos++;
  }

  /** Parse a directive whose name ends at `end`. Returns undefined when it is literal text, null for no node. */
  parseDirective(name: string, end: number): Node | null | undefined {
    const src = this.src;
    const start = this.pos;
    const { line, column } = this.lineCol(start);
    switch (name) {
      case 'break':
      case 'stop': {
        this.pos = end;
        if (name === 'stop') return { k: 'stop' };
        let scope: Expr | undefined;
        if (src[this.pos] === '(') {
          this.pos++;
          this.skipWs();
          if (src[this.pos] !== ')') scope = this.parsePrimary(true);
          this.skipWs();
          this.expect(')', "')' closing #break");
        }
        return { k: 'break', scope };
      }
      case 'set': {
        this.pos = end;
        while (src[this.pos] === ' ') this.pos++;
        if (src[this.pos] !== '(') return undefined;
        this.pos++;
        this.skipWs();
        if (src[this.pos] !== '$') throw this.error('#set expects a reference like $name on the left');
        const ref = this.parseRefForExpr();
        this.skipWs();
        this.expect('=', "'=' in #set");
        this.skipWs();
        const value = this.parseExpr();
        this.skipWs();
        this.expect(')', "')' closing #set");
        this.eatLineEnd();
        return { k: 'set', ref, value, line, column };
      }
      case 'if': {
        const branches: Array<{ cond: Expr; body: Node[] }> = [];
        this.pos = end;
        const cond = this.parseParenCondition('#if');
        this.eatLineEnd();
        let res = this.parseBlock(true);
        branches.push({ cond, body: res.nodes });
        let otherwise: Node[] | undefined;
        for (;;) {
          if (res.term === 'eof') throw new ParseError('#if without #end', line, column);
          if (res.term === 'end') break;
          if (res.term === 'elseif') {
            if (otherwise) throw this.error('#elseif after #else');
            const c = this.parseParenCondition('#elseif');
            this.eatLineEnd();
            res = this.parseBlock(true);
            branches.push({ cond: c, body: res.nodes });
            continue;
          }
          // else
          if (otherwise) throw this.error('second #else in #if');
          res = this.parseBlock(true);
          otherwise = res.nodes;
          if (res.term === 'elseif') throw new ParseError('#elseif after #else', res.termLine, res.termColumn);
          if (res.term === 'else') throw new ParseError('second #else in #if', res.termLine, res.termColumn);
        }
        return { k: 'if', branches, otherwise };
      }
      case 'foreach': {
        this.pos = end;
        this.skipWs();
        if (src[this.pos] !== '(') return undefined;
        this.pos++;
        this.skipWs();
        if (src[this.pos] !== '$') throw this.error('#foreach expects a loop variable like $item');
        const v = this.parseRefForExpr();
        if (v.parts.length) throw this.error('#foreach loop variable must be a simple name');
        this.skipWs();
        if (!(src.startsWith('in', this.pos) && !isIdChar(src[this.pos + 2]))) throw this.error("expected 'in' in #foreach");
        this.pos += 2;
        this.skipWs();
        const iter = this.parsePrimary(true);
        this.skipWs();
        this.expect(')', "')' closing #foreach");
        this.eatLineEnd();
        const res = this.parseBlock(true);
        if (res.term !== 'end') {
          if (res.term === 'eof') throw new ParseError('#foreach without #end', line, column);
          throw new ParseError(`#${res.term} inside #foreach`, res.termLine, res.termColumn);
        }
        return { k: 'foreach', name: v.root, iter, body: res.nodes, line, column };
      }
      case 'macro': {
        this.pos = end;
        this.skipWs();
        if (src[this.pos] !== '(') return undefined;
        this.pos++;
        this.skipWs();
        const ns = this.pos;
        while (isDirChar(src[this.pos]) || src[this.pos] === '-') this.pos++;
        const mname = src.slice(ns, this.pos);
        if (!mname) throw this.error('#macro needs a name');
        const params: string[] = [];
        for (;;) {
          this.skipWs();
          if (src[this.pos] === ',') {
            this.pos++;
            continue;
          }
          if (src[this.pos] === ')') break;
          if (src[this.pos] !== '$') throw this.error('#macro parameters must be references like $p');
          const r = this.parseRefForExpr();
          if (r.parts.length) throw this.error('#macro parameters must be simple names');
          params.push(r.root);
        }
        this.pos++;
        this.eatLineEnd();
        const res = this.parseBlock(true);
        if (res.term !== 'end') {
          if (res.term === 'eof') throw new ParseError('#macro without #end', line, column);
          throw new ParseError(`#${res.term} inside #macro`, res.termLine, res.termColumn);
        }
        this.macros.set(mname, { name: mname, params, body: res.nodes });
        return null;
      }
      case 'define': {
        this.pos = end;
        this.skipWs();
        if (src[this.pos] !== '(') return undefined;
        this.pos++;
        this.skipWs();
        if (src[this.pos] !== '$') throw this.error('#define expects a reference like $name');
        const r = this.parseRefForExpr();
        if (r.parts.length) throw this.error('#define name must be a simple reference');
        this.skipWs();
        this.expect(')', "')' closing #define");
        this.eatLineEnd();
        const res = this.parseBlock(true);
        if (res.term !== 'end') {
          if (res.term === 'eof') throw new ParseError('#define without #end', line, column);
          throw new ParseError(`#${res.term} inside #define`, res.termLine, res.termColumn);
        }
        return { k: 'define', name: r.root, body: res.nodes };
      }
      case 'include':
      case 'parse':
      case 'evaluate': {
        this.pos = end;
        this.skipWs();
        if (src[this.pos] !== '(') return undefined;
        this.pos++;
        this.skipWs();
        while (this.pos < src.length && src[this.pos] !== ')') {
          this.parseArg(true);
          this.skipWs();
          if (src[this.pos] === ',') this.pos++;
          this.skipWs();
        }
        this.expect(')', `')' closing #${name}`);
        this.eatLineEnd();
        return { k: 'unsupported', name, line, column };
      }
      default: {
        // macro call: #name( args )
        this.pos = end;
        let i = end;
        while (src[i] === ' ' || src[i] === '\t') i++;
        if (src[i] !== '(') return undefined;
        this.pos = i + 1;
        const args: Expr[] = [];
        for (;;) {
          this.skipWs();
          if (src[this.pos] === ',') {
            this.pos++;
            continue;
          }
          if (src[this.pos] === ')') break;
          if (this.pos >= src.length) throw new ParseError(`unterminated call of #${name}(`, line, column);
          args.push(this.parseArg(true));
        }
        this.pos++;
        const text = src.slice(start, this.pos);
        this.eatLineEnd();
        if (name.startsWith('@')) {
          // block macro call: the body is $bodyContent inside the macro
          const res = this.parseBlock(true);
          if (res.term !== 'end') {
            if (res.term === 'eof') throw new ParseError(`#${name} without #end`, line, column);
            throw new ParseError(`#${res.term} inside #${name}`, res.termLine, res.termColumn);
          }
          return { k: 'call', name: name.slice(1), args, text, line, column, body: res.nodes };
        }
        return { k: 'call', name, args, text, line, column };
      }
    }
  }

  parseParenCondition(what: string): Expr {
    this.skipWs();
    this.expect('(', `'(' after ${what}`);
    this.skipWs();
    const e = this.parseExpr();
    this.skipWs();
    this.expect(')', `')' closing ${what}`);
    return e;
  }

  // ---------- references ----------
  /** At '$'. Returns a ref node or undefined (then '$' is literal text). */
  tryReference(escapes: number): Node | undefined {
    const src = this.src;
    const start = this.pos;
    let i = start + 1;
    let silent = false;
    if (src[i] === '!') {
      silent = true;
      i++;
      if (i >= src.length && this.topLevel) throw this.error("lexical error: template ends with '$!'", i);
      if (src[i] !== '{' && !isIdStart(src[i])) {
        // 1.7 prints a dangling `$!` as `$`
        this.pos = i;
        return { k: 'text', v: '$' };
      }
    }
    let formal = false;
    if (src[i] === '{') {
      formal = true;
      i++;
    }
    if (!isIdStart(src[i])) return undefined;
    this.pos = i;
    const ref = this.parseRefChain(start, formal);
    if (!ref) {
      this.pos = start;
      return undefined;
    }
    // the escape prefix is not part of the printed literal
    return { k: 'ref', ref, silent, escapes };
  }

  /** Parse identifier + .prop / .method(...) / [index] chain starting at this.pos (an identifier). */
  parseRefChain(start: number, formal: boolean): RefExpr | undefined {
    const src = this.src;
    const { line, column } = this.lineCol(start);
    let i = this.pos;
    while (isIdChar(src[i])) i++;
    const root = intern(src.slice(this.pos, i));
    this.pos = i;
    const parts: RefPart[] = [];
    for (;;) {
      const c = src[this.pos];
      if (c === '.' && isIdStart(src[this.pos + 1])) {
        let j = this.pos + 1;
        while (isIdChar(src[j])) j++;
        const name = intern(src.slice(this.pos + 1, j));
        if (src[j] === '(') {
          this.pos = j + 1;
          const args = this.parseCallArgs();
          parts.push({ k: 'call', name, args });
        } else {
          this.pos = j;
          parts.push({ k: 'prop', name });
        }
        continue;
      }
      if (c === '[') {
        // index notation: 1.7 reports a lexical error when the brackets do not hold an index
        this.pos++;
        this.skipWs();
        const idx = this.parseArg(false);
        this.skipWs();
        this.expect(']', "']' closing the index");
        parts.push({ k: 'index', index: idx });
        continue;
      }
      break;
    }
    if (formal) {
      if (src[this.pos] !== '}') throw this.error("expected '}' closing ${...}");
      this.pos++;
    }
    const text = src.slice(start, this.pos);
    return { root, parts, text, line, column };
  }

  parseCallArgs(): Expr[] {
    const src = this.src;
    const args: Expr[] = [];
    this.skipWs();
    if (src[this.pos] === ')') {
      this.pos++;
      return args;
    }
    for (;;) {
      this.skipWs();
      args.push(this.parseArg(false));
      this.skipWs();
      if (src[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (src[this.pos] === ')') {
        this.pos++;
        return args;
      }
      throw this.error(`expected ',' or ')' in method arguments`);
    }
  }

  /** A reference used inside an expression ($x, ${x}, $!x). */
  parseRefForExpr(): RefExpr {
    const src = this.src;
    const start = this.pos;
    let i = start + 1;
    if (src[i] === '!') i++;
    let formal = false;
    if (src[i] === '{') {
      formal = true;
      i++;
    }
    if (!isIdStart(src[i])) throw this.error('invalid reference');
    this.pos = i;
    const r = this.parseRefChain(start, formal);
    if (!r) throw this.error("expected '}' closing ${...}");
    return r;
  }

  // ---------- expressions ----------
  /** Velocity 1.7 method / index / macro arguments: literals, references, lists, maps, ranges (no operators). */
  parseArg(allowWord: boolean): Expr {
    const src = this.src;
    if (allowWord && isIdStart(src[this.pos])) {
      const s = this.pos;
      let i = s;
      while (isIdChar(src[i])) i++;
      const w = src.slice(s, i);
      if (w === 'true' || w === 'false') {
        this.pos = i;
        return { k: 'bool', v: w === 'true' };
      }
      this.pos = i;
      return { k: 'word', v: w };
    }
    return this.parsePrimary(true);
  }

  parseExpr(): Expr {
    return this.parseOr();
  }

  private word(...ops: string[]): string | undefined {
    const src = this.src;
    for (const op of ops) {
      if (src.startsWith(op, this.pos)) {
        if (/^[a-z]/.test(op) && (isIdChar(src[this.pos + op.length]) || isIdChar(src[this.pos - 1]))) continue;
        return op;
      }
    }
    return undefined;
  }

  /** One precedence level of word-or-symbol binary operators (left-associative); keys in match order. */
  private wordLevel(next: () => Expr, ops: Readonly<Record<string, BinOp>>): Expr {
    const words = Object.keys(ops);
    let l = next();
    for (;;) {
      this.skipWs();
      const op = this.word(...words);
      if (!op) return l;
      this.pos += op.length;
      this.skipWs();
      l = { k: 'bin', op: ops[op]!, l, r: next() };
    }
  }
  parseOr(): Expr {
    return this.wordLevel(() => this.parseAnd(), OR_OPS);
  }
  parseAnd(): Expr {
    return this.wordLevel(() => this.parseEq(), AND_OPS);
  }
  parseEq(): Expr {
    return this.wordLevel(() => this.parseRel(), EQ_OPS);
  }
  parseRel(): Expr {
    return this.wordLevel(() => this.parseAdd(), REL_OPS);
  }
  parseAdd(): Expr {
    let l = this.parseMul();
    for (;;) {
      this.skipWs();
      const c = this.src[this.pos];
      if (c === '+' || (c === '-' && !isDigit(this.src[this.pos + 1]) && this.src[this.pos + 1] !== '.')) {
        this.pos++;
        const after = this.pos;
        this.skipWs();
        const r = this.parseMul();
        this.skipWs(); // 1.7's literal() runs up to the next token
        l = { k: 'bin', op: c, l, r, text: this.src.slice(after, this.pos) };
        continue;
      }
      return l;
    }
  }
  parseMul(): Expr {
    let l = this.parseUnary();
    for (;;) {
      this.skipWs();
      const c = this.src[this.pos];
      if (c === '*' || c === '/' || c === '%') {
        this.pos++;
        const after = this.pos;
        this.skipWs();
        const r = this.parseUnary();
        this.skipWs(); // 1.7's literal() runs up to the next token
        l = { k: 'bin', op: c, l, r, text: this.src.slice(after, this.pos) };
        continue;
      }
      return l;
    }
  }
  parseUnary(): Expr {
    this.skipWs();
    const src = this.src;
    if (src[this.pos] === '!' && src[this.pos + 1] !== '=') {
      this.pos++;
      this.skipWs();
      return { k: 'not', e: this.parseUnary() };
    }
    if (this.word('not')) {
      this.pos += 3;
      this.skipWs();
      return { k: 'not', e: this.parseUnary() };
    }
    return this.parsePrimary(false);
  }

  parsePrimary(argOnly: boolean): Expr {
    const src = this.src;
    const c = src[this.pos];
    if (c === undefined) throw this.error('unexpected end of template in expression');
    if (c === '$') return { k: 'ref', ref: this.parseRefForExpr() };
    if (c === '"' || c === "'") return this.parseString();
    if (isDigit(c) || ((c === '-' || c === '.') && (isDigit(src[this.pos + 1]) || (src[this.pos + 1] === '.' && isDigit(src[this.pos + 2]) && c === '-')))) {
      return this.parseNumber();
    }
    if (c === '[') return this.parseListOrRange();
    if (c === '{') return this.parseMapLiteral();
    if (c === '(' && !argOnly) {
      this.pos++;
      this.skipWs();
      const e = this.parseExpr();
      this.skipWs();
      this.expect(')', "')'");
      return { k: 'paren', e };
    }
    if (src.startsWith('true', this.pos) && !isIdChar(src[this.pos + 4])) {
      this.pos += 4;
      return { k: 'bool', v: true };
    }
    if (src.startsWith('false', this.pos) && !isIdChar(src[this.pos + 5])) {
      this.pos += 5;
      return { k: 'bool', v: false };
    }
    const found = JSON.stringify(src.slice(this.pos, this.pos + 10));
    throw this.error(`unexpected ${found} in expression`);
  }

  parseNumber(): Expr {
    const src = this.src;
    const s = this.pos;
    let i = s;
    if (src[i] === '-') i++;
    while (isDigit(src[i])) i++;
    let isFloat = false;
    if (src[i] === '.' && isDigit(src[i + 1])) {
      isFloat = true;
      i++;
      while (isDigit(src[i])) i++;
    } else if (src[i] === '.' && src[i + 1] !== '.' && i > s && isDigit(src[i - 1])) {
      // "1." is a float literal in 1.7
      isFloat = true;
      i++;
    }
    if ((src[i] === 'e' || src[i] === 'E') && (isDigit(src[i + 1]) || ((src[i + 1] === '-' || src[i + 1] === '+') && isDigit(src[i + 2])))) {
      isFloat = true;
      i += 2;
      while (isDigit(src[i])) i++;
    }
    const text = src.slice(s, i);
    this.pos = i;
    if (isFloat) return { k: 'float', v: Number(text) };
    const big = BigInt(text);
    if (big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)) return { k: 'int', v: Number(big) };
    return { k: 'int', v: big };
  }

  parseString(): Expr {
    const src = this.src;
    const q = src[this.pos]!;
    const start = this.pos;
    let i = this.pos + 1;
    let v = '';
    for (;;) {
      if (i >= src.length) throw this.error('unterminated string literal', start);
      const ch = src[i]!;
      if (ch === q) {
        if (src[i + 1] === q) {
          v += q;
          i += 2;
          continue;
        }
        i++;
        break;
      }
      v += ch;
      i++;
    }
    this.pos = i;
    if (q === '"' && (v.includes('$') || v.includes('#'))) {
      // interpolated: parse the content as a template (positions relative to the literal)
      const { line, column } = this.lineCol(start + 1);
      const sub = new Parser(v, this.macros, line, column, 0, false);
      const res = sub.parseBlock(false);
      return { k: 'istr', parts: res.nodes, raw: v };
    }
    return { k: 'str', v };
  }

  parseListOrRange(): Expr {
    const src = this.src;
    this.pos++;
    this.skipWs();
    if (src[this.pos] === ']') {
      this.pos++;
      return { k: 'list', items: [] };
    }
    const first = this.parseArg(false);
    this.skipWs();
    if (src.startsWith('..', this.pos)) {
      if (first.k !== 'int' && first.k !== 'ref') throw this.error('range bounds must be integers or references');
      this.pos += 2;
      this.skipWs();
      const toPos = this.pos;
      const to = this.parseArg(false);
      if (to.k !== 'int' && to.k !== 'ref') throw this.error('range bounds must be integers or references', toPos);
      this.skipWs();
      this.expect(']', "']' closing range");
      return { k: 'range', from: first, to };
    }
    const items = [first];
    for (;;) {
      this.skipWs();
      if (src[this.pos] === ']') {
        this.pos++;
        return { k: 'list', items };
      }
      this.expect(',', "',' or ']' in list");
      this.skipWs();
      items.push(this.parseArg(false));
    }
  }

  parseMapLiteral(): Expr {
    const src = this.src;
    this.pos++;
    this.skipWs();
    const entries: Array<[Expr, Expr]> = [];
    if (src[this.pos] === '}') {
      this.pos++;
      return { k: 'map', entries };
    }
    for (;;) {
      this.skipWs();
      const key = this.parseArg(false);
      this.skipWs();
      this.expect(':', "':' in map literal");
      this.skipWs();
      const value = this.parseArg(false);
      entries.push([key, value]);
      this.skipWs();
      if (src[this.pos] === '}') {
        this.pos++;
        return { k: 'map', entries };
      }
      this.expect(',', "',' or '}' in map literal");
    }
  }
}

