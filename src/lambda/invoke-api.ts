// The Lambda Invoke API (POST /2015-03-31/functions/{name}/invocations),
// served by the gateway's HTTP server so that AWS SDKs, the AWS CLI and other
// restgate instances can call local functions. Status codes, headers and error
// bodies follow Lambda's (sources in docs/fidelity.md).

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LambdaServiceError, type InvocationType, type LambdaInvoker } from './types.js';

export interface InvokeApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

const PATH_RE = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const INVOCATION_TYPES: readonly InvocationType[] = ['Event', 'RequestResponse', 'DryRun'];

/** `name`, `name:qualifier`, `123456789012:function:name[:q]` or a full function ARN. */
export function parseFunctionName(value: string): { functionName: string; qualifier: string | undefined } {
  const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::([^:]+))?$/.exec(value);
  if (arn) return { functionName: arn[1]!, qualifier: arn[2] };
  const partial = /^\d{12}:function:([^:]+)(?::([^:]+))?$/.exec(value);
  if (partial) return { functionName: partial[1]!, qualifier: partial[2] };
  const colon = value.indexOf(':');
  if (colon > 0) return { functionName: value.slice(0, colon), qualifier: value.slice(colon + 1) };
  return { functionName: value, qualifier: undefined };
}

function errorResponse(requestId: string, statusCode: number, errorType: string, message: string, type = 'User'): InvokeApiResponse {
  const body: Record<string, string> = { Type: type, message };
  if (errorType === 'TooManyRequestsException') body['Reason'] = 'ReservedFunctionConcurrentInvocationLimitExceeded';
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': errorType, 'x-amzn-RequestId': requestId },
    body: Buffer.from(JSON.stringify(body)),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Answers an Invoke API request, or returns undefined when `req` is not one
 * (the server then routes the request to the API).
 */
export function handleInvokeApi(req: IncomingMessage, body: Buffer, invoker: LambdaInvoker): Promise<InvokeApiResponse> | undefined {
  if (req.method !== 'POST' || req.url === undefined) return undefined;
  const url = new URL(req.url, 'http://localhost');
  const m = PATH_RE.exec(url.pathname);
  if (!m) return undefined;
  return invoke(req, url, m[1]!, body, invoker);
}

async function invoke(req: IncomingMessage, url: URL, rawName: string, body: Buffer, invoker: LambdaInvoker): Promise<InvokeApiResponse> {
  const requestId = randomUUID();
  let name: string;
  try {
    name = decodeURIComponent(rawName);
  } catch {
    name = rawName;
  }
  const { functionName, qualifier: fromName } = parseFunctionName(name);
  const qualifier = url.searchParams.get('Qualifier') ?? fromName;
  const invocationType = (header(req, 'x-amz-invocation-type') ?? 'RequestResponse') as InvocationType;
  if (!INVOCATION_TYPES.includes(invocationType)) {
    return errorResponse(
      requestId,
      400,
      'ValidationException',
      `1 validation error detected: Value '${invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
    );
  }
  const logType = header(req, 'x-amz-log-type') === 'Tail' ? 'Tail' : 'None';
  try {
    const result = await invoker.invoke({ functionName, qualifier, payload: body, invocationType, logType });
    const headers: Record<string, string> = { 'x-amzn-RequestId': requestId };
    if (result.statusCode === 200) {
      headers['Content-Type'] = 'application/json';
      if (result.executedVersion) headers['X-Amz-Executed-Version'] = result.executedVersion;
      if (result.functionError) headers['X-Amz-Function-Error'] = result.functionError;
      if (result.logResult !== undefined) headers['X-Amz-Log-Result'] = result.logResult;
    }
    return { statusCode: result.statusCode, headers, body: result.statusCode === 200 ? result.payload : Buffer.alloc(0) };
  } catch (err) {
    if (err instanceof LambdaServiceError) return errorResponse(requestId, err.statusCode, err.errorType, err.message);
    return errorResponse(requestId, 500, 'ServiceException', (err as Error)?.message ?? String(err), 'Service');
  }
}
