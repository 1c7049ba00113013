// HTTP (non-proxy) integration (§7.3) and the pieces HTTP_PROXY shares with it:
// backend URL building, default request headers, error translation (§7.3,
// §7.6) and response header remapping (§7.4, §7.5).

import { traceRoot } from '../ids.js';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { IntegrationType } from '../definition/model.js';
import { headerValue } from '../pipeline/media-types.js';
import { GatewayError } from '../pipeline/types.js';
import type { EndpointResult, IntegrationRequest, Pairs, RequestContext } from '../pipeline/types.js';
import { HttpClientError } from './http-client.js';
import type { HttpClient, HttpClientResponse, ResponseSink } from './http-client.js';
import type { IntegrationDeps, IntegrationHandler } from './types.js';

/** Methods for which no body is forwarded (§7.3, [LS-http]). */
export const NO_BODY_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Dropped from every HTTP / HTTP_PROXY integration request after mapping ([LS-iq]); `Connection`/`Keep-Alive` are managed by the pool. */
const DROPPED_FROM_HTTP_REQUESTS: ReadonlySet<string> = new Set([
  'expect',
  'proxy-authenticate',
  'te',
  'via',
  'connection',
  'keep-alive',
  'upgrade',
]);

/** Response headers renamed to `x-amzn-Remapped-<Name>` (§7.4, §7.5, [LS-mresp], [D-notes]). */
const REMAPPED_COMMON = ['Connection', 'Content-Length', 'Date', 'Server'];
const REMAPPED_NON_PROXY = [
  ...REMAPPED_COMMON,
  'Authorization',
  'Content-MD5',
  'Expect',
  'Host',
  'Max-Forwards',
  'Proxy-Authenticate',
  'Trailer',
  'Upgrade',
  'User-Agent',
  'WWW-Authenticate',
];
/**
 * A Lambda proxy answer's headers: the §7.5 list too (`WWW-Authenticate` →
 * `x-amzn-Remapped-WWW-Authenticate` is widely reported for Lambda proxy), except
 * Content-Length, which the gateway sets from the body it sends.
 */
const REMAPPED_LAMBDA_PROXY = REMAPPED_NON_PROXY.filter((n) => n !== 'Content-Length');
/** Response headers dropped (§7.4). */
const DROPPED_RESPONSE_COMMON = ['transfer-encoding'];
const DROPPED_RESPONSE_HTTP_PROXY = ['transfer-encoding', 'content-encoding', 'via'];

// ---------------------------------------------------------------------------
// Header list helpers (Pairs are immutable; these build new arrays)

export function hasHeader(headers: Pairs, name: string): boolean {
  const lower = name.toLowerCase();
  return headers.some(([k]) => k.toLowerCase() === lower);
}

export function withoutHeaders(headers: Pairs, lowerNames: ReadonlySet<string>): Array<[string, string]> {
  return headers.filter(([k]) => !lowerNames.has(k.toLowerCase())).map(([k, v]) => [k, v]);
}

/** Replaces every header of that name (any case) by one `name: value` at the end. */
export function setHeader(headers: Array<[string, string]>, name: string, value: string): Array<[string, string]> {
  const lower = name.toLowerCase();
  const out = headers.filter(([k]) => k.toLowerCase() !== lower);
  out.push([name, value]);
  return out;
}

/**
 * Applies the response header rules of §7.4/§7.5 for an integration type:
 * HTTP/AWS (non-proxy) → remap the long list; HTTP_PROXY → remap Connection,
 * Content-Length, Date, Server and drop Transfer-Encoding, Content-Encoding, Via;
 * AWS_PROXY → the long list but Content-Length, drop Transfer-Encoding;
 * others → remap the common four, drop Transfer-Encoding. Names compare
 * case-insensitively; the remapped name uses API Gateway's spelling
 * (`x-amzn-Remapped-WWW-Authenticate`). Order is kept.
 *
 * For non-proxy integrations call this on the method response headers produced
 * by response parameter mapping; HTTP_PROXY applies it itself.
 */
export function remapResponseHeaders(headers: Pairs, integrationType: IntegrationType): Pairs {
  const nonProxy = integrationType === 'HTTP' || integrationType === 'AWS';
  const remapByLower = nonProxy ? REMAP_NON_PROXY_BY_LOWER : integrationType === 'AWS_PROXY' ? REMAP_LAMBDA_PROXY_BY_LOWER : REMAP_COMMON_BY_LOWER;
  const drop = integrationType === 'HTTP_PROXY' ? DROPPED_RESPONSE_HTTP_PROXY : DROPPED_RESPONSE_COMMON;
  const out: Array<[string, string]> = [];
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (drop.includes(lower)) continue;
    const canonical = remapByLower.get(lower);
    out.push(canonical ? [`x-amzn-Remapped-${canonical}`, value] : [name, value]);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Request building

/** Integration `httpMethod`; `ANY` or unset → the client's method (§7.2). */
export function integrationMethod(request: IntegrationRequest, ctx: RequestContext): string {
  const m = request.integration.httpMethod?.trim().toUpperCase();
  return !m || m === 'ANY' ? ctx.request.httpMethod.toUpperCase() : m;
}

function encodeQueryComponent(s: string): string {
  return encodeURIComponent(s);
}

/** Appends query pairs (percent-encoded) to the rendered uri. */
export function buildBackendUrl(uri: string, query: Pairs): string {
  if (query.length === 0) return uri;
  const hash = uri.indexOf('#');
  const base = hash === -1 ? uri : uri.slice(0, hash);
  const qs = query.map(([k, v]) => `${encodeQueryComponent(k)}=${encodeQueryComponent(v)}`).join('&');
  const sep = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${sep}${qs}`;
}

function contextString(ctx: RequestContext, key: string): string | undefined {
  const v = ctx.context[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The API id used in `User-Agent: AmazonAPIGateway_<apiId>` and `X-Amzn-Apigateway-Api-Id`. */
export function apiIdOf(ctx: RequestContext): string {
  return contextString(ctx, 'apiId') ?? 'restgate';
}

/** X-Ray style trace id: `Root=1-<epoch hex>-<24 hex>`. */
export function traceIdOf(ctx: RequestContext): string {
  const fromContext = contextString(ctx, 'xrayTraceId');
  if (fromContext) return fromContext.startsWith('Root=') ? fromContext : `Root=${fromContext}`;
  return `Root=${traceRoot(ctx.request.startTime || Date.now())}`;
}

const byLower = (names: readonly string[]): ReadonlyMap<string, string> => new Map(names.map((n) => [n.toLowerCase(), n]));
const REMAP_NON_PROXY_BY_LOWER = byLower(REMAPPED_NON_PROXY);
const REMAP_COMMON_BY_LOWER = byLower(REMAPPED_COMMON);
const REMAP_LAMBDA_PROXY_BY_LOWER = byLower(REMAPPED_LAMBDA_PROXY);

/**
 * Final header transform for HTTP and HTTP_PROXY requests (§7.3, [LS-iq]):
 * drop Expect/Proxy-Authenticate/TE/Via (and pool-managed hop-by-hop headers),
 * default `Accept: application/json`, `User-Agent: AmazonAPIGateway_<apiId>`
 * and, when the client method carries a body, the client's `Content-Type`;
 * then set `X-Amzn-Trace-Id` and `X-Amzn-Apigateway-Api-Id`.
 */
export function finishRequestHeaders(headers: Pairs, ctx: RequestContext): Array<[string, string]> {
  let out = withoutHeaders(headers, DROPPED_FROM_HTTP_REQUESTS);
  const apiId = apiIdOf(ctx);
  if (!hasHeader(out, 'Accept')) out.push(['Accept', 'application/json']);
  if (!hasHeader(out, 'User-Agent')) out.push(['User-Agent', `AmazonAPIGateway_${apiId}`]);
  const clientContentType = headerValue(ctx.request.headers, 'content-type');
  if (clientContentType !== undefined && !NO_BODY_METHODS.has(ctx.request.httpMethod.toUpperCase()) && !hasHeader(out, 'Content-Type')) {
    out.push(['Content-Type', clientContentType]);
  }
  out = setHeader(out, 'X-Amzn-Trace-Id', traceIdOf(ctx));
  out = setHeader(out, 'X-Amzn-Apigateway-Api-Id', apiId);
  return out;
}

// ---------------------------------------------------------------------------
// Exchange

/** Decodes a `Content-Encoding`d body (gzip, deflate, br); unknown codings or corrupt data are returned unchanged. */
export function decodeContentEncoding(headers: Pairs, body: Buffer): Buffer {
  const coding = headerValue(headers, 'content-encoding')?.trim().toLowerCase();
  if (!coding || coding === 'identity' || body.length === 0) return body;
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(body);
    if (coding === 'br') return brotliDecompressSync(body);
    if (coding === 'deflate') {
      try {
        return inflateSync(body);
      } catch {
        return inflateRawSync(body);
      }
    }
  } catch {
    return body;
  }
  return body;
}

function clientOf(deps: IntegrationDeps): HttpClient {
  if (!deps.http) {
    throw new GatewayError(
      'API_CONFIGURATION_ERROR',
      'Internal server error',
      undefined,
      'restgate wiring error: IntegrationDeps.http (createHttpClient()) is not set',
    );
  }
  return deps.http;
}

/** Sends one request to the backend, translating failures into gateway errors (§7.3, §7.6). */
export async function exchange(
  deps: IntegrationDeps,
  request: IntegrationRequest,
  method: string,
  url: string,
  headers: Pairs,
  body: Buffer | undefined,
  stream?: ResponseSink,
): Promise<HttpClientResponse> {
  const client = clientOf(deps);
  const timeout = request.integration.timeoutInMillis;
  try {
    return await client.request({
      method,
      url,
      headers,
      body,
      timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 29_000,
      stream,
    });
  } catch (error) {
    const kind = error instanceof HttpClientError ? error.kind : 'network';
    const detail = error instanceof Error ? error.message : String(error);
    if (kind === 'timeout') throw new GatewayError('INTEGRATION_TIMEOUT', 'Endpoint request timed out', undefined, detail);
    if (kind === 'connect' || kind === 'invalid-endpoint') {
      throw new GatewayError(
        'API_CONFIGURATION_ERROR',
        'Internal server error',
        undefined,
        `Execution failed due to configuration error: ${detail}`,
      );
    }
    throw new GatewayError('INTEGRATION_FAILURE', 'Network error communicating with endpoint', undefined, detail);
  }
}

export function requireUri(request: IntegrationRequest): string {
  const uri = request.uri?.trim();
  if (!uri) {
    throw new GatewayError(
      'API_CONFIGURATION_ERROR',
      'Internal server error',
      undefined,
      'Execution failed due to configuration error: the integration has no uri',
    );
  }
  return uri;
}

/**
 * HTTP (non-proxy): sends the mapped headers and query, the rendered body
 * (none for GET/HEAD/OPTIONS), and returns the backend response for
 * integration-response selection on its status code (§3.1).
 */
export const httpIntegration: IntegrationHandler = async (request, ctx, deps) => {
  const method = integrationMethod(request, ctx);
  const url = buildBackendUrl(requireUri(request), request.querystring);
  const headers = finishRequestHeaders(request.headers, ctx);
  const body = NO_BODY_METHODS.has(method) ? undefined : request.body;
  const response = await exchange(deps, request, method, url, headers, body);
  const result: EndpointResult = {
    kind: 'endpoint',
    statusCode: response.statusCode,
    selectionInput: String(response.statusCode),
    headers: response.headers,
    body: decodeContentEncoding(response.headers, response.body),
    contentType: headerValue(response.headers, 'content-type'),
  };
  return result;
};
