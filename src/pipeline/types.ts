// Plain data that flows between the pipeline steps. One request walks:
//   IncomingRequest
//     → method-request      (route, validate)            → MethodRequest
//     → integration-request (params, content, template)  → IntegrationRequest
//     → integration         (AWS, AWS_PROXY, HTTP, ...)  → IntegrationResult
//     → integration-response(select, convert, template)  → OutgoingResponse
//     → method-response     (status, headers)            → OutgoingResponse
// Any step may throw a GatewayError; gateway-response.ts turns it into the
// response API Gateway would send.

import type { Readable } from 'node:stream';
import { StacklessError } from '../stackless-error.js';
import type { ApiDefinition, GatewayResponseType, Integration, Method, Resource } from '../definition/model.js';

/** Ordered name/value pairs; names keep the case the client sent. */
export type Pairs = ReadonlyArray<readonly [name: string, value: string]>;

/** What the HTTP adapter hands to the pipeline. */
export interface IncomingRequest {
  /** `$context.requestId`: a UUID. */
  readonly requestId: string;
  /** `$context.extendedRequestId` / `x-amz-apigw-id`: short base64 id. */
  readonly extendedRequestId: string;
  /** Epoch milliseconds when the request arrived. */
  readonly startTime: number;
  /** Verb as sent by the client, upper-case. */
  readonly httpMethod: string;
  /** Path as sent (percent-encoded, without query string), including the stage: `/v1/lambda`. */
  readonly rawPath: string;
  /** Raw query string without `?` ('' when none). */
  readonly rawQuery: string;
  /** Decoded query parameters in order (repeated names repeat). */
  readonly query: Pairs;
  /** Request headers in order, names as sent (from rawHeaders). */
  readonly headers: Pairs;
  /** Request body, already decompressed (§13.2). Empty buffer when none. */
  readonly body: Buffer;
  readonly sourceIp: string;
  /** `HTTP/1.1` */
  readonly protocol: string;
}

/** Output of routing (§8). */
export interface RouteMatch {
  readonly resource: Resource;
  readonly method: Method;
  /** Decoded path parameter values; `{proxy+}` → remainder without leading slash. */
  readonly pathParameters: Readonly<Record<string, string>>;
  /** Path after the stage, decoded, e.g. `/lambda` (the proxy event's `path`). */
  readonly path: string;
}

/** Everything a step may need about the request in flight. */
export interface RequestContext {
  readonly api: ApiDefinition;
  readonly request: IncomingRequest;
  readonly route: RouteMatch;
  readonly stageVariables: Readonly<Record<string, string>>;
  /** `$context` as plain data (§4.3); built once per request by ./context.ts. */
  readonly context: Readonly<Record<string, unknown>>;
}

/** Output of the integration request step. */
export interface IntegrationRequest {
  readonly integration: Integration;
  /** Body for the integration: rendered template, converted or passed-through payload. */
  readonly body: Buffer;
  /** Headers for HTTP integrations (mapped + overrides). */
  readonly headers: Pairs;
  /** Query string parameters for HTTP integrations (mapped + overrides). */
  readonly querystring: Pairs;
  /** `integration.request.path.*` values, used to fill `{name}` in the uri. */
  readonly pathParameters: Readonly<Record<string, string>>;
  /** Integration uri with path parameters and stage variables substituted. */
  readonly uri: string | undefined;
  /** Whether a request template rendered the body (false: passthrough or proxy). */
  readonly templateApplied: boolean;
  /** `$context.requestOverride.*` as set by the request template (visible to the response template). */
  readonly requestOverride: Readonly<OverrideMaps>;
}

export interface OverrideMaps {
  readonly header: Readonly<Record<string, string>>;
  readonly path: Readonly<Record<string, string>>;
  readonly querystring: Readonly<Record<string, string>>;
}

/**
 * What an integration returns. Proxy integrations (AWS_PROXY, HTTP_PROXY)
 * produce the method response directly; the others go through integration
 * response selection.
 */
export type IntegrationResult = ProxyResult | EndpointResult;

export interface ProxyResult {
  readonly kind: 'proxy';
  readonly response: OutgoingResponse;
}

export interface EndpointResult {
  readonly kind: 'endpoint';
  /** HTTP status of the endpoint (200 for Lambda; the template's statusCode for MOCK). */
  readonly statusCode: number;
  /** What selection patterns are matched against (§3.1): errorMessage ('' on success) for Lambda, status for HTTP/MOCK. */
  readonly selectionInput: string;
  /** Endpoint response headers (HTTP); empty for Lambda and MOCK. */
  readonly headers: Pairs;
  /** Endpoint response payload. */
  readonly body: Buffer;
  /** Endpoint response Content-Type decides whether the payload is binary (§1.4). Lambda: application/json. */
  readonly contentType: string | undefined;
}

/** A response ready for the HTTP adapter. */
export interface OutgoingResponse {
  readonly statusCode: number;
  /** Headers in order; names as they will be written. */
  readonly headers: Pairs;
  readonly body: Buffer;
  /**
   * A streamed body (responseTransferMode STREAM), sent chunked as it comes, instead of `body` (then
   * empty). It ends normally, or is destroyed with an error when the integration failed part-way:
   * the connection is then dropped without the final chunk.
   */
  readonly stream?: Readable | undefined;
}

/** A failure that becomes a gateway response (§9). */
export class GatewayError extends StacklessError {
  constructor(
    readonly type: GatewayResponseType,
    message: string,
    /** Overrides the type's default status (e.g. 502 for a malformed Lambda proxy response, §5.2). */
    readonly statusCode?: number,
    /** Extra detail for logs and `$context.error.validationErrorString`; never sent by default. */
    readonly detail?: string,
  ) {
    // An answer to send, never shown with a stack (logs give the detail): ../stackless-error.ts.
    super(message);
    this.name = 'GatewayError';
  }
}
