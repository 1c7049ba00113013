// java.util.regex → JavaScript RegExp translation.
// Used for integration-response selection patterns (whole match) and by the
// String methods templates call (matches, replaceAll, replaceFirst, split).
//
// Translation choices (Java 8+ semantics, JS 'v' flag so class set operations work):
//  - (?i) is ASCII-only in Java: letters are expanded to [aA] instead of using the JS
//    'i' flag (which folds Unicode); flags can be scoped: (?i:...), (?i) ... (?-i)
//  - (?s), (?m), (?x), (?d) are honoured by rewriting '.', '^', '$' and whitespace
//  - \Q...\E, \h \H \v \R \e \a \cX \0oct \x{h..h}, POSIX \p{Alpha} etc. (ASCII),
//    Unicode \p{L} \p{IsLatin} \p{IsAlphabetic}; \s is ASCII whitespace as in Java
//  - [a-z&&[^aeiou]] intersections and [a[b]] unions
//  - possessive quantifiers X*+ and atomic groups (?>X) become (?=(X))\k (exact)
//  - capture group numbers are remapped, so $1 / \1 keep Java's numbering
// Patterns Java rejects throw JavaRegexError (a PatternSyntaxException).

export class JavaRegexError extends Error {
  constructor(
    message: string,
    readonly pattern: string,
    readonly index: number,
  ) {
    super(`${message} near index ${index}\n${pattern}`);
    this.name = 'PatternSyntaxException';
  }
}

export interface TranslatedRegex {
  source: string;
  flags: string;
  /** JS group number for each Java group number (index 0 = whole match). */
  groupMap: number[];
  /** Named groups (Java name → JS group number). */
  names: Map<string, number>;
  groupCount: number;
}

interface Flags {
  i: boolean;
  s: boolean;
  m: boolean;
  x: boolean;
  d: boolean;
}

const LINE_TERMS = '\\n\\r\\u0085\\u2028\\u2029';
const JAVA_SPACE = '[ \\t\\n\\x0B\\f\\r]';

const POSIX: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`\\{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};

const UNICODE_PROPS: Record<string, string> = {
  Alphabetic: 'Alphabetic',
  Letter: 'L',
  Lowercase: 'Lowercase',
  Uppercase: 'Uppercase',
  WhiteSpace: 'White_Space',
  White_Space: 'White_Space',
  Digit: 'Nd',
  Punctuation: 'P',
  Control: 'Cc',
  Ideographic: 'Ideographic',
  javaLowerCase: 'Lowercase',
  javaUpperCase: 'Uppercase',
  javaWhitespace: 'White_Space',
  javaLetter: 'L',
  javaDigit: 'Nd',
  javaLetterOrDigit: 'L',
  javaAlphabetic: 'Alphabetic',
};

const GENERAL_CATEGORIES = new Set([
  'L', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'M', 'Mn', 'Mc', 'Me', 'N', 'Nd', 'Nl', 'No', 'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po',
  'S', 'Sm', 'Sc', 'Sk', 'So', 'Z', 'Zs', 'Zl', 'Zp', 'C', 'Cc', 'Cf', 'Cs', 'Co', 'Cn',
]);

function hexCode(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

function isAsciiLetter(cp: number): boolean {
  return (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122);
}

/** A literal code point as JS 'v'-mode source, outside a class. */
function litOut(cp: number, ci: boolean): string {
  if (ci && isAsciiLetter(cp)) {
    const lo = String.fromCharCode(cp | 32);
    return `[${lo}${lo.toUpperCase()}]`;
  }
  if ((cp >= 48 && cp <= 57) || isAsciiLetter(cp) || cp === 95) return String.fromCharCode(cp);
  return hexCode(cp);
}

/** A literal code point inside a class (v mode). */
function litIn(cp: number): string {
  if ((cp >= 48 && cp <= 57) || isAsciiLetter(cp) || cp === 95) return String.fromCharCode(cp);
  return hexCode(cp);
}

interface GroupRec {
  pos: number;
  java: number | null; // Java group number, null for helper groups
  aux?: number;
  name?: string;
}

class Translator {
  i = 0;
  out = '';
  groups: GroupRec[] = [];
  javaGroups = 0;
  aux = 0;
  /** (?i) in effect for the escape being translated. */
  ci = false;
  constructor(readonly p: string) {}

  fail(msg: string, at = this.i): never {
    throw new JavaRegexError(msg, this.p, at);
  }

  cpAt(i: number): number {
    return this.p.codePointAt(i)!;
  }

  translate(initial: Flags): TranslatedRegex {
    this.alternation(initial, 0);
    if (this.i < this.p.length) this.fail('Unmatched closing \')\'', this.i - 1);
    // resolve group numbering
    const sorted = this.groups.slice().sort((a, b) => a.pos - b.pos);
    const groupMap: number[] = [0];
    const names = new Map<string, number>();
    sorted.forEach((g, idx) => {
      if (g.java !== null) {
        groupMap[g.java] = idx + 1;
        if (g.name) names.set(g.name, idx + 1);
      }
    });
    let source = this.out.replace(/\u0000(A?)(\d+)\u0000/g, (_m, auxMark: string, n: string) => {
      if (auxMark) {
        const rank = sorted.findIndex((g) => g.aux === Number(n));
        return `\\${rank + 1}`;
      }
      const j = Number(n);
      const js = groupMap[j];
      if (js === undefined) return '(?!)';
      return `\\${js}`;
    });
    // JS needs (?:) after a numeric backreference followed by a digit
    source = source.replace(/(\\\d+)(?=\d)/g, '$1(?:)');
    return { source, flags: 'v', groupMap, names, groupCount: this.javaGroups };
  }

  /** Insert text into this.out at position p, shifting group positions. */
  insert(p: number, text: string): void {
    this.out = this.out.slice(0, p) + text + this.out.slice(p);
    for (const g of this.groups) if (g.pos >= p) g.pos += text.length;
  }

  /** Wrap out[start..] as atomic: (?:(?=(X))\k), one quantifiable unit. */
  makeAtomic(start: number): void {
    this.insert(start, '(?:(?=(');
    const id = ++this.aux;
    this.groups.push({ pos: start + 6, java: null, aux: id });
    this.out += `))\u0000A${id}\u0000)`;
  }

  alternation(flags: Flags, depth: number): void {
    const f = { ...flags };
    for (;;) {
      this.sequence(f, depth);
      if (this.p[this.i] === '|') {
        this.out += '|';
        this.i++;
        continue;
      }
      return;
    }
  }

  skipComments(f: Flags): void {
    if (!f.x) return;
    for (;;) {
      const c = this.p[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\x0B') {
        this.i++;
        continue;
      }
      if (c === '#') {
        while (this.i < this.p.length && this.p[this.i] !== '\n') this.i++;
        continue;
      }
      return;
    }
  }

  sequence(f: Flags, depth: number): void {
    for (;;) {
      this.skipComments(f);
      const c = this.p[this.i];
      if (c === undefined || c === '|') return;
      if (c === ')') {
        if (depth === 0) this.fail("Unmatched closing ')'");
        return;
      }
      const atomStart = this.out.length;
      const isAtom = this.atom(f, depth);
      if (!isAtom) continue;
      this.quantifier(f, atomStart);
    }
  }

  quantifier(f: Flags, atomStart: number): void {
    this.skipComments(f);
    const p = this.p;
    const c = p[this.i];
    let q = '';
    if (c === '*' || c === '+' || c === '?') {
      q = c;
      this.i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(this.i));
      if (!m) this.fail('Illegal repetition');
      if (m[3] && Number(m[3]) < Number(m[1])) this.fail('Illegal repetition range');
      q = m[0];
      this.i += m[0].length;
    } else return;
    // Java may quantify a lookaround; JS only accepts that inside a group
    if (/^\(\?<?[=!]/.test(this.out.slice(atomStart, atomStart + 4))) {
      this.insert(atomStart, '(?:');
      this.out += ')';
    }
    if (p[this.i] === '?') {
      this.out += q + '?';
      this.i++;
    } else if (p[this.i] === '+') {
      this.i++;
      this.out += q;
      this.makeAtomic(atomStart);
    } else this.out += q;
    const n = p[this.i];
    if (n === '*' || n === '+' || n === '?' || (n === '{' && /^\{\d/.test(p.slice(this.i)))) {
      // Java allows stacked quantifiers (X**); make the previous one a group
      this.insert(atomStart, '(?:');
      this.out += ')';
      this.quantifier(f, atomStart);
    }
  }

  /** Emits one atom; returns false when it emitted something that cannot be quantified. */
  atom(f: Flags, depth: number): boolean {
    const p = this.p;
    const c = p[this.i]!;
    switch (c) {
      case '(':
        return this.group(f, depth);
      case '[': {
        this.i++;
        this.out += this.charClass(f);
        return true;
      }
      case '.':
        this.i++;
        this.out += f.s ? '[\\s\\S]' : f.d ? '[^\\n]' : `[^${LINE_TERMS}]`;
        return true;
      case '^':
        this.i++;
        this.out += f.m ? (f.d ? '(?<=^|\\n)' : `(?:^|(?<=[${LINE_TERMS}])(?!$))`) : '^';
        return false;
      case '$':
        this.i++;
        this.out += f.m ? (f.d ? '(?=\\n|$)' : `(?=[${LINE_TERMS}]|$)`) : f.d ? '(?=\\n?$)' : `(?=(?:\\r\\n|[${LINE_TERMS}])?$)`;
        return false;
      case '\\':
        return this.escape(f);
      case '*':
      case '+':
      case '?':
        this.fail(`Dangling meta character '${c}'`);
        break;
      case '{':
        this.fail('Illegal repetition');
        break;
    }
    const cp = this.cpAt(this.i);
    this.i += cp > 0xffff ? 2 : 1;
    this.out += litOut(cp, f.i);
    return true;
  }

  group(f: Flags, depth: number): boolean {
    const p = this.p;
    const start = this.i;
    this.i++;
    if (p[this.i] !== '?') {
      const num = ++this.javaGroups;
      this.groups.push({ pos: this.out.length, java: num });
      this.out += '(';
      this.alternation(f, depth + 1);
      this.closeGroup(start);
      return true;
    }
    this.i++;
    const k = p[this.i];
    if (k === ':' || k === '=' || k === '!') {
      this.i++;
      this.out += `(?${k}`;
      this.alternation(f, depth + 1);
      this.closeGroup(start);
      return true;
    }
    if (k === '<' && (p[this.i + 1] === '=' || p[this.i + 1] === '!')) {
      this.out += `(?<${p[this.i + 1]}`;
      this.i += 2;
      this.alternation(f, depth + 1);
      this.closeGroup(start);
      return true;
    }
    if (k === '<') {
      const m = /^<([a-zA-Z][a-zA-Z0-9]*)>/.exec(p.slice(this.i));
      if (!m) this.fail('named capturing group is missing trailing \'>\'');
      this.i += m[0].length;
      const num = ++this.javaGroups;
      if (this.groups.some((g) => g.name === m[1])) this.fail(`Named capturing group <${m[1]}> is already defined`);
      this.groups.push({ pos: this.out.length, java: num, name: m[1]! });
      this.out += '(';
      this.alternation(f, depth + 1);
      this.closeGroup(start);
      return true;
    }
    if (k === '>') {
      this.i++;
      const atomStart = this.out.length;
      this.out += '(?:';
      this.alternation(f, depth + 1);
      this.closeGroup(start);
      this.makeAtomic(atomStart);
      return true;
    }
    // flags: (?idmsux-idmsux) or (?flags:X)
    const m = /^([idmsuxU]*)(?:-([idmsuxU]*))?([:)])/.exec(p.slice(this.i));
    if (!m) this.fail('Unknown inline modifier');
    this.i += m[0].length;
    const nf = { ...f };
    for (const ch of m[1]!) if (ch in nf) (nf as unknown as Record<string, boolean>)[ch] = true;
    for (const ch of m[2] ?? '') if (ch in nf) (nf as unknown as Record<string, boolean>)[ch] = false;
    if (m[3] === ')') {
      // applies to the rest of the enclosing group
      Object.assign(f, nf);
      return false;
    }
    this.out += '(?:';
    this.alternation(nf, depth + 1);
    this.closeGroup(start);
    return true;
  }

  closeGroup(start: number): void {
    if (this.p[this.i] !== ')') this.fail('Unclosed group', start);
    this.i++;
    this.out += ')';
  }

  /** Escape sequence outside a class. */
  escape(f: Flags): boolean {
    const p = this.p;
    const c = p[this.i + 1];
    if (c === undefined) this.fail('Unexpected internal error', this.i);
    // \Q...\E
    if (c === 'Q') {
      this.i += 2;
      const end = p.indexOf('\\E', this.i);
      const lit = end < 0 ? p.slice(this.i) : p.slice(this.i, end);
      this.i = end < 0 ? p.length : end + 2;
      if (!lit) return false;
      const atoms = Array.from(lit, (ch) => litOut(ch.codePointAt(0)!, f.i));
      // only the last char is the quantifiable atom
      this.out += atoms.slice(0, -1).join('');
      this.out += atoms[atoms.length - 1];
      return true;
    }
    switch (c) {
      case 'b':
      case 'B':
        this.i += 2;
        this.out += `\\${c}`;
        return false;
      case 'A':
        this.i += 2;
        this.out += '^';
        return false;
      case 'z':
        this.i += 2;
        this.out += '$';
        return false;
      case 'Z':
        this.i += 2;
        this.out += f.d ? '(?=\\n?$)' : `(?=(?:\\r\\n|[${LINE_TERMS}])?$)`;
        return false;
      case 'G':
        this.i += 2;
        this.out += '^';
        return false;
      case 'R':
        this.i += 2;
        this.out += '(?:\\r\\n|[\\n\\x0B\\f\\r\\u0085\\u2028\\u2029])';
        return true;
      case 'k': {
        const m = /^\\k<([a-zA-Z][a-zA-Z0-9]*)>/.exec(p.slice(this.i));
        if (!m) this.fail('\\k is not followed by \'<\' for named capturing group');
        const g = this.groups.find((x) => x.name === m[1]);
        if (!g) this.fail(`named capturing group <${m[1]}> does not exist`);
        this.i += m[0].length;
        this.out += `\u0000${g.java}\u0000`;
        return true;
      }
    }
    if (c >= '1' && c <= '9') {
      // back reference: Java takes as many digits as form a valid group number
      let j = this.i + 2;
      let num = Number(c);
      while (j < p.length && p[j]! >= '0' && p[j]! <= '9') {
        const next = num * 10 + Number(p[j]);
        if (next > this.javaGroups) break;
        num = next;
        j++;
      }
      this.i = j;
      this.out += num <= this.javaGroups ? `\u0000${num}\u0000` : '(?!)';
      return true;
    }
    this.ci = f.i;
    const cls = this.classEscape(true);
    if (cls !== undefined) {
      this.out += cls;
      return true;
    }
    const cp = this.escapedChar();
    this.out += litOut(cp, f.i);
    return true;
  }

  /** \d \w \s \p{..} etc. at this.i (a backslash); returns a v-mode class or undefined. */
  classEscape(outside: boolean): string | undefined {
    const p = this.p;
    const c = p[this.i + 1];
    const wrap = (s: string) => (outside ? s : s);
    switch (c) {
      case 'd': this.i += 2; return wrap('[0-9]');
      case 'D': this.i += 2; return wrap('[^0-9]');
      case 'w': this.i += 2; return wrap('[a-zA-Z_0-9]');
      case 'W': this.i += 2; return wrap('[^a-zA-Z_0-9]');
      case 's': this.i += 2; return wrap(JAVA_SPACE);
      case 'S': this.i += 2; return wrap('[^ \\t\\n\\x0B\\f\\r]');
      case 'h': this.i += 2; return '[ \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000]';
      case 'H': this.i += 2; return '[^ \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000]';
      case 'v': this.i += 2; return '[\\n\\x0B\\f\\r\\u0085\\u2028\\u2029]';
      case 'V': this.i += 2; return '[^\\n\\x0B\\f\\r\\u0085\\u2028\\u2029]';
      case 'p':
      case 'P': {
        const neg = c === 'P';
        let name: string;
        if (p[this.i + 2] === '{') {
          const end = p.indexOf('}', this.i + 3);
          if (end < 0) this.fail('Unclosed character family');
          name = p.slice(this.i + 3, end);
          this.i = end + 1;
        } else {
          name = p[this.i + 2] ?? '';
          this.i += 3;
        }
        return this.property(name, neg, this.ci);
      }
    }
    return undefined;
  }

  property(raw: string, neg: boolean, ci = false): string {
    let name = raw;
    let body: string | undefined;
    let posixName = name.startsWith('Is') && POSIX[name.slice(2)] ? name.slice(2) : name;
    // under (?i) Java's POSIX Upper/Lower match letters of either case
    if (ci && (posixName === 'Upper' || posixName === 'Lower')) posixName = 'Alpha';
    const posix = POSIX[posixName];
    if (posix) body = `[${posix}]`;
    else {
      if (name.startsWith('Is')) name = name.slice(2);
      if (name.startsWith('general_category=') || name.startsWith('gc=')) name = name.slice(name.indexOf('=') + 1);
      if (name.startsWith('script=') || name.startsWith('sc=')) body = `\\p{Script=${name.slice(name.indexOf('=') + 1)}}`;
      else if (GENERAL_CATEGORIES.has(name)) body = `\\p{${name}}`;
      else if (UNICODE_PROPS[name]) body = `\\p{${UNICODE_PROPS[name]}}`;
      else if (name === 'LC') body = '[\\p{Lu}\\p{Ll}\\p{Lt}]';
      else if (/^[A-Z][a-z]+$/.test(name)) {
        // script names (IsLatin, IsGreek, ...)
        try {
          new RegExp(`\\p{Script=${name}}`, 'v');
          body = `\\p{Script=${name}}`;
        } catch {
          /* fall through */
        }
      }
    }
    if (!body) this.fail(`Unknown character property name {${raw}}`);
    if (!neg) return body;
    if (body.startsWith('[')) return `[^${body.slice(1)}`;
    return body.replace('\\p', '\\P');
  }

  /** A single escaped character at this.i (backslash); advances. */
  escapedChar(): number {
    const p = this.p;
    const c = p[this.i + 1]!;
    const start = this.i;
    this.i += 2;
    switch (c) {
      case 't': return 9;
      case 'n': return 10;
      case 'r': return 13;
      case 'f': return 12;
      case 'a': return 7;
      case 'e': return 27;
      case '0': {
        const m = /^[0-7]{1,3}/.exec(p.slice(this.i));
        if (!m) this.fail('Illegal octal escape sequence', start);
        let digits = m[0];
        if (digits.length === 3 && Number(digits[0]) > 3) digits = digits.slice(0, 2);
        this.i += digits.length;
        return parseInt(digits, 8);
      }
      case 'x': {
        if (p[this.i] === '{') {
          const end = p.indexOf('}', this.i);
          const hex = end < 0 ? '' : p.slice(this.i + 1, end);
          if (!/^[0-9a-fA-F]{1,6}$/.test(hex) || parseInt(hex, 16) > 0x10ffff) this.fail('Illegal hexadecimal escape sequence', start);
          this.i = end + 1;
          return parseInt(hex, 16);
        }
        const hex = p.slice(this.i, this.i + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) this.fail('Illegal hexadecimal escape sequence', start);
        this.i += 2;
        return parseInt(hex, 16);
      }
      case 'u': {
        const hex = p.slice(this.i, this.i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Illegal Unicode escape sequence', start);
        this.i += 4;
        return parseInt(hex, 16);
      }
      case 'c': {
        const ch = p[this.i];
        if (ch === undefined) this.fail('Illegal control escape sequence', start);
        this.i++;
        return ch.charCodeAt(0) ^ 64;
      }
    }
    if (isAsciiLetter(c.charCodeAt(0))) this.fail('Illegal/unsupported escape sequence', start + 1);
    const cp = p.codePointAt(start + 1)!;
    this.i = start + 1 + (cp > 0xffff ? 2 : 1);
    return cp;
  }

  /** After '['. Returns a v-mode class expression. */
  charClass(f: Flags): string {
    const p = this.p;
    const start = this.i - 1;
    let negate = false;
    if (p[this.i] === '^') {
      negate = true;
      this.i++;
    }
    const operands: string[][] = [[]];
    let first = true;
    for (;;) {
      if (this.i >= p.length) this.fail('Unclosed character class', p.length - 1);
      const c = p[this.i]!;
      if (c === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      if (c === '[') {
        this.i++;
        operands[operands.length - 1]!.push(this.charClass(f));
        continue;
      }
      if (c === '&' && p[this.i + 1] === '&') {
        this.i += 2;
        operands.push([]);
        continue;
      }
      if (f.x && (c === ' ' || c === '\t' || c === '\n' || c === '\r')) {
        this.i++;
        continue;
      }
      let lo: number;
      if (c === '\\') {
        if (p[this.i + 1] === 'Q') {
          this.i += 2;
          const end = p.indexOf('\\E', this.i);
          const lit = end < 0 ? p.slice(this.i) : p.slice(this.i, end);
          this.i = end < 0 ? p.length : end + 2;
          for (const ch of lit) operands[operands.length - 1]!.push(this.classLit(ch.codePointAt(0)!, f));
          continue;
        }
        this.ci = f.i;
        const cls = this.classEscape(false);
        if (cls !== undefined) {
          operands[operands.length - 1]!.push(cls);
          continue;
        }
        lo = this.escapedChar();
      } else {
        lo = this.cpAt(this.i);
        this.i += lo > 0xffff ? 2 : 1;
      }
      // range?
      if (p[this.i] === '-' && p[this.i + 1] !== ']' && p[this.i + 1] !== undefined && p[this.i + 1] !== '[') {
        const save = this.i;
        this.i++;
        let hi: number;
        if (p[this.i] === '\\') {
          if (/[dDwWsSpPhHvV]/.test(p[this.i + 1] ?? '')) {
            this.i = save;
            operands[operands.length - 1]!.push(this.classLit(lo, f));
            continue;
          }
          hi = this.escapedChar();
        } else {
          hi = this.cpAt(this.i);
          this.i += hi > 0xffff ? 2 : 1;
        }
        if (hi < lo) this.fail('Illegal character range', this.i - 1);
        operands[operands.length - 1]!.push(this.classRange(lo, hi, f));
        continue;
      }
      operands[operands.length - 1]!.push(this.classLit(lo, f));
    }
    void start;
    const parts = operands.map((items) => (items.length ? `[${items.join('')}]` : ''));
    const nonEmpty = parts.filter((x) => x !== '');
    let body: string;
    if (nonEmpty.length === 0) body = '[]';
    else if (nonEmpty.length === 1) body = nonEmpty[0]!;
    else body = `[${nonEmpty.join('&&')}]`;
    if (negate) return `[^${body}]`;
    return body;
  }

  classLit(cp: number, f: Flags): string {
    if (f.i && isAsciiLetter(cp)) {
      const lo = String.fromCharCode(cp | 32);
      return lo + lo.toUpperCase();
    }
    return litIn(cp);
  }

  classRange(lo: number, hi: number, f: Flags): string {
    let s = `${litIn(lo)}-${litIn(hi)}`;
    if (f.i) {
      // add the other case of the ASCII letters the range covers
      const add = (a: number, b: number, delta: number) => {
        const x = Math.max(lo, a);
        const y = Math.min(hi, b);
        if (x <= y) s += `${litIn(x + delta)}-${litIn(y + delta)}`;
      };
      add(65, 90, 32);
      add(97, 122, -32);
    }
    return s;
  }
}

const translated = new Map<string, TranslatedRegex>();

/** Translate a Java regex to JS (cached). Throws JavaRegexError when Java would reject it. */
export function translateJavaRegex(pattern: string): TranslatedRegex {
  let t = translated.get(pattern);
  if (!t) {
    t = new Translator(pattern).translate({ i: false, s: false, m: false, x: false, d: false });
    try {
      new RegExp(t.source, t.flags);
    } catch (e) {
      throw new JavaRegexError(`Unsupported pattern (${(e as Error).message})`, pattern, 0);
    }
    if (translated.size > 2000) translated.clear();
    translated.set(pattern, t);
  }
  return t;
}

const compiled = new Map<string, RegExp>();

/** A RegExp for a Java pattern; `whole` anchors it like Matcher.matches(). */
export function javaRegex(pattern: string, global: boolean, whole = false): RegExp {
  const key = `${global ? 'g' : ''}${whole ? 'w' : ''}:${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    const t = translateJavaRegex(pattern);
    re = new RegExp(whole ? `^(?:${t.source})$` : t.source, t.flags + (global ? 'g' : ''));
    if (compiled.size > 2000) compiled.clear();
    compiled.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

/** Compile a Java regex that must match the whole input (Matcher.matches()). */
export function compileWholeMatch(pattern: string): RegExp {
  return javaRegex(pattern, false, true);
}

/** Java's Matcher.replaceAll/replaceFirst replacement syntax ($n, ${name}, \x) as a JS replacer function. */
export function javaReplacement(pattern: string, replacement: string): (match: string, ...rest: unknown[]) => string {
  // Matcher.appendReplacement parses the replacement only when there is a match
  let fn: ((match: string, ...rest: unknown[]) => string) | undefined;
  return (match: string, ...rest: unknown[]) => {
    fn ??= parseReplacement(pattern, replacement);
    return fn(match, ...rest);
  };
}

function parseReplacement(pattern: string, replacement: string): (match: string, ...rest: unknown[]) => string {
  const t = translateJavaRegex(pattern);
  // pre-parse the replacement into literal pieces and group references
  const pieces: Array<string | number> = [];
  let lit = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\') {
      i++;
      if (i >= replacement.length) throw new JavaRegexArgError('character to be escaped is missing');
      lit += replacement[i];
      continue;
    }
    if (c === '$') {
      i++;
      if (i >= replacement.length) throw new JavaRegexArgError('Illegal group reference: group index is missing');
      if (replacement[i] === '{') {
        const end = replacement.indexOf('}', i);
        const name = end < 0 ? '' : replacement.slice(i + 1, end);
        if (end < 0 || !/^[a-zA-Z][a-zA-Z0-9]*$/.test(name)) throw new JavaRegexArgError("named capturing group is missing trailing '}'");
        const js = t.names.get(name);
        if (js === undefined) throw new JavaRegexArgError(`No group with name {${name}}`);
        if (lit) pieces.push(lit);
        lit = '';
        pieces.push(js);
        i = end;
        continue;
      }
      const d = replacement.charCodeAt(i) - 48;
      if (d < 0 || d > 9) throw new JavaRegexArgError('Illegal group reference');
      let num = d;
      while (i + 1 < replacement.length) {
        const nd = replacement.charCodeAt(i + 1) - 48;
        if (nd < 0 || nd > 9) break;
        const next = num * 10 + nd;
        if (next > t.groupCount) break;
        num = next;
        i++;
      }
      if (num > t.groupCount) throw new JavaRegexArgError(`No group ${num}`);
      if (lit) pieces.push(lit);
      lit = '';
      pieces.push(t.groupMap[num]!);
      continue;
    }
    lit += c;
  }
  if (lit) pieces.push(lit);
  return (match: string, ...rest: unknown[]) => {
    let s = '';
    for (const piece of pieces) {
      if (typeof piece === 'string') s += piece;
      else if (piece === 0) s += match;
      else {
        const g = rest[piece - 1];
        if (typeof g === 'string') s += g;
      }
    }
    return s;
  };
}

/** IllegalArgumentException / IndexOutOfBoundsException from the replacement string. */
export class JavaRegexArgError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IllegalArgumentException';
  }
}

/** String.replaceAll / replaceFirst */
export function javaReplace(s: string, pattern: string, replacement: string, all: boolean): string {
  const re = javaRegex(pattern, all);
  const fn = javaReplacement(pattern, replacement);
  return s.replace(re, fn as (substring: string, ...args: unknown[]) => string);
}

/** String.split(regex, limit) with Java semantics (Pattern.split). */
export function javaSplit(s: string, pattern: string, limit: number): string[] {
  const re = javaRegex(pattern, true);
  const out: string[] = [];
  const limited = limit > 0;
  let index = 0;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while ((m = re.exec(s)) !== null) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[0].length === 0) re.lastIndex = start + 1;
    if (!limited || out.length < limit - 1) {
      if (index === 0 && start === 0 && start === end) continue;
      out.push(s.slice(index, start));
      index = end;
    } else break;
  }
  if (index === 0) return [s];
  out.push(s.slice(index));
  if (limit === 0) {
    let n = out.length;
    while (n > 0 && out[n - 1] === '') n--;
    out.length = n;
  }
  return out;
}
