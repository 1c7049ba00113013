// Gateway responses (§9): turn a GatewayError into the response API Gateway
// sends, honouring x-amazon-apigateway-gateway-responses customisation.
//
// Headers common to every response (x-amzn-RequestId, x-amz-apigw-id, Date,
// Content-Length) are added by the HTTP adapter, not here.

import type { ApiDefinition, GatewayResponseDefinition, GatewayResponseType } from '../definition/model.js';
import { firstAcceptType, lastHeaderValue, mimeType } from './media-types.js';
import type { GatewayError, IncomingRequest, OutgoingResponse, Pairs } from './types.js';

/**
 * Default status and `x-amzn-ErrorType` per type (§9.1; LS-gwr, MS-1746, KC-403,
 * SLS-829). DEFAULT_4XX / DEFAULT_5XX have no status of their own (§9.2).
 * Error types marked "LS, unvalidated" in §9.1 are LocalStack's choice; see
 * docs/fidelity.md "Gateway responses:".
 */
export const GATEWAY_RESPONSE_DEFAULTS: Record<
  GatewayResponseType,
  { statusCode: number | undefined; errorType: string | undefined }
> = {
  ACCESS_DENIED: { statusCode: 403, errorType: 'AccessDeniedException' },
  API_CONFIGURATION_ERROR: { statusCode: 500, errorType: 'ApiConfigurationException' },
  AUTHORIZER_CONFIGURATION_ERROR: { statusCode: 500, errorType: 'AuthorizerConfigurationException' },
  AUTHORIZER_FAILURE: { statusCode: 500, errorType: 'AuthorizerFailureException' },
  BAD_REQUEST_PARAMETERS: { statusCode: 400, errorType: 'BadRequestException' },
  BAD_REQUEST_BODY: { statusCode: 400, errorType: 'BadRequestException' },
  DEFAULT_4XX: { statusCode: undefined, errorType: 'BadRequestException' },
  DEFAULT_5XX: { statusCode: undefined, errorType: 'InternalServerErrorException' },
  EXPIRED_TOKEN: { statusCode: 403, errorType: 'ExpiredTokenException' },
  INTEGRATION_FAILURE: { statusCode: 504, errorType: 'InternalServerErrorException' },
  INTEGRATION_TIMEOUT: { statusCode: 504, errorType: 'InternalServerErrorException' },
  INVALID_API_KEY: { statusCode: 403, errorType: 'ForbiddenException' },
  INVALID_SIGNATURE: { statusCode: 403, errorType: 'InvalidSignatureException' },
  MISSING_AUTHENTICATION_TOKEN: { statusCode: 403, errorType: 'MissingAuthenticationTokenException' },
  QUOTA_EXCEEDED: { statusCode: 429, errorType: 'LimitExceededException' },
  REQUEST_TOO_LARGE: { statusCode: 413, errorType: undefined },
  RESOURCE_NOT_FOUND: { statusCode: 404, errorType: 'ResourceNotFoundException' },
  THROTTLED: { statusCode: 429, errorType: 'TooManyRequestsException' },
  UNAUTHORIZED: { statusCode: 401, errorType: 'UnauthorizedException' },
  UNSUPPORTED_MEDIA_TYPE: { statusCode: 415, errorType: 'BadRequestException' },
  WAF_FILTERED: { statusCode: 403, errorType: 'WafFilteredException' },
};

/**
 * The messages API Gateway uses for each type (§9.1). Callers throwing a
 * GatewayError may use these; the message actually sent is always the
 * error's own (except AUTHORIZER_CONFIGURATION_ERROR, whose message is null).
 */
export const GATEWAY_RESPONSE_MESSAGES: Readonly<Record<GatewayResponseType, string>> = {
  ACCESS_DENIED: 'User is not authorized to access this resource',
  API_CONFIGURATION_ERROR: 'Internal server error',
  AUTHORIZER_CONFIGURATION_ERROR: 'null',
  AUTHORIZER_FAILURE: 'Internal server error',
  BAD_REQUEST_PARAMETERS: 'Missing required request parameters: []',
  BAD_REQUEST_BODY: 'Invalid request body',
  DEFAULT_4XX: 'Bad Request',
  DEFAULT_5XX: 'Internal server error',
  EXPIRED_TOKEN: 'The security token included in the request is expired',
  INTEGRATION_FAILURE: 'Internal server error',
  INTEGRATION_TIMEOUT: 'Endpoint request timed out',
  INVALID_API_KEY: 'Forbidden',
  INVALID_SIGNATURE:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
  MISSING_AUTHENTICATION_TOKEN: 'Missing Authentication Token',
  QUOTA_EXCEEDED: 'Limit Exceeded',
  REQUEST_TOO_LARGE: 'HTTP content length exceeded 10485760 bytes.',
  RESOURCE_NOT_FOUND: 'Not Found',
  THROTTLED: 'Too Many Requests',
  UNAUTHORIZED: 'Unauthorized',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported Media Type',
  WAF_FILTERED: 'Forbidden',
};

/** The documented default template (§9.1 [LS-gwr]): no space after the colon. */
export const DEFAULT_TEMPLATE = '{"message":$context.error.messageString}';
/**
 * Errors raised at or after the integration call (5XX family, the DEFAULT_*
 * types, and errors that carry their own status such as Lambda's 413 "Request
 * Too Long" or the 502 malformed proxy response) are observed with a space after the colon:
 * `{"message": "Endpoint request timed out"}`, `{"message": null}` (§5.2, §9.1,
 * §14; AU-6, CH-670, KG-10). Choice recorded in docs/fidelity.md.
 */
export const DEFAULT_TEMPLATE_SPACED = '{"message": $context.error.messageString}';

/**
 * ACCESS_DENIED's body is observed with a capital M, unlike the documented default: a Lambda authorizer's
 * explicit deny answered `{"Message":"User is not authorized to access this resource with an explicit deny"}`
 * (content-length 82) in captures from several public repositories, its implicit deny `{"Message":"User is not
 * authorized to access this resource"}` (docs/fidelity.md, Authorizers).
 */
const ACCESS_DENIED_TEMPLATE = '{"Message":$context.error.messageString}';

const SPACED_TYPES: ReadonlySet<GatewayResponseType> = new Set<GatewayResponseType>([
  'DEFAULT_4XX',
  'DEFAULT_5XX',
  'API_CONFIGURATION_ERROR',
  'AUTHORIZER_CONFIGURATION_ERROR',
  'AUTHORIZER_FAILURE',
  'INTEGRATION_FAILURE',
  'INTEGRATION_TIMEOUT',
]);

/** §14: 413 for bodies over 10 MB is plain text and never customisable [KG-10; D-notes]. */
export const REQUEST_TOO_LARGE_BODY = 'HTTP content length exceeded 10485760 bytes.';
export const REQUEST_TOO_LARGE_CONTENT_TYPE = 'text; charset=utf-8';

export interface GatewayResponseEnv {
  readonly api: ApiDefinition;
  readonly request: IncomingRequest;
  readonly stageVariables: Readonly<Record<string, string>>;
  /** `$context` built for the request; undefined when the failure came before it existed (e.g. routing). */
  readonly context: Readonly<Record<string, unknown>> | undefined;
  readonly pathParameters?: Readonly<Record<string, string>>;
}

/** The 4XX/5XX family a type falls back to (§9.2): by its default status class. */
export function familyOf(type: GatewayResponseType): 'DEFAULT_4XX' | 'DEFAULT_5XX' {
  if (type === 'DEFAULT_4XX') return 'DEFAULT_4XX';
  if (type === 'DEFAULT_5XX') return 'DEFAULT_5XX';
  const status = GATEWAY_RESPONSE_DEFAULTS[type].statusCode ?? 500;
  return status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
}

interface Resolved {
  readonly statusCode: number;
  readonly definition: GatewayResponseDefinition | undefined;
}

/** §9.2 fallback chain: specific entry > family entry (status only if set) > built-in default. */
export function resolveGatewayResponse(
  error: Pick<GatewayError, 'type' | 'statusCode'>,
  gatewayResponses: ApiDefinition['gatewayResponses'],
): Resolved {
  const type = error.type;
  const family = familyOf(type);
  const builtIn =
    error.statusCode ?? GATEWAY_RESPONSE_DEFAULTS[type].statusCode ?? (family === 'DEFAULT_5XX' ? 500 : 400);
  const specific = gatewayResponses[type];
  if (specific !== undefined) return { statusCode: specific.statusCode ?? builtIn, definition: specific };
  const fallback = family === type ? undefined : gatewayResponses[family];
  if (fallback !== undefined) return { statusCode: fallback.statusCode ?? builtIn, definition: fallback };
  return { statusCode: builtIn, definition: undefined };
}

/** Build the gateway response for `error` (§9). Never throws. */
export function gatewayResponse(error: GatewayError, env: GatewayResponseEnv): OutgoingResponse {
  const type = error.type;
  if (type === 'REQUEST_TOO_LARGE') {
    // Not customisable, not JSON (§14; KG-10, D-notes).
    return {
      statusCode: 413,
      headers: [['Content-Type', REQUEST_TOO_LARGE_CONTENT_TYPE]],
      body: Buffer.from(REQUEST_TOO_LARGE_BODY, 'utf8'),
    };
  }
  const { statusCode, definition } = resolveGatewayResponse(error, env.api.gatewayResponses);
  const message: string | null = type === 'AUTHORIZER_CONFIGURATION_ERROR' ? null : error.message;
  const context = withError(baseContext(env), {
    message,
    messageString: message === null ? 'null' : JSON.stringify(message),
    responseType: type,
    validationErrorString: error.detail ?? '',
  });

  // Template by Accept (§2.3): exact match on the first Accept type, else the first template.
  const templates = definition?.responseTemplates ?? [];
  let contentType = 'application/json';
  // Integration-side failures (5XX types, the generic DEFAULT_* types, or any error
  // carrying its own status such as Lambda's 413 "Request Too Long") use the spaced form.
  const spaced = SPACED_TYPES.has(type) || error.statusCode !== undefined;
  let template = type === 'ACCESS_DENIED' ? ACCESS_DENIED_TEMPLATE : spaced ? DEFAULT_TEMPLATE_SPACED : DEFAULT_TEMPLATE;
  if (templates.length > 0) {
    const accept = firstAcceptType(env.request.headers) ?? 'application/json';
    const chosen = templates.find(([ct]) => mimeType(ct) === accept) ?? templates[0]!;
    contentType = chosen[0];
    template = chosen[1];
  }
  const body = renderGatewayTemplate(template, context, env);

  const headers: Array<[string, string]> = [['Content-Type', contentType]];
  const errorType = GATEWAY_RESPONSE_DEFAULTS[type].errorType;
  if (errorType !== undefined) headers.push(['x-amzn-ErrorType', errorType]);
  for (const [key, source] of Object.entries(definition?.responseParameters ?? {})) {
    const m = /^gatewayresponse\.header\.(.+)$/.exec(key);
    if (m === null) continue; // path/querystring targets mean nothing on a response
    const value = resolveParameterSource(source, context, env);
    if (value === undefined) continue; // unresolvable mapping: skipped (§3.5 LS)
    setHeader(headers, m[1]!, value);
  }
  return { statusCode, headers, body: Buffer.from(body, 'utf8') };
}

function setHeader(headers: Array<[string, string]>, name: string, value: string): void {
  const lower = name.toLowerCase();
  const i = headers.findIndex(([k]) => k.toLowerCase() === lower);
  if (i === -1) headers.push([name, value]);
  else headers[i] = [name, value];
}

/** `$context` as far as it exists: the pipeline's, or a minimal one built from the request. */
function baseContext(env: GatewayResponseEnv): Record<string, unknown> {
  if (env.context !== undefined) return { ...env.context };
  const r = env.request;
  return {
    requestId: r.requestId,
    extendedRequestId: r.extendedRequestId,
    httpMethod: r.httpMethod,
    path: r.rawPath,
    protocol: r.protocol,
    requestTimeEpoch: r.startTime,
    stage: env.api.stage,
    identity: { sourceIp: r.sourceIp, userAgent: lastHeaderValue(r.headers, 'user-agent') ?? null },
  };
}

function withError(ctx: Record<string, unknown>, error: Record<string, unknown>): Record<string, unknown> {
  return { ...ctx, error };
}

/** A query key's last value: keys compare exactly. */
function lastQueryValue(pairs: Pairs, name: string): string | undefined {
  let found: string | undefined;
  for (const [k, v] of pairs) if (k === name) found = v;
  return found;
}

function allValues(pairs: Pairs, name: string, caseInsensitive: boolean): string[] {
  const lower = name.toLowerCase();
  return pairs.filter(([k]) => (caseInsensitive ? k.toLowerCase() === lower : k === name)).map(([, v]) => v);
}

function lookupPath(root: unknown, path: readonly string[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || cur === undefined) return undefined;
    if (cur instanceof Map) cur = cur.get(seg);
    else if (typeof cur === 'object') cur = (cur as Record<string, unknown>)[seg];
    else return undefined;
  }
  return cur;
}

function stringify(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value instanceof Map ? Object.fromEntries(value) : value);
  } catch {
    return undefined;
  }
}

/** `method.request.{header|querystring|path|multivalueheader|multivaluequerystring}.<name>`. */
function methodRequestValue(location: string, name: string, env: GatewayResponseEnv): string | undefined {
  const r = env.request;
  switch (location) {
    case 'header':
      return lastHeaderValue(r.headers, name);
    case 'multivalueheader': {
      const all = allValues(r.headers, name, true);
      return all.length === 0 ? undefined : all.join(',');
    }
    case 'querystring':
      return lastQueryValue(r.query, name);
    case 'multivaluequerystring': {
      const all = allValues(r.query, name, false);
      return all.length === 0 ? undefined : all.join(',');
    }
    case 'path':
      return env.pathParameters?.[name];
    default:
      return undefined;
  }
}

/** A responseParameters source expression (§9.3 [D-ext responseParameters page]). */
function resolveParameterSource(
  source: string,
  context: Record<string, unknown>,
  env: GatewayResponseEnv,
): string | undefined {
  const s = source.trim();
  if (s.length >= 2 && s.startsWith("'") && s.endsWith("'")) return s.slice(1, -1);
  let m = /^method\.request\.([a-z]+)\.(.+)$/.exec(s);
  if (m) return methodRequestValue(m[1]!, m[2]!, env);
  m = /^stageVariables\.(.+)$/.exec(s);
  if (m) return env.stageVariables[m[1]!];
  m = /^context\.(.+)$/.exec(s);
  if (m) return stringify(lookupPath(context, m[1]!.split('.')));
  return undefined;
}

// `$context.a.b`, `${context.a.b}`, `$stageVariables.x`, `$method.request.header.X`, and
// the bare `method.request.<loc>.<name>` form the docs name [D-gwdef]. Nothing else is
// interpreted: gateway-response templates are not VTL.
const REF =
  /\$\{(context|stageVariables)((?:\.[A-Za-z0-9_]+)+)\}|\$(context|stageVariables)((?:\.[A-Za-z0-9_]+)+)|\$?\bmethod\.request\.(header|querystring|path|multivalueheader|multivaluequerystring)\.([A-Za-z0-9_-]+)/g;

/** Render a gateway-response template by simple substitution (§9.3). Unknown references render empty. */
export function renderGatewayTemplate(
  template: string,
  context: Record<string, unknown>,
  env: GatewayResponseEnv,
): string {
  return template.replace(REF, (_all, bRoot?: string, bPath?: string, root?: string, path?: string, loc?: string, name?: string) => {
    if (loc !== undefined && name !== undefined) return methodRequestValue(loc, name, env) ?? '';
    const r = (bRoot ?? root)!;
    const segs = (bPath ?? path)!.slice(1).split('.');
    if (r === 'stageVariables') return env.stageVariables[segs.join('.')] ?? '';
    return stringify(lookupPath(context, segs)) ?? '';
  });
}
