// The REST API (payload format 1.0) proxy event (§5.1), built from its sources.
//
// The gateway gathers what an event is made of (ProxyEventSource: the client's
// headers and query pairs as received, the route's parameters, the $context
// values the event carries, the body) and the event is built from that where it
// is needed. A worker instance gets the source in a compact form, a JSON array,
// and builds the event itself: the gateway's thread only gathers and writes it.
// Anything else (a process instance, a remote endpoint, the 6 MB check near the
// limit) gets the event's JSON, built on the gateway from the same source by the
// same function. The object a worker's handler gets is the one
// JSON.parse(JSON.stringify(event)) would give: same keys in the same order,
// same values, plain prototypes.
//
// Why: the gateway's main thread bounds the proxy route, and building the
// event's objects (header maps, requestContext, identity) then walking them
// again to write them was ~8 % of its samples (perf, 2026-12-02). Gathering and
// writing the source takes 2.5 µs where that took 3.8 (warm microbenchmark of
// the bench's request); building the event costs the instance what decoding the
// older compact event did. What is left here is JSON.stringify of the source.
//
// The compact form (version 2), one JSON array:
//   [2, resource, path, httpMethod, headers, sourceIp, query, pathParameters,
//    stageVariables, context, authorizer, identity, body, isBase64Encoded]
// where headers, query, pathParameters and stageVariables are flat lists
// [key, value, key, value, ...] (headers and query as the client sent them),
// context is requestContext's values but authorizer and identity in the
// event's order (contextValues), authorizer is 0 (none) or [value], and identity is
// $context.identity's values for IDENTITY_KEYS followed by its other keys that
// have a value, as [key, value, ...]. A source this form cannot carry exactly
// (a value JSON writes differently inside a list than as a member: undefined,
// a function, an object with toJSON) has no compact form: compactSource
// answers undefined and the caller sends the event's JSON.
//
// Self-contained (no imports): the instance bootstrap imports it.

/**
 * Request headers API Gateway drops while parsing the method request, lower case: never visible to
 * mappings, forwarded by proxies or in a proxy event (§5.1 header list, [LS-hdr]).
 */
export const DROPPED_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'content-length',
  'content-md5',
  'expect',
  'max-forwards',
  'proxy-authenticate',
  'server',
  'te',
  'transfer-encoding',
  'trailer',
  'upgrade',
  'www-authenticate',
]);

/** identity's keys in the REST proxy event, in AWS's order [D-proxy]. */
export const IDENTITY_KEYS = [
  'cognitoIdentityPoolId',
  'accountId',
  'cognitoIdentityId',
  'caller',
  'apiKey',
  'sourceIp',
  'principalOrgId',
  'accessKey',
  'cognitoAuthenticationType',
  'cognitoAuthenticationProvider',
  'userArn',
  'userAgent',
  'user',
] as const;
const IDENTITY_KEY_SET: ReadonlySet<string> = new Set(IDENTITY_KEYS);
const SOURCE_IP = 5;
const USER_AGENT = 11;

/** What a proxy event is made of. Plain data; the lists are flat [key, value, ...]. */
export interface ProxyEventSource {
  readonly resource: string;
  readonly path: string;
  readonly httpMethod: string;
  /** The client's headers as received, in order (the builder drops those API Gateway drops). */
  readonly headers: readonly string[];
  /** The client's address: X-Forwarded-For when the client sent none, identity.sourceIp when $context has none. */
  readonly sourceIp: string;
  /** The query string's pairs, decoded, in order. */
  readonly query: readonly string[];
  readonly pathParameters: readonly unknown[];
  readonly stageVariables: readonly unknown[];
  /** requestContext's values but authorizer and identity, in the event's order (contextValues). */
  readonly context: readonly unknown[];
  /** $context.authorizer; undefined when no authorizer ran (the key is then absent). */
  readonly authorizer: unknown;
  /**
   * $context.identity's values for IDENTITY_KEYS (null where it has none: sourceIp and userAgent then
   * come from the request), then its other keys that have a value, as key, value, ...
   */
  readonly identity: readonly unknown[];
  readonly body: string | null;
  readonly isBase64Encoded: boolean;
}

/** A flat [key, value, ...] list of an object's own enumerable string-keyed members. */
export function flatEntries(o: Readonly<Record<string, unknown>>): unknown[] {
  const out: unknown[] = [];
  for (const k in o) if (Object.hasOwn(o, k)) out.push(k, o[k]);
  return out;
}

/**
 * requestContext's values from $context but authorizer and identity, in the event's order (a literal:
 * one shape for every request). proxyEvent puts authorizer after the first and identity after the twelfth.
 */
export function contextValues(c: Readonly<Record<string, unknown>>): unknown[] {
  return [
    c['resourceId'],
    c['resourcePath'],
    c['httpMethod'],
    c['extendedRequestId'],
    c['requestTime'],
    c['path'],
    c['accountId'],
    c['protocol'],
    c['stage'],
    c['domainPrefix'],
    c['requestTimeEpoch'],
    c['requestId'],
    c['deploymentId'],
    c['domainName'],
    c['apiId'],
  ];
}

/** ProxyEventSource.identity from $context.identity (anything else counts as an empty one). */
export function identityValues(source: unknown): unknown[] {
  const g = (source !== null && typeof source === 'object' ? source : {}) as Record<string, unknown>;
  const out: unknown[] = [
    g['cognitoIdentityPoolId'] ?? null,
    g['accountId'] ?? null,
    g['cognitoIdentityId'] ?? null,
    g['caller'] ?? null,
    g['apiKey'] ?? null,
    g['sourceIp'] ?? null,
    g['principalOrgId'] ?? null,
    g['accessKey'] ?? null,
    g['cognitoAuthenticationType'] ?? null,
    g['cognitoAuthenticationProvider'] ?? null,
    g['userArn'] ?? null,
    g['userAgent'] ?? null,
    g['user'] ?? null,
  ];
  for (const k in g) {
    if (IDENTITY_KEY_SET.has(k) || !Object.hasOwn(g, k)) continue;
    const v = g[k];
    if (v !== null && v !== undefined) out.push(k, v);
  }
  return out;
}

// ---- the event -------------------------------------------------------------------

/**
 * o[key] = value, as an own key even for `__proto__` (an assignment would set the prototype): a client's
 * key may be any name, and JSON.parse makes each one an own key.
 */
function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  else o[key] = value;
}

/** Adds `value` under `name` to a single-value map (last wins, §5.1) and a multi-value one. */
function addPair(single: Record<string, unknown>, multi: Record<string, unknown[]>, name: string, value: unknown): void {
  setOwn(single, name, value);
  const list = Object.hasOwn(multi, name) ? multi[name] : undefined;
  if (list === undefined) setOwn(multi, name, [value]);
  else list.push(value);
}

/** A map from a flat list; null when empty. */
function mapOf(flat: readonly unknown[]): Record<string, unknown> | null {
  if (flat.length === 0) return null;
  const m: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) setOwn(m, flat[i] as string, flat[i + 1]);
  return m;
}

interface Grouped {
  readonly single: Record<string, unknown>;
  readonly multi: Record<string, unknown[]>;
}

/**
 * The event's headers: the client's (minus those API Gateway drops) plus the
 * X-Forwarded-* ones API Gateway adds, single-value (last wins, §5.1) and
 * multi-value, names as sent. Never empty: the X-Forwarded-* ones are always there.
 */
function eventHeaders(flat: readonly string[], sourceIp: string): Grouped {
  const single: Record<string, unknown> = {};
  const multi: Record<string, unknown[]> = {};
  let hasFor = false;
  let hasPort = false;
  let hasProto = false;
  let host: string | undefined;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i]!;
    const value = flat[i + 1]!;
    const lower = name.toLowerCase();
    if (DROPPED_REQUEST_HEADERS.has(lower)) continue;
    if (lower === 'x-forwarded-for') hasFor = true;
    else if (lower === 'x-forwarded-port') hasPort = true;
    else if (lower === 'x-forwarded-proto') hasProto = true;
    else if (lower === 'host' && host === undefined) host = value;
    addPair(single, multi, name, value);
  }
  // API Gateway adds the X-Forwarded-* headers; values a client already sent are kept as sent.
  if (!hasFor) addPair(single, multi, 'X-Forwarded-For', sourceIp);
  if (!hasPort) addPair(single, multi, 'X-Forwarded-Port', /:(\d+)$/.exec(host ?? '')?.[1] ?? '80');
  if (!hasProto) addPair(single, multi, 'X-Forwarded-Proto', 'http');
  return { single, multi };
}

function grouped(flat: readonly string[]): Grouped | null {
  if (flat.length === 0) return null;
  const single: Record<string, unknown> = {};
  const multi: Record<string, unknown[]> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) addPair(single, multi, flat[i]!, flat[i + 1]!);
  return { single, multi };
}

/** The first value of a header, any case. */
function headerValue(flat: readonly string[], lower: string): string | undefined {
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const k = flat[i]!;
    if (k.length === lower.length && (k === lower || k.toLowerCase() === lower)) return flat[i + 1];
  }
  return undefined;
}

function identityOf(src: ProxyEventSource): Record<string, unknown> {
  const v = src.identity;
  // A literal in IDENTITY_KEYS order: one object shape for every request.
  const identity: Record<string, unknown> = {
    cognitoIdentityPoolId: v[0],
    accountId: v[1],
    cognitoIdentityId: v[2],
    caller: v[3],
    apiKey: v[4],
    sourceIp: v[SOURCE_IP] ?? src.sourceIp,
    principalOrgId: v[6],
    accessKey: v[7],
    cognitoAuthenticationType: v[8],
    cognitoAuthenticationProvider: v[9],
    userArn: v[10],
    userAgent: v[USER_AGENT] ?? headerValue(src.headers, 'user-agent') ?? null,
    user: v[12],
  };
  for (let i = IDENTITY_KEYS.length; i + 1 < v.length; i += 2) setOwn(identity, v[i] as string, v[i + 1]);
  return identity;
}

/** The proxy event (§5.1) from its source. */
export function proxyEvent(src: ProxyEventSource): Record<string, unknown> {
  const headers = eventHeaders(src.headers, src.sourceIp);
  const query = grouped(src.query);
  const c = src.context;
  const identity = identityOf(src);
  // The $context keys the event carries (§4.3, §5.1), in AWS's order; authorizer, the second key, is
  // absent when no authorizer ran. Added in the same order every time: one object shape per case.
  const requestContext: Record<string, unknown> = src.authorizer === undefined ? { resourceId: c[0] } : { resourceId: c[0], authorizer: src.authorizer };
  requestContext['resourcePath'] = c[1];
  requestContext['httpMethod'] = c[2];
  requestContext['extendedRequestId'] = c[3];
  requestContext['requestTime'] = c[4];
  requestContext['path'] = c[5];
  requestContext['accountId'] = c[6];
  requestContext['protocol'] = c[7];
  requestContext['stage'] = c[8];
  requestContext['domainPrefix'] = c[9];
  requestContext['requestTimeEpoch'] = c[10];
  requestContext['requestId'] = c[11];
  requestContext['identity'] = identity;
  requestContext['deploymentId'] = c[12];
  requestContext['domainName'] = c[13];
  requestContext['apiId'] = c[14];
  return {
    resource: src.resource,
    path: src.path,
    httpMethod: src.httpMethod,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: query?.single ?? null,
    multiValueQueryStringParameters: query?.multi ?? null,
    pathParameters: mapOf(src.pathParameters),
    stageVariables: mapOf(src.stageVariables),
    requestContext,
    body: src.body,
    isBase64Encoded: src.isBase64Encoded,
  };
}

// ---- the compact form ------------------------------------------------------------

const VERSION = 2;

/**
 * Does `v` serialise the same as an element of a list as it does as a member of
 * an object? JSON drops undefined, functions and symbols from objects but
 * writes null for them in lists, and toJSON is given the key.
 */
function sameInList(v: unknown): boolean {
  if (v === null) return true;
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean') return true;
  if (t !== 'object') return false; // undefined, a function, a symbol; a bigint JSON cannot write at all
  return !('toJSON' in (v as object));
}

function allSameInList(values: readonly unknown[], from: number, step: number): boolean {
  for (let i = from; i < values.length; i += step) if (!sameInList(values[i])) return false;
  return true;
}

/** The compact form of a source, or undefined when it has none (send the event's JSON). */
export function compactSource(src: ProxyEventSource): string | undefined {
  const authorizer = src.authorizer;
  if (authorizer !== undefined && !sameInList(authorizer)) return undefined;
  // Keys and the request's own strings are strings by construction; values that come from
  // $context, a stage's variables or an authorizer are checked.
  if (!allSameInList(src.context, 0, 1) || !allSameInList(src.identity, 0, 1) || !allSameInList(src.stageVariables, 1, 2)) return undefined;
  return JSON.stringify([
    VERSION,
    src.resource,
    src.path,
    src.httpMethod,
    src.headers,
    src.sourceIp,
    src.query,
    src.pathParameters,
    src.stageVariables,
    src.context,
    authorizer === undefined ? 0 : [authorizer],
    src.identity,
    src.body,
    src.isBase64Encoded,
  ]);
}

/** The source from its compact form (throws on anything else). */
export function sourceFromCompact(text: string): ProxyEventSource {
  const v = JSON.parse(text) as unknown[];
  if (!Array.isArray(v) || v[0] !== VERSION || v.length !== 14) throw new Error('not a compact proxy event');
  const authorizer = v[10];
  return {
    resource: v[1] as string,
    path: v[2] as string,
    httpMethod: v[3] as string,
    headers: v[4] as string[],
    sourceIp: v[5] as string,
    query: v[6] as string[],
    pathParameters: v[7] as unknown[],
    stageVariables: v[8] as unknown[],
    context: v[9] as unknown[],
    authorizer: authorizer === 0 ? undefined : (authorizer as unknown[])[0],
    identity: v[11] as unknown[],
    body: v[12] as string | null,
    isBase64Encoded: v[13] as boolean,
  };
}

/** The event from its source's compact form (what a worker instance does with an event call). */
export function proxyEventFromCompact(text: string): Record<string, unknown> {
  return proxyEvent(sourceFromCompact(text));
}
