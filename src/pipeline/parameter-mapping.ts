// Parameter mapping (§7.1, §3.5, §4.4, §7.2):
//   requestParameters  integration.request.{path|querystring|header}.X → source
//   responseParameters method.response.header.X                      → source
// plus `${stageVariables.x}` substitution and integration uri rendering.
//
// Rules (see docs/fidelity.md "HTTP/MOCK:" entries):
// - header lookups are case-sensitive (§7.1 OBS [LS-pm], [D-notes]);
// - a source that resolves to nothing (or to '') is skipped;
// - single-value sources take the last value when a name repeats;
// - `multivalue*` sources: query → one pair per value, header → comma-joined;
// - JSON bodies are parsed only when they start with { [ " ' (§3.5 OBS);
// - objects/arrays picked by a JSONPath are mapped as JSON text.

import type { IntegrationType } from '../definition/model.js';
import { DROPPED_REQUEST_HEADERS } from '../lambda/proxy-event.js';
import { GatewayError } from './types.js';
import type { EndpointResult, Pairs, RequestContext } from './types.js';

export interface MappedRequestParameters {
  readonly headers: Pairs;
  readonly querystring: Pairs;
  readonly path: Record<string, string>;
}

/** Integration request headers a mapping may not set (§7.1 OBS [LS-iq]). */
const RESERVED_TARGET_HEADERS = ['content-length', 'transfer-encoding', 'x-amzn-trace-id', 'x-amzn-apigateway-api-id'];
const RESERVED_TARGET_HEADERS_AWS = [...RESERVED_TARGET_HEADERS, 'authorization', 'connection', 'expect', 'proxy-authenticate', 'te'];

const STAGE_VARIABLE = /\$\{stageVariables\.([^}]*)\}/g;

/** `${stageVariables.x}` → value; unknown variables become '' (§4.4, [LS-help]). */
export function substituteStageVariables(text: string, stageVariables: Readonly<Record<string, string>>): string {
  if (!text.includes('${stageVariables.')) return text;
  return text.replace(STAGE_VARIABLE, (_m, name: string) =>
    Object.prototype.hasOwnProperty.call(stageVariables, name) ? stageVariables[name]! : '',
  );
}

/**
 * Percent-encodes a path parameter value for the backend URL: every character
 * outside RFC 3986 `pchar` and `/` is encoded, `%` included (values arrive
 * decoded, §8 "`%` is re-encoded when sent to backends").
 */
export function encodePathValue(value: string): string {
  return encodeURIComponent(value).replace(/%(2F|3A|40|21|24|26|27|28|29|2A|2B|2C|3B|3D)/g, (_match, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

/**
 * Renders an integration uri (§7.2): `{name}` (or `{name+}`) placeholders are filled from the
 * mapped `integration.request.path.*` values (percent-encoded), then
 * `${stageVariables.x}` is substituted. Unmapped placeholders stay literal.
 */
export function renderIntegrationUri(
  uri: string,
  pathParameters: Readonly<Record<string, string>>,
  stageVariables: Readonly<Record<string, string>>,
): string {
  const filled = uri.replace(/\{([^{}+]+)\+?\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(pathParameters, name) ? encodePathValue(pathParameters[name]!) : whole,
  );
  return substituteStageVariables(filled, stageVariables);
}

// ---------------------------------------------------------------------------
// Value helpers

/** A resolved source: one value, several (multi-value query), or nothing. */
type Resolved = string | readonly string[] | undefined;

function stringify(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Map) return JSON.stringify(Object.fromEntries(value));
  return JSON.stringify(value);
}

function lastValue(pairs: Pairs, name: string, skip?: (name: string) => boolean): string | undefined {
  let found: string | undefined;
  for (const [k, v] of pairs) if (k === name && !skip?.(k)) found = v;
  return found;
}

function allValues(pairs: Pairs, name: string, skip?: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const [k, v] of pairs) if (k === name && !skip?.(k)) out.push(v);
  return out;
}

const isDroppedRequestHeader = (name: string): boolean => DROPPED_REQUEST_HEADERS.has(name.toLowerCase());

/**
 * Splits a dotted/bracketed path as used after `body.` / `context.`:
 * `a.b[0]['c d']["e"]`. Returns undefined when malformed. A leading `$` or `$.` is tolerated.
 */
export function parseSimplePath(path: string): Array<string | number> | undefined {
  let p = path;
  if (p.startsWith('$.')) p = p.slice(2);
  else if (p === '$') return [];
  const out: Array<string | number> = [];
  let i = 0;
  let expectName = true;
  while (i < p.length) {
    const c = p[i]!;
    if (c === '[') {
      const close = p.indexOf(']', i);
      if (close === -1) return undefined;
      const inner = p.slice(i + 1, close).trim();
      if ((inner.startsWith("'") && inner.endsWith("'")) || (inner.startsWith('"') && inner.endsWith('"'))) {
        if (inner.length < 2) return undefined;
        out.push(inner.slice(1, -1));
      } else if (/^\d+$/.test(inner)) {
        out.push(Number(inner));
      } else {
        return undefined;
      }
      i = close + 1;
      expectName = false;
    } else if (c === '.') {
      if (expectName) return undefined;
      i++;
      expectName = true;
      if (i >= p.length) return undefined;
    } else {
      if (!expectName && out.length > 0) return undefined;
      let j = i;
      while (j < p.length && p[j] !== '.' && p[j] !== '[') j++;
      out.push(p.slice(i, j));
      i = j;
      expectName = false;
    }
  }
  return out;
}

function step(value: unknown, key: string | number): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (typeof key === 'number') return value[key];
    return undefined;
  }
  if (value instanceof Map) return value.get(String(key));
  if (typeof value === 'object') {
    const k = String(key);
    return Object.prototype.hasOwnProperty.call(value, k) ? (value as Record<string, unknown>)[k] : undefined;
  }
  return undefined;
}

function walk(root: unknown, path: ReadonlyArray<string | number>, deserializeErrorMessage = false): unknown {
  let value = root;
  for (let i = 0; i < path.length; i++) {
    value = step(value, path[i]!);
    if (
      deserializeErrorMessage &&
      i === 0 &&
      path[0] === 'errorMessage' &&
      path.length > 1 &&
      typeof value === 'string'
    ) {
      // §3.5 / [D-lambdaerr]: for Lambda custom errors, header mappings see errorMessage's JSON deserialised.
      const t = value.trim();
      if (t.startsWith('{') || t.startsWith('[')) {
        try {
          value = JSON.parse(t);
        } catch {
          return undefined;
        }
      }
    }
    if (value === undefined) return undefined;
  }
  return value;
}

/** Does the payload look like JSON to API Gateway (§3.5 OBS: starts with { [ " ')? */
function looksLikeJson(text: string): boolean {
  const c = text[0];
  return c === '{' || c === '[' || c === '"' || c === "'";
}

/** Parses a body for `body.<path>` lookups; `undefined` result = not JSON-looking (treated as `{}`). */
function parseBody(text: string, onInvalid: () => never): unknown {
  if (!looksLikeJson(text)) return {};
  try {
    return JSON.parse(text);
  } catch {
    return onInvalid();
  }
}

function fromVariablesOrStatic(source: string, ctx: RequestContext): Resolved | null {
  if (source.startsWith('stageVariables.')) {
    const name = source.slice('stageVariables.'.length);
    return Object.prototype.hasOwnProperty.call(ctx.stageVariables, name) ? ctx.stageVariables[name] : undefined;
  }
  if (source.startsWith('context.')) {
    const path = parseSimplePath(source.slice('context.'.length));
    return path ? stringify(walk(ctx.context, path)) : undefined;
  }
  if (source.length >= 2 && source.startsWith("'") && source.endsWith("'")) return source.slice(1, -1);
  return null; // not a variable/static form
}

function nonEmpty(value: Resolved): value is string | readonly string[] {
  if (value === undefined) return false;
  if (typeof value === 'string') return value !== '';
  return value.some((v) => v !== '');
}

// ---------------------------------------------------------------------------
// Request side

/**
 * What a request-side source expression (`method.request.header.X`, `…querystring.X`, `stageVariables.X`,
 * `context.X`) gives for this request, as parameter mappings read it: undefined when absent.
 */
export function requestSourceValue(source: string, ctx: RequestContext): string | readonly string[] | undefined {
  return resolveRequestSource(source, ctx, {});
}

function resolveRequestSource(source: string, ctx: RequestContext, bodyCache: { text?: string; json?: unknown }): Resolved {
  if (!source.startsWith('method.request.')) {
    const v = fromVariablesOrStatic(source, ctx);
    return v === null ? undefined : v;
  }
  const expr = source.slice('method.request.'.length);
  if (expr === 'body' || expr.startsWith('body.')) {
    if (bodyCache.text === undefined) bodyCache.text = ctx.request.body.toString('utf8').trim();
    const text = bodyCache.text;
    if (!('json' in bodyCache)) {
      bodyCache.json = parseBody(text, () => {
        throw new GatewayError('DEFAULT_4XX', 'Invalid JSON in request body', 400, `method.request.body mapping: body is not valid JSON`);
      });
    }
    if (expr === 'body') return text === '' ? undefined : text;
    const path = parseSimplePath(expr.slice('body.'.length));
    return path ? stringify(walk(bodyCache.json, path)) : undefined;
  }
  const dot = expr.indexOf('.');
  if (dot === -1) return undefined;
  const kind = expr.slice(0, dot);
  const name = expr.slice(dot + 1);
  switch (kind) {
    case 'path':
      return Object.prototype.hasOwnProperty.call(ctx.route.pathParameters, name) ? ctx.route.pathParameters[name] : undefined;
    case 'querystring':
      return lastValue(ctx.request.query, name);
    case 'multivaluequerystring': {
      const values = allValues(ctx.request.query, name);
      return values.length === 0 ? undefined : values;
    }
    case 'header':
      return lastValue(ctx.request.headers, name, isDroppedRequestHeader);
    case 'multivalueheader': {
      const values = allValues(ctx.request.headers, name, isDroppedRequestHeader);
      return values.length === 0 ? undefined : values.join(',');
    }
    default:
      return undefined;
  }
}

/**
 * Applies `integration.request.*` mappings (§7.1). Throws GatewayError
 * DEFAULT_4XX 400 "Invalid JSON in request body" when a `method.request.body*`
 * source meets a JSON-looking but invalid body, and API_CONFIGURATION_ERROR
 * when a mapping targets a reserved header.
 */
export function mapRequestParameters(
  mappings: Readonly<Record<string, string>>,
  ctx: RequestContext,
): MappedRequestParameters {
  const headers: Array<[string, string]> = [];
  const querystring: Array<[string, string]> = [];
  const path: Record<string, string> = {};
  const bodyCache: { text?: string; json?: unknown } = {};
  const integrationType: IntegrationType | undefined = ctx.route.method.integration?.type;
  const reserved = integrationType === 'AWS' || integrationType === 'AWS_PROXY' ? RESERVED_TARGET_HEADERS_AWS : RESERVED_TARGET_HEADERS;

  for (const [target, source] of Object.entries(mappings)) {
    if (!target.startsWith('integration.request.')) continue;
    const rest = target.slice('integration.request.'.length);
    const dot = rest.indexOf('.');
    if (dot === -1) continue;
    const location = rest.slice(0, dot);
    const name = rest.slice(dot + 1);
    if (name === '' || (location !== 'header' && location !== 'querystring' && location !== 'path')) continue;

    const value = resolveRequestSource(source, ctx, bodyCache);
    if (!nonEmpty(value)) continue;

    if (location === 'header') {
      if (reserved.includes(name.toLowerCase())) {
        throw new GatewayError(
          'API_CONFIGURATION_ERROR',
          'Internal server error',
          undefined,
          `Execution failed due to configuration error: ${name} header already present`,
        );
      }
      headers.push([name, typeof value === 'string' ? value : value.join(',')]);
    } else if (location === 'querystring') {
      if (typeof value === 'string') querystring.push([name, value]);
      else for (const v of value) querystring.push([name, v]);
    } else {
      path[name] = typeof value === 'string' ? value : value[value.length - 1]!;
    }
  }
  return { headers, querystring, path };
}

// ---------------------------------------------------------------------------
// Response side

function resolveResponseSource(
  source: string,
  endpoint: EndpointResult,
  ctx: RequestContext,
  bodyCache: { text?: string; json?: unknown },
): string | undefined {
  if (!source.startsWith('integration.response.')) {
    const v = fromVariablesOrStatic(source, ctx);
    return v === null || v === undefined ? undefined : typeof v === 'string' ? v : v.join(',');
  }
  const expr = source.slice('integration.response.'.length);
  if (expr === 'body' || expr.startsWith('body.')) {
    if (bodyCache.text === undefined) bodyCache.text = endpoint.body.toString('utf8').trim();
    const text = bodyCache.text;
    if (!('json' in bodyCache)) {
      bodyCache.json = parseBody(text, () => {
        throw new GatewayError(
          'API_CONFIGURATION_ERROR',
          'Internal server error',
          undefined,
          'Execution failed due to configuration error: integration response body is not valid JSON',
        );
      });
    }
    if (expr === 'body') return text === '' ? undefined : text;
    const path = parseSimplePath(expr.slice('body.'.length));
    const isLambda = ctx.route.method.integration?.type === 'AWS';
    return path ? stringify(walk(bodyCache.json, path, isLambda)) : undefined;
  }
  const dot = expr.indexOf('.');
  if (dot === -1) return undefined;
  const kind = expr.slice(0, dot);
  const name = expr.slice(dot + 1);
  if (kind === 'header') return lastValue(endpoint.headers, name);
  if (kind === 'multivalueheader') {
    const values = allValues(endpoint.headers, name);
    return values.length === 0 ? undefined : values.join(',');
  }
  return undefined;
}

/**
 * Applies `method.response.header.*` mappings of the selected integration
 * response (§3.5). Returns the method response headers in mapping order.
 * Throws API_CONFIGURATION_ERROR (500) when a body lookup meets a
 * JSON-looking but invalid endpoint body.
 */
export function mapResponseParameters(
  mappings: Readonly<Record<string, string>>,
  endpoint: EndpointResult,
  ctx: RequestContext,
): Pairs {
  const out: Array<[string, string]> = [];
  const bodyCache: { text?: string; json?: unknown } = {};
  for (const [target, source] of Object.entries(mappings)) {
    if (!target.startsWith('method.response.header.')) continue;
    const name = target.slice('method.response.header.'.length);
    if (name === '') continue;
    const value = resolveResponseSource(source, endpoint, ctx, bodyCache);
    if (value === undefined || value === '') continue;
    out.push([name, value]);
  }
  return out;
}
