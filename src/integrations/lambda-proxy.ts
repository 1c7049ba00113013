// AWS_PROXY (Lambda proxy) integration (§5, §1.5): the request becomes the
// REST v1 event, the function's answer becomes the method response after the
// same validation API Gateway applies (anything malformed → 502).

import { validateHeaderName, validateHeaderValue } from 'node:http';
import { contentType, firstAcceptType, isBinaryMediaType } from '../pipeline/media-types.js';
import { GatewayError, type IntegrationRequest, type OutgoingResponse, type Pairs, type RequestContext } from '../pipeline/types.js';
import { httpHeaderProblem, readProxyAnswer, readProxyHead, type HeaderCheck } from '../lambda/proxy-answer.js';
import { contextValues, flatEntries, identityValues, type ProxyEventSource } from '../lambda/proxy-event.js';
import { invokeForIntegration } from '../lambda/gateway.js';
import type { CheckedProxyAnswer, InvokeResult } from '../lambda/types.js';
import { remapResponseHeaders } from './http.js';
import type { IntegrationHandler } from './types.js';

function flatPairs(pairs: Pairs): string[] {
  const out: string[] = [];
  for (let i = 0; i < pairs.length; i++) {
    const [name, value] = pairs[i]!;
    out.push(name, value);
  }
  return out;
}

/** The event's body: base64 when the request is binary or the integration converts to text (§1.5). */
function proxyBody(request: IntegrationRequest, ctx: RequestContext): { body: string | null; binary: boolean } {
  const raw = ctx.request.body;
  const binary =
    isBinaryMediaType(contentType(ctx.request.headers), ctx.api.binaryMediaTypes) || request.integration.contentHandling === 'CONVERT_TO_TEXT';
  return { body: raw.length === 0 ? null : binary ? raw.toString('base64') : raw.toString('utf8'), binary };
}

/** What this request's proxy event is made of (§5.1): gathered here, built where it is needed (../lambda/proxy-event.ts). */
export function proxyEventSource(request: IntegrationRequest, ctx: RequestContext): ProxyEventSource {
  const { body, binary } = proxyBody(request, ctx);
  return requestEventSource(ctx, body, binary);
}

/** The proxy event's source for this request with the given body (a REQUEST authorizer's event has none, §12.2). */
export function requestEventSource(ctx: RequestContext, body: string | null, binary: boolean): ProxyEventSource {
  const c = ctx.context;
  const method = c['httpMethod'];
  return {
    resource: ctx.route.resource.path,
    path: ctx.route.path,
    httpMethod: typeof method === 'string' ? method : ctx.request.httpMethod,
    headers: flatPairs(ctx.request.headers),
    sourceIp: ctx.request.sourceIp,
    query: flatPairs(ctx.request.query),
    pathParameters: flatEntries(ctx.route.pathParameters),
    stageVariables: flatEntries(ctx.stageVariables),
    // The $context keys the event carries (§4.3, §5.1; $context.error, overrides, waf... are not in it).
    context: contextValues(c),
    authorizer: c['authorizer'],
    identity: identityValues(c['identity']),
    body,
    isBase64Encoded: binary,
  };
}

function malformed(reason: string): GatewayError {
  return new GatewayError(
    'INTEGRATION_FAILURE',
    'Internal server error',
    502,
    `Execution failed due to configuration error: Malformed Lambda proxy response (${reason})`,
  );
}

/**
 * A header that cannot be sent as HTTP (a name that is not a token; a value with CR,
 * LF, NUL, another control but tab, or beyond Latin-1) is a malformed answer, like any
 * other, rather than a failure of the response: node:http's own checks decide, in its words.
 */
const nodeHeaderProblem: HeaderCheck = (name, text) => {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, text);
    return undefined;
  } catch (err) {
    return `header ${JSON.stringify(name)}: ${(err as Error).message}`;
  }
};

/**
 * The status code and headers of a proxy answer (§5.2, ../lambda/proxy-answer.ts). Shared by the
 * buffered answer and a stream's metadata; `malformed` says how each reports a malformed one.
 */
export function responseHead(
  out: Record<string, unknown>,
  malformed: (reason: string) => GatewayError,
): { statusCode: number; headers: Array<[string, string]> } {
  const head = readProxyHead(out, nodeHeaderProblem);
  if (typeof head === 'string') throw malformed(head);
  return head;
}

/** The 8 NUL bytes that end a streamed answer's metadata (awslambda.HttpResponseStream). */
export const METADATA_DELIMITER = Buffer.alloc(8);

/**
 * A streaming function's answer (metadata JSON, 8 NUL bytes, body) reaching a buffered integration:
 * API Gateway "returns the HTTP headers and status code but not the response body" (API Gateway
 * Developer Guide, response-transfer-mode-lambda, the BUFFERED + Invoke row). The metadata, without
 * any body, is then the proxy response; undefined when the payload is not of that form.
 */
function streamedMetadata(payload: Buffer): Record<string, unknown> | undefined {
  const at = payload.indexOf(METADATA_DELIMITER);
  if (at === -1) return undefined;
  try {
    const meta = JSON.parse(payload.subarray(0, at).toString('utf8')) as unknown;
    if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return undefined;
    const { body: _body, isBase64Encoded: _b64, ...rest } = meta as Record<string, unknown>;
    return rest;
  } catch {
    return undefined;
  }
}

/** Validates and converts the function's answer, as JSON bytes (§5.2, §1.5). */
export function proxyResponse(payload: Buffer, ctx: RequestContext): OutgoingResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    parsed = streamedMetadata(payload);
    if (parsed === undefined) throw malformed('not JSON');
  }
  const answer = readProxyAnswer(parsed, nodeHeaderProblem);
  if (typeof answer === 'string') throw malformed(answer);
  return methodResponseOf(answer.statusCode, answer.headers, answer.body, answer.isBase64Encoded, ctx);
}

/**
 * A valid answer as the method response: Content-Type application/json unless the function set one;
 * the body text (or its UTF-8 bytes) base64-decoded only when isBase64Encoded is true and the
 * client's first Accept type is binary; the response Content-Type does not count (§1.5).
 */
function methodResponseOf(statusCode: number, headers: Array<[string, string]>, text: string | Buffer, base64: boolean, ctx: RequestContext): OutgoingResponse {
  if (!headers.some(([n]) => n.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/json']);
  const decode = base64 && isBinaryMediaType(firstAcceptType(ctx.request.headers), ctx.api.binaryMediaTypes);
  let body: Buffer;
  if (typeof text === 'string') body = Buffer.from(text, decode ? 'base64' : 'utf8');
  else body = decode ? Buffer.from(text.toString('utf8'), 'base64') : text;
  return { statusCode, headers: remapResponseHeaders(headers, 'AWS_PROXY'), body };
}

/** A function error behind a proxy integration: 502 (§5.2). */
export function customerFunctionError(result: InvokeResult): GatewayError {
  return new GatewayError(
    'INTEGRATION_FAILURE',
    'Internal server error',
    502,
    `Lambda execution failed with status 200 due to customer function error: ${result.payload.toString('utf8').slice(0, 1000)}`,
  );
}

export const lambdaProxyIntegration: IntegrationHandler = async (request, ctx, deps) => {
  const result = await invokeForIntegration(request, deps, proxyEventSource(request, ctx));
  if (result.functionError) throw customerFunctionError(result);
  // An answer the instance already read (a worker instance, ../lambda/proxy-answer.ts) comes as its parts.
  const checked = result.proxyAnswer;
  const response = checked ? checkedResponse(checked, ctx) : proxyResponse(result.payload, ctx);
  return { kind: 'proxy', response };
};

/**
 * An answer read where the function ran, as the method response. The check ran in the function's
 * realm, whose built-ins the function can replace: what node:http would refuse to send (a status out
 * of range, a header it rejects) is checked again here, cheaply, so that no function can make the
 * response fail; such an answer is malformed like any other.
 */
function checkedResponse(answer: CheckedProxyAnswer, ctx: RequestContext): OutgoingResponse {
  const { statusCode, headers } = answer;
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) throw malformed('statusCode is not an integer in 100-599');
  for (const [name, value] of headers) {
    const problem = httpHeaderProblem(name, value);
    if (problem !== undefined) throw malformed(problem);
  }
  return methodResponseOf(statusCode, headers, answer.body, answer.isBase64Encoded, ctx);
}
