// The REST proxy event (§5.1) in a compact form for worker instances: the
// gateway writes it, the instance rebuilds the event object from it. The
// object the handler gets is the one JSON.parse(JSON.stringify(event)) would
// give: same keys in the same order, same values, plain prototypes.
//
// Why: the event is ~1.2 KB of JSON with ~50 keys. Under load its
// JSON.stringify took ~13 % of the gateway thread and its JSON.parse ~31 % of
// the instance's (Node 20, 2026-12-01); the compact form, a JSON array of the
// values only, ~8 % and ~20 %: the keys and the object shapes are written here
// once, as literals (docs/fidelity.md, "And again, later the same day").
//
// The form (version 1), one JSON array:
//   [1, resource, path, httpMethod, headers, multiValueHeaders,
//    queryStringParameters, multiValueQueryStringParameters, pathParameters,
//    stageVariables, requestContext, body, isBase64Encoded]
// where each map is null or a flat list [key, value, key, value, ...]; a
// multi-value map that is its single-value map with each value as a one-item
// list (every name sent once: the usual request) is 0 instead of its list; and
// requestContext is [1, ...its values in CONTEXT_KEYS order, identity's 13
// values in place of identity] or [2, authorizer, ...the same] when the common
// shape fits (see encodeContext), else
// [0, requestContext] (the object as JSON). An event this form cannot carry
// exactly (a key named __proto__, a value of an unexpected type, other keys)
// has no compact form: encodeProxyEvent answers undefined and the caller sends
// the JSON.
//
// Self-contained (no imports): the instance bootstrap imports it.

const VERSION = 1;

const EVENT_KEYS = [
  'resource',
  'path',
  'httpMethod',
  'headers',
  'multiValueHeaders',
  'queryStringParameters',
  'multiValueQueryStringParameters',
  'pathParameters',
  'stageVariables',
  'requestContext',
  'body',
  'isBase64Encoded',
] as const;

/** requestContext's keys in the common shape, in the event's order (authorizer, when there, second). */
const CONTEXT_KEYS = [
  'resourceId',
  'authorizer',
  'resourcePath',
  'httpMethod',
  'extendedRequestId',
  'requestTime',
  'path',
  'accountId',
  'protocol',
  'stage',
  'domainPrefix',
  'requestTimeEpoch',
  'requestId',
  'identity',
  'deploymentId',
  'domainName',
  'apiId',
] as const;

/** identity's keys in the REST proxy event, in AWS's order [D-proxy] (also used to build the event). */
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

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** Stands for "no compact form" inside the encoder. */
class NoCompactForm {}
const NONE = new NoCompactForm();

/**
 * Does `v` serialise the same as an element of the compact array as it does as a
 * member of the event? JSON drops undefined, functions and symbols from objects
 * but writes null for them in arrays, and toJSON is given the key.
 */
function sameInArray(v: unknown): boolean {
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return false;
  return v === null || typeof v !== 'object' || !('toJSON' in v);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

/** A flat [k, v, ...] list of a map whose values are strings (or lists of strings). */
function encodeMap(m: unknown, lists: boolean): Json[] | null | NoCompactForm {
  if (m === null) return null;
  if (!isPlainObject(m)) return NONE;
  const out: Json[] = [];
  for (const k in m) {
    if (k === '__proto__') return NONE; // an own key JSON.parse makes, an assignment would not
    const v = m[k];
    if (lists) {
      if (!Array.isArray(v)) return NONE;
      for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return NONE;
    } else if (typeof v !== 'string') return NONE;
    out.push(k, v as Json);
  }
  return out;
}

/**
 * Is `multi` exactly `single` (a flat list from encodeMap) with each value as a
 * one-item list: same keys, same order? Then the instance rebuilds it from
 * `single` and it is not sent (encoded as 0).
 */
function derivable(single: Json[] | null | NoCompactForm, multi: Json[] | null | NoCompactForm): boolean {
  if (single === null || single === NONE || multi === null || multi === NONE) return false;
  const s = single as Json[];
  const m = multi as Json[];
  if (s.length !== m.length) return false;
  for (let i = 0; i < s.length; i += 2) {
    if (m[i] !== s[i]) return false;
    const list = m[i + 1] as Json[];
    if (list.length !== 1 || list[0] !== s[i + 1]) return false;
  }
  return true;
}

/** Is `o`'s key list exactly `keys`, in that order? */
function hasExactly(o: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in o) {
    if (k !== keys[i]) return false;
    i++;
  }
  return i === keys.length;
}

/** Are c's keys CONTEXT_KEYS in order, authorizer left out when it is undefined (JSON drops it)? */
function hasContextKeys(c: object, withAuthorizer: boolean): boolean {
  let i = 0;
  for (const k in c) {
    if (k === 'authorizer' && !withAuthorizer) continue;
    if (i === 1 && !withAuthorizer) i++; // authorizer's slot
    if (k !== CONTEXT_KEYS[i]) return false;
    i++;
  }
  return i === CONTEXT_KEYS.length;
}

/**
 * The requestContext's row: [1, values...] or [2, authorizer, values...] in the
 * common shape (CONTEXT_KEYS in order, every value there, an identity of exactly
 * IDENTITY_KEYS), else [0, requestContext]. Values are read by name: one object
 * shape in, one row out.
 */
function encodeContext(rc: unknown): Json[] | NoCompactForm {
  if (!isPlainObject(rc)) return NONE;
  const authorizer = rc['authorizer'];
  const withAuthorizer = authorizer !== undefined;
  const id = rc['identity'];
  if (!hasContextKeys(rc, withAuthorizer) || !isPlainObject(id) || !hasExactly(id, IDENTITY_KEYS)) {
    return sameInArray(rc) ? [0, rc as Json] : NONE;
  }
  const row: unknown[] = [
    withAuthorizer ? 2 : 1,
    rc['resourceId'],
    rc['resourcePath'],
    rc['httpMethod'],
    rc['extendedRequestId'],
    rc['requestTime'],
    rc['path'],
    rc['accountId'],
    rc['protocol'],
    rc['stage'],
    rc['domainPrefix'],
    rc['requestTimeEpoch'],
    rc['requestId'],
    id['cognitoIdentityPoolId'],
    id['accountId'],
    id['cognitoIdentityId'],
    id['caller'],
    id['apiKey'],
    id['sourceIp'],
    id['principalOrgId'],
    id['accessKey'],
    id['cognitoAuthenticationType'],
    id['cognitoAuthenticationProvider'],
    id['userArn'],
    id['userAgent'],
    id['user'],
    rc['deploymentId'],
    rc['domainName'],
    rc['apiId'],
  ];
  for (let i = 1; i < row.length; i++) if (!sameInArray(row[i])) return sameInArray(rc) ? [0, rc as Json] : NONE;
  if (withAuthorizer) {
    if (!sameInArray(authorizer)) return NONE;
    row.splice(1, 0, authorizer);
  }
  return row as Json[];
}

/** The compact form of a REST proxy event, or undefined when it has none (send the JSON). */
export function encodeProxyEvent(event: Readonly<Record<string, unknown>>): string | undefined {
  if (!hasExactly(event, EVENT_KEYS)) return undefined;
  const { resource, path, httpMethod, body, isBase64Encoded } = event;
  if (typeof resource !== 'string' || typeof path !== 'string' || typeof httpMethod !== 'string') return undefined;
  if ((body !== null && typeof body !== 'string') || typeof isBase64Encoded !== 'boolean') return undefined;
  const headers = encodeMap(event['headers'], false);
  const multiHeaders = encodeMap(event['multiValueHeaders'], true);
  const query = encodeMap(event['queryStringParameters'], false);
  const multiQuery = encodeMap(event['multiValueQueryStringParameters'], true);
  const pathParameters = encodeMap(event['pathParameters'], false);
  const stageVariables = encodeMap(event['stageVariables'], false);
  const context = encodeContext(event['requestContext']);
  if (
    headers === NONE ||
    multiHeaders === NONE ||
    query === NONE ||
    multiQuery === NONE ||
    pathParameters === NONE ||
    stageVariables === NONE ||
    context === NONE
  ) {
    return undefined;
  }
  return JSON.stringify([
    VERSION,
    resource,
    path,
    httpMethod,
    headers,
    derivable(headers, multiHeaders) ? 0 : multiHeaders,
    query,
    derivable(query, multiQuery) ? 0 : multiQuery,
    pathParameters,
    stageVariables,
    context,
    body,
    isBase64Encoded,
  ]);
}

type Row = unknown[];

function decodeMap(list: unknown): Record<string, unknown> | null {
  if (list === null) return null;
  const l = list as Row;
  const m: Record<string, unknown> = {};
  for (let i = 0; i < l.length; i += 2) m[l[i] as string] = l[i + 1];
  return m;
}

function decodeContext(row: Row): Record<string, unknown> {
  const tag = row[0];
  if (tag === 0) return row[1] as Record<string, unknown>;
  // After the tag (and authorizer): resourceId, resourcePath, httpMethod, extendedRequestId, requestTime,
  // path, accountId, protocol, stage, domainPrefix, requestTimeEpoch, requestId, 13 identity values,
  // deploymentId, domainName, apiId.
  const p = tag === 2 ? 2 : 1;
  const identity = {
    cognitoIdentityPoolId: row[p + 12],
    accountId: row[p + 13],
    cognitoIdentityId: row[p + 14],
    caller: row[p + 15],
    apiKey: row[p + 16],
    sourceIp: row[p + 17],
    principalOrgId: row[p + 18],
    accessKey: row[p + 19],
    cognitoAuthenticationType: row[p + 20],
    cognitoAuthenticationProvider: row[p + 21],
    userArn: row[p + 22],
    userAgent: row[p + 23],
    user: row[p + 24],
  };
  const rc: Record<string, unknown> = {
    resourceId: row[p],
    resourcePath: row[p + 1],
    httpMethod: row[p + 2],
    extendedRequestId: row[p + 3],
    requestTime: row[p + 4],
    path: row[p + 5],
    accountId: row[p + 6],
    protocol: row[p + 7],
    stage: row[p + 8],
    domainPrefix: row[p + 9],
    requestTimeEpoch: row[p + 10],
    requestId: row[p + 11],
    identity,
    deploymentId: row[p + 25],
    domainName: row[p + 26],
    apiId: row[p + 27],
  };
  if (tag !== 2) return rc;
  // authorizer is the second key: resourceId, authorizer, then the rest in their order.
  return Object.assign({ resourceId: rc['resourceId'], authorizer: row[1] }, rc);
}

/** A multi-value map: its list, or (0) the single-value map's values as one-item lists. */
function decodeMultiMap(list: unknown, single: unknown): Record<string, unknown> | null {
  if (list !== 0) return decodeMap(list);
  const l = single as Row;
  const m: Record<string, unknown> = {};
  for (let i = 0; i < l.length; i += 2) m[l[i] as string] = [l[i + 1]];
  return m;
}

/** The event object from its compact form (throws on anything else). */
export function decodeProxyEvent(text: string): Record<string, unknown> {
  const v = JSON.parse(text) as Row;
  if (!Array.isArray(v) || v[0] !== VERSION || v.length !== 13) throw new Error('not a compact proxy event');
  return {
    resource: v[1],
    path: v[2],
    httpMethod: v[3],
    headers: decodeMap(v[4]),
    multiValueHeaders: decodeMultiMap(v[5], v[4]),
    queryStringParameters: decodeMap(v[6]),
    multiValueQueryStringParameters: decodeMultiMap(v[7], v[6]),
    pathParameters: decodeMap(v[8]),
    stageVariables: decodeMap(v[9]),
    requestContext: decodeContext(v[10] as Row),
    body: v[11],
    isBase64Encoded: v[12],
  };
}
