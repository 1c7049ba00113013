// What the AWS and AWS_PROXY integrations share: finding the function from
// the integration uri, invoking it under the integration timeout, and turning
// Lambda service failures into the gateway errors API Gateway answers with
// (§5.2, §6, §7.6, §14).

import type { IntegrationRequest } from '../pipeline/types.js';
import { GatewayError } from '../pipeline/types.js';
import type { IntegrationDeps } from '../integrations/types.js';
import { parseFunctionName } from './function-name.js';
import { compactSource, proxyEvent, type ProxyEventSource } from './proxy-event.js';
import { LambdaServiceError, type InvocationType, type InvokeRequest, type InvokeResult } from './types.js';

export interface LambdaRef {
  readonly functionName: string;
  readonly qualifier: string | undefined;
}

const URI_RE = /\/functions\/(.+?)\/(?:response-streaming-)?invocations(?:$|\?)/;

/**
 * The function an integration calls. The uri (stage variables already
 * substituted by the integration request step) is authoritative; the model's
 * parsed `lambda` target is the fallback.
 */
export function lambdaRefFor(request: IntegrationRequest): LambdaRef | undefined {
  const uri = request.uri ?? request.integration.uri;
  if (uri) {
    const known = refs.get(uri);
    if (known !== undefined || refs.has(uri)) return known ?? fallbackRef(request);
    const ref = parseRef(uri);
    if (refs.size > 10_000) refs.clear(); // uris with stage variables could vary without end
    refs.set(uri, ref);
    if (ref) return ref;
  }
  return fallbackRef(request);
}

/** Parsed uris (a route's uri is the same on every request). */
const refs = new Map<string, LambdaRef | undefined>();

function fallbackRef(request: IntegrationRequest): LambdaRef | undefined {
  const l = request.integration.lambda;
  return l ? { functionName: l.functionName, qualifier: l.qualifier } : undefined;
}

function parseRef(uri: string): LambdaRef | undefined {
  const m = URI_RE.exec(uri);
  if (!m) return undefined;
  const { functionName, qualifier } = parseFunctionName(decodeURIComponent(m[1]!));
  // A name and at most one qualifier, neither empty: `a:b:c`, `:a` or `a:` name no function.
  const valid = (part: string) => part !== '' && !part.includes(':');
  return valid(functionName) && (qualifier === undefined || valid(qualifier)) ? { functionName, qualifier } : undefined;
}

/** Lambda service failures as API Gateway reports them to the client. */
export function gatewayErrorFor(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof LambdaServiceError) {
    const detail = `Lambda invocation failed with status: ${err.statusCode}: ${err.errorType}: ${err.message}`;
    switch (err.errorType) {
      case 'InvalidRequestContentException':
        // A request template that renders invalid JSON: the client sees Lambda's parse message.
        return new GatewayError('BAD_REQUEST_BODY', err.message, 400, detail);
      case 'RequestEntityTooLargeException':
      case 'RequestTooLargeException':
        return new GatewayError('BAD_REQUEST_BODY', 'Request Too Long', 413, detail);
      case 'AccessDeniedException':
        return new GatewayError('INTEGRATION_FAILURE', 'Internal server error', 500, detail);
      default:
        return new GatewayError('INTEGRATION_FAILURE', 'Internal server error', 502, detail);
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return new GatewayError('INTEGRATION_FAILURE', 'Internal server error', 502, `Lambda invocation failed: ${message}`);
}

/**
 * A proxy event by its source (./proxy-event.ts): its JSON and its compact form are each made the
 * first time the invoker asks (a worker instance asks only for the compact form and builds the event
 * itself; a process instance or a remote endpoint only for the JSON).
 */
export class ProxyEventRequest implements InvokeRequest {
  private json: Buffer | undefined;
  private compact: string | null | undefined;
  /** A buffered proxy integration's (no onChunk) takes the answer read where the function ran. */
  readonly acceptsProxyAnswer: boolean;

  constructor(
    readonly functionName: string,
    readonly qualifier: string | undefined,
    readonly invocationType: InvocationType,
    private readonly source: ProxyEventSource,
    /** InvokeWithResponseStream: where a streaming function's bytes go as they come. */
    readonly onChunk?: (bytes: Buffer, contentType: string) => void | Promise<void>,
  ) {
    this.acceptsProxyAnswer = onChunk === undefined;
  }

  get payload(): Buffer {
    return (this.json ??= Buffer.from(JSON.stringify(proxyEvent(this.source)), 'utf8'));
  }

  get compactEvent(): string | undefined {
    if (this.compact === undefined) this.compact = compactSource(this.source) ?? null;
    return this.compact ?? undefined;
  }
}

/**
 * Invokes the integration's function with `payload`: the JSON bytes, or a
 * proxy event's source (see ProxyEventRequest). Slower than `timeoutInMillis` →
 * INTEGRATION_TIMEOUT 504 "Endpoint request timed out" (the function itself
 * keeps running, as on AWS). Service errors → gatewayErrorFor().
 */
export function invokeForIntegration(
  request: IntegrationRequest,
  deps: IntegrationDeps,
  payload: Buffer | ProxyEventSource,
  invocationType: InvocationType = 'RequestResponse',
): Promise<InvokeResult> {
  let invocation: Promise<InvokeResult>;
  try {
    invocation = startInvocation(request, deps, payload, invocationType);
  } catch (err) {
    return Promise.reject(gatewayErrorFor(err));
  }
  // One promise and one timer per call: the answer or the integration timeout, whichever comes first.
  return new Promise<InvokeResult>((resolve, reject) => {
    const timer = setTimeout(() => reject(new GatewayError('INTEGRATION_TIMEOUT', 'Endpoint request timed out', 504)), request.integration.timeoutInMillis);
    invocation.then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(gatewayErrorFor(err));
      },
    );
  });
}

/**
 * The integration's invocation, without the integration timeout: a STREAM integration, whose timeout
 * covers the whole stream, keeps its own. Throws a GatewayError (or the invoker's error) when it
 * cannot start.
 */
export function startInvocation(
  request: IntegrationRequest,
  deps: IntegrationDeps,
  payload: Buffer | ProxyEventSource,
  invocationType: InvocationType = 'RequestResponse',
  onChunk?: (bytes: Buffer, contentType: string) => void | Promise<void>,
): Promise<InvokeResult> {
  const ref = lambdaRefFor(request);
  if (!ref) throw new GatewayError('API_CONFIGURATION_ERROR', 'Internal server error', 500, 'Integration uri does not name a Lambda function');
  const method = request.integration.httpMethod;
  if (method !== undefined && method.toUpperCase() !== 'POST') {
    // "For Lambda function invocations, the value must be POST" (§5.1)
    throw new GatewayError('INTEGRATION_FAILURE', 'Internal server error', 500, `Lambda integrations must use POST, not ${method}`);
  }
  return deps.lambda.invoke(
    Buffer.isBuffer(payload)
      ? { functionName: ref.functionName, qualifier: ref.qualifier, payload, invocationType, onChunk }
      : new ProxyEventRequest(ref.functionName, ref.qualifier, invocationType, payload, onChunk),
  );
}
