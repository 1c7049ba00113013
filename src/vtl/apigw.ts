// API Gateway's template variables (§4): $input, $util, $context (with the
// requestOverride / responseOverride maps of §4.5) and $stageVariables.

import { parseJson, toJson } from './json.js';
import { readJsonPath } from './jsonpath.js';
import { isJsonArray, markJsonArray, type JavaValue } from './values.js';
import { HostObject, JavaException, NO_METHOD, fromPlain, toJavaString, type CallResult } from './runtime.js';
import { RenderFailure } from './compile.js';

function wrapJsonError(e: unknown, what: string): never {
  if (e instanceof JavaException) throw e;
  const err = e as Error;
  throw new JavaException(err.name || 'RuntimeException', `${what}: ${err.message}`);
}

/** $input */
export class InputObject extends HostObject {
  readonly javaClass = 'com.amazonaws.apigateway.InputObject';
  private doc: JavaValue | undefined;
  private paramsMap: Map<string, unknown> | undefined;
  constructor(
    readonly body: string,
    readonly params: { path: Record<string, string>; querystring: Record<string, string>; header: Record<string, string> },
  ) {
    super();
  }

  private document(): JavaValue {
    if (this.doc === undefined) {
      // Empty body: treated as an empty JSON object (as LocalStack does; AWS UNCONFIRMED, §4.1)
      const text = this.body.trim() === '' ? '{}' : this.body;
      try {
        this.doc = parseJson(text, true);
      } catch (e) {
        wrapJsonError(e, 'Invalid JSON in body');
      }
    }
    return this.doc!;
  }

  /** Jayway read; undefined when a definite path matches nothing (PathNotFoundException). */
  read(p: string): JavaValue | undefined {
    try {
      // the document's own lists are already marked; only a result list built by the path is new
      const v = readJsonPath(this.document(), p);
      if (Array.isArray(v) && !isJsonArray(v)) markJsonArray(v);
      return v;
    } catch (e) {
      if (e instanceof Error && e.name === 'PathNotFoundError') return undefined;
      wrapJsonError(e, `JSONPath ${p}`);
    }
  }

  /** $input.path(p): the value; a missing path gives null (renders empty). */
  path(p: string): JavaValue {
    const v = this.read(p);
    return v === undefined ? null : v;
  }

  /** $input.json(p): compact JSON; a missing path gives "". */
  json(p: string): string {
    const v = this.read(p);
    return v === undefined ? '' : toJson(v);
  }

  call(name: string, args: unknown[]): CallResult {
    const n = args.length;
    switch (name) {
      case 'getBody':
        if (n === 0) return this.body;
        break;
      case 'json':
        if (n === 1 && typeof args[0] === 'string') return this.json(args[0]);
        break;
      case 'path':
        if (n === 1 && typeof args[0] === 'string') return this.path(args[0]);
        break;
      case 'params':
        if (n === 0) return this.allParams();
        if (n === 1 && typeof args[0] === 'string') return this.param(args[0]);
        break;
      case 'toString':
        if (n === 0) return this.toJavaString();
        break;
    }
    return NO_METHOD;
  }

  allParams(): Map<string, unknown> {
    if (!this.paramsMap) {
      const m = new Map<string, unknown>();
      m.set('path', fromPlain(this.params.path));
      m.set('querystring', fromPlain(this.params.querystring));
      m.set('header', fromPlain(this.params.header));
      this.paramsMap = m;
    }
    return this.paramsMap;
  }

  /** path → querystring → header; header names match case-insensitively; missing → "". */
  param(name: string): string {
    const { path, querystring, header } = this.params;
    if (Object.hasOwn(path, name)) return path[name]!;
    if (Object.hasOwn(querystring, name)) return querystring[name]!;
    if (Object.hasOwn(header, name)) return header[name]!;
    const lower = name.toLowerCase();
    for (const k of Object.keys(header)) if (k.toLowerCase() === lower) return header[k]!;
    return '';
  }

  toJavaString(): string {
    return 'com.amazonaws.apigateway.InputObject';
  }
}

/** commons-lang 2 StringEscapeUtils.escapeJavaScript */
export function escapeJavaScript(s: string): string {
  // One regex pass copies the runs that need no escaping (a 10 MB base64 body is mostly such a run).
  return s.replace(ESCAPED_JS_CHARS, escapeJsChar);
}

const ESCAPED_JS_CHARS = /[\u0000-\u001f'"\\/\u0080-\uffff]/g;

function escapeJsChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c > 0xfff) return '\\u' + c.toString(16).toUpperCase();
  if (c > 0xff) return '\\u0' + c.toString(16).toUpperCase();
  if (c > 0x7f) return '\\u00' + c.toString(16).toUpperCase();
  switch (c) {
    case 8: return '\\b';
    case 10: return '\\n';
    case 9: return '\\t';
    case 12: return '\\f';
    case 13: return '\\r';
    case 39: return "\\'";
    case 34: return '\\"';
    case 92: return '\\\\';
    case 47: return '\\/';
    default: return (c > 0xf ? '\\u00' : '\\u000') + c.toString(16).toUpperCase();
  }
}

/** java.net.URLEncoder.encode(s, "UTF-8") */
export function urlEncode(s: string): string {
  let out = '';
  const bytes = Buffer.from(s, 'utf8');
  for (const b of bytes) {
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2e || b === 0x2d || b === 0x2a || b === 0x5f) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** java.net.URLDecoder.decode(s, "UTF-8") */
export function urlDecode(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '+') {
      out += ' ';
      i++;
    } else if (c === '%') {
      const bytes: number[] = [];
      while (i < s.length && s[i] === '%') {
        const hex = s.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
          throw new JavaException('java.lang.IllegalArgumentException', `URLDecoder: Illegal hex characters in escape (%) pattern`);
        }
        bytes.push(parseInt(hex, 16));
        i += 3;
      }
      out += Buffer.from(bytes).toString('utf8');
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** java.util.Base64 decoder (strict alphabet, padding optional). */
export function base64Decode(s: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.replace(/=+$/, '').length % 4 === 1) {
    throw new JavaException('java.lang.IllegalArgumentException', 'Illegal base64 character or length');
  }
  return Buffer.from(s, 'base64').toString('utf8');
}

const UTIL_FUNCTIONS = new Set(['escapeJavaScript', 'parseJson', 'urlEncode', 'urlDecode', 'base64Encode', 'base64Decode']);

/** $util */
export class UtilObject extends HostObject {
  readonly javaClass = 'com.amazonaws.apigateway.UtilObject';
  call(name: string, args: unknown[]): CallResult {
    if (args.length !== 1) return NO_METHOD;
    // the functions take a java.lang.String: other argument types find no method
    if (args[0] !== null && typeof args[0] !== 'string') return NO_METHOD;
    const s = args[0] as string | null;
    if (s === null && name !== 'escapeJavaScript' && UTIL_FUNCTIONS.has(name)) {
      throw new JavaException('java.lang.NullPointerException', `$util.${name}(null)`);
    }
    switch (name) {
      case 'escapeJavaScript':
        return s === null ? null : escapeJavaScript(s);
      case 'parseJson':
        if (s === null) return null;
        try {
          return parseJson(s, true);
        } catch (e) {
          wrapJsonError(e, 'Invalid JSON');
        }
        break;
      case 'urlEncode':
        return s === null ? null : urlEncode(s);
      case 'urlDecode':
        return s === null ? null : urlDecode(s);
      case 'base64Encode':
        return s === null ? null : Buffer.from(s, 'utf8').toString('base64');
      case 'base64Decode':
        return s === null ? null : base64Decode(s);
    }
    return NO_METHOD;
  }
  toJavaString(): string {
    return 'com.amazonaws.apigateway.UtilObject';
  }
}

/** One override map ($context.requestOverride.header etc.): each name may be set once per template (§4.5). */
export class OverrideMap extends HostObject {
  readonly javaClass = 'java.util.HashMap';
  readonly values = new Map<string, string>();
  constructor(
    readonly label: string,
    readonly visible: Record<string, string>,
  ) {
    super();
  }
  private get(name: string): string | null {
    if (this.values.has(name)) return this.values.get(name)!;
    return Object.hasOwn(this.visible, name) ? this.visible[name]! : null;
  }
  private put(name: string, v: unknown): void {
    if (this.values.has(name)) {
      throw new RenderFailure(`${this.label}.${name} is overridden more than once in the same template (API Gateway answers 5XX, §4.5)`);
    }
    this.values.set(name, toJavaString(v));
  }
  override getProperty(name: string): CallResult {
    if (name === 'empty') return this.call('isEmpty', []);
    return this.get(name);
  }
  override setProperty(name: string, value: unknown): boolean {
    this.put(name, value);
    return true;
  }
  private merged(): Map<string, string> {
    const m = new Map(Object.entries(this.visible));
    for (const [k, v] of this.values) m.set(k, v);
    return m;
  }
  call(name: string, args: unknown[]): CallResult {
    const n = args.length;
    if (n === 1 && name === 'get') return this.get(String(args[0]));
    if (n === 1 && name === 'containsKey') return this.get(String(args[0])) !== null;
    if (n === 2 && name === 'put') {
      const old = this.get(String(args[0]));
      this.put(String(args[0]), args[1]);
      return old;
    }
    if (n === 0) {
      switch (name) {
        case 'size': return this.merged().size;
        case 'isEmpty': return this.merged().size === 0;
        case 'keySet': return Array.from(this.merged().keys());
        case 'values': return Array.from(this.merged().values());
        case 'toString': return this.toJavaString();
      }
    }
    return NO_METHOD;
  }
  toJavaString(): string {
    return toJavaString(this.merged());
  }
}

export class RequestOverride extends HostObject {
  readonly javaClass = 'java.util.HashMap';
  readonly header: OverrideMap;
  readonly path: OverrideMap;
  readonly querystring: OverrideMap;
  constructor(visible: { header?: Record<string, string>; path?: Record<string, string>; querystring?: Record<string, string> }) {
    super();
    this.header = new OverrideMap('$context.requestOverride.header', visible.header ?? {});
    this.path = new OverrideMap('$context.requestOverride.path', visible.path ?? {});
    this.querystring = new OverrideMap('$context.requestOverride.querystring', visible.querystring ?? {});
  }
  override getProperty(name: string): CallResult {
    if (name === 'header' || name === 'path' || name === 'querystring') return this[name];
    return null;
  }
  call(name: string, args: unknown[]): CallResult {
    if (name === 'get' && args.length === 1) return this.getProperty(String(args[0]));
    if (name === 'toString' && args.length === 0) return this.toJavaString();
    return NO_METHOD;
  }
  toJavaString(): string {
    return `{header=${this.header.toJavaString()}, path=${this.path.toJavaString()}, querystring=${this.querystring.toJavaString()}}`;
  }
}

export class ResponseOverride extends HostObject {
  readonly javaClass = 'java.util.HashMap';
  readonly header: OverrideMap;
  statusSet = false;
  statusValue: unknown = null;
  constructor(visible: { header?: Record<string, string> }) {
    super();
    this.header = new OverrideMap('$context.responseOverride.header', visible.header ?? {});
  }
  override getProperty(name: string): CallResult {
    if (name === 'header') return this.header;
    if (name === 'status') return this.statusValue;
    return null;
  }
  override setProperty(name: string, value: unknown): boolean {
    if (name !== 'status') return false;
    if (this.statusSet) throw new RenderFailure('$context.responseOverride.status is overridden more than once in the same template (API Gateway answers 5XX, §4.5)');
    this.statusSet = true;
    this.statusValue = value;
    return true;
  }
  call(name: string, args: unknown[]): CallResult {
    if (name === 'get' && args.length === 1) return this.getProperty(String(args[0]));
    if (name === 'toString' && args.length === 0) return this.toJavaString();
    return NO_METHOD;
  }
  /** The overriding status: an integer 100–599, else undefined (ignored, LS-ir). */
  status(): number | undefined {
    if (!this.statusSet) return undefined;
    const v = this.statusValue;
    let n: number | undefined;
    if (typeof v === 'number' && Number.isInteger(v)) n = v;
    else if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) n = Number(v.trim());
    return n !== undefined && n >= 100 && n <= 599 ? n : undefined;
  }
  toJavaString(): string {
    const st = this.statusValue === null ? '' : `, status=${toJavaString(this.statusValue)}`;
    return `{header=${this.header.toJavaString()}${st}}`;
  }
}
