// The Lambda Invoke API (POST /2015-03-31/functions/{name}/invocations) and
// InvokeWithResponseStream (POST /2021-11-15/functions/{name}/response-streaming-invocations),
// served by the gateway's HTTP server so that AWS SDKs, the AWS CLI and other
// restgate instances can call local functions. Status codes, headers and error
// bodies follow Lambda's (sources in docs/fidelity.md).

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { payloadTooLarge, utf8Problem } from './errors.js';
import { parseFunctionName } from './function-name.js';
import { startResponseStream } from './invoke-stream.js';
import { LambdaServiceError, type InvocationType, type InvokeRequest, type LambdaInvoker } from './types.js';

export interface InvokeApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
  /** InvokeWithResponseStream: the event stream, sent chunked as it comes, instead of `body`. */
  stream?: Readable;
}

const PATH_RE = /^\/(?:2015-03-31\/functions\/([^/]+)\/invocations|2021-11-15\/functions\/([^/]+)\/response-streaming-invocations)\/?$/;
const INVOCATION_TYPES: readonly InvocationType[] = ['Event', 'RequestResponse', 'DryRun'];
/** InvokeWithResponseStream has no Event invocations (API_InvokeWithResponseStream, InvocationType). */
const STREAM_INVOCATION_TYPES: readonly InvocationType[] = ['RequestResponse', 'DryRun'];
const LOG_TYPES: readonly string[] = ['None', 'Tail'];

/**
 * The Invoke request's FunctionName and Qualifier constraints, from the Lambda
 * API model (docs/fidelity.md, "Lambda Invoke API"): a value that does not match
 * is a 400 ValidationException quoting the pattern.
 */
const FUNCTION_NAME_PATTERN = '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const FUNCTION_NAME_RE = new RegExp(`^(?:${FUNCTION_NAME_PATTERN})$`);
const FUNCTION_NAME_MAX = 170;
const QUALIFIER_PATTERN = '(|[a-zA-Z0-9$_-]+)';
const QUALIFIER_RE = /^(?:|[a-zA-Z0-9$_-]+)$/;
const QUALIFIER_MAX = 128;

/**
 * Error types whose body carries `Message` rather than `message` (the Lambda API
 * model as the AWS SDK declares it; bodies AWS sent, e.g. `{"Type":"User","Message":
 * "Function not found: …"}`).
 */
const CAPITAL_MESSAGE: ReadonlySet<string> = new Set(['ResourceNotFoundException', 'ServiceException']);

function errorResponse(requestId: string, statusCode: number, errorType: string, message: string, type = 'User'): InvokeApiResponse {
  const body: Record<string, string> = { Type: type, [CAPITAL_MESSAGE.has(errorType) ? 'Message' : 'message']: message };
  if (errorType === 'TooManyRequestsException') body['Reason'] = 'ReservedFunctionConcurrentInvocationLimitExceeded';
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': errorType, 'x-amzn-RequestId': requestId },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/**
 * The Invoke API's 413 for a request whose body the server stopped reading (over
 * the HTTP server's own limit), or undefined when `req` is not an Invoke API call.
 */
export function invokeApiTooLarge(req: IncomingMessage): InvokeApiResponse | undefined {
  if (req.method !== 'POST' || req.url === undefined || !PATH_RE.test(new URL(req.url, 'http://localhost').pathname)) return undefined;
  const declared = Number(header(req, 'content-length'));
  const type = header(req, 'x-amz-invocation-type') === 'Event' ? 'Event' : 'RequestResponse';
  const err = payloadTooLarge(Number.isFinite(declared) ? declared : 0, type);
  return errorResponse(randomUUID(), err.statusCode, err.errorType, err.message);
}

/**
 * The region a SigV4-signed request was signed for (the Authorization header's credential scope,
 * `Credential=<key>/<date>/<region>/lambda/aws4_request`): the region of the endpoint the client
 * thinks it calls. Undefined for an unsigned request.
 */
function signedRegion(req: IncomingMessage): string | undefined {
  const auth = header(req, 'authorization');
  return auth === undefined ? undefined : /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/lambda\/aws4_request/.exec(auth)?.[1];
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
  return m[1] !== undefined ? invoke(req, url, m[1], body, invoker, false) : invoke(req, url, m[2]!, body, invoker, true);
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * X-Amz-Client-Context: base64 of a JSON object, or Lambda's 400 "Client context must be a valid
 * Base64-encoded JSON object." (InvalidRequestContentException, observed: boto/boto3#2153). Returns
 * the JSON text, undefined when the header is absent, null when it is invalid.
 */
function clientContextText(value: string | undefined): string | undefined | null {
  if (value === undefined) return undefined;
  if (!BASE64_RE.test(value)) return null;
  const text = Buffer.from(value, 'base64').toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? text : null;
  } catch {
    return null;
  }
}

function validationError(requestId: string, value: string, member: string, constraint: string): InvokeApiResponse {
  return errorResponse(requestId, 400, 'ValidationException', `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

/** The first constraint the request breaks, as Lambda answers it; undefined when there is none. */
function invalidRequest(
  requestId: string,
  name: string,
  queryQualifier: string | null,
  invocationType: string,
  logType: string,
  streaming: boolean,
): InvokeApiResponse | undefined {
  if (name.length > FUNCTION_NAME_MAX) return validationError(requestId, name, 'functionName', `Member must have length less than or equal to ${FUNCTION_NAME_MAX}`);
  if (!FUNCTION_NAME_RE.test(name)) return validationError(requestId, name, 'functionName', `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`);
  if (queryQualifier !== null) {
    if (queryQualifier.length > QUALIFIER_MAX) return validationError(requestId, queryQualifier, 'qualifier', `Member must have length less than or equal to ${QUALIFIER_MAX}`);
    if (!QUALIFIER_RE.test(queryQualifier)) return validationError(requestId, queryQualifier, 'qualifier', `Member must satisfy regular expression pattern: ${QUALIFIER_PATTERN}`);
  }
  const types = streaming ? STREAM_INVOCATION_TYPES : INVOCATION_TYPES;
  if (!(types as readonly string[]).includes(invocationType)) {
    return validationError(requestId, invocationType, 'invocationType', `Member must satisfy enum value set: [${types.join(', ')}]`);
  }
  if (!LOG_TYPES.includes(logType)) return validationError(requestId, logType, 'logType', 'Member must satisfy enum value set: [None, Tail]');
  return undefined;
}

async function invoke(req: IncomingMessage, url: URL, rawName: string, body: Buffer, invoker: LambdaInvoker, streaming: boolean): Promise<InvokeApiResponse> {
  // One id for the API answer (x-amzn-RequestId), the context's awsRequestId and the log lines, as on Lambda.
  const requestId = randomUUID();
  let name: string;
  try {
    name = decodeURIComponent(rawName);
  } catch {
    name = rawName;
  }
  const queryQualifier = url.searchParams.get('Qualifier');
  const invocationType = header(req, 'x-amz-invocation-type') ?? 'RequestResponse';
  const logType = header(req, 'x-amz-log-type') ?? 'None';
  const invalid = invalidRequest(requestId, name, queryQualifier, invocationType, logType, streaming);
  if (invalid) return invalid;
  const { functionName, qualifier: fromName, region: arnRegion } = parseFunctionName(name);
  // A function ARN names its region; Lambda serves only its own region's functions (observed:
  // "Functions from 'us-east-1' are not reachable in this region ('us-west-1')", docs/fidelity.md).
  const region = signedRegion(req) ?? invoker.region ?? 'us-east-1';
  if (arnRegion !== undefined && arnRegion !== region) {
    return errorResponse(requestId, 404, 'ResourceNotFoundException', `Functions from '${arnRegion}' are not reachable in this region ('${region}')`);
  }
  if (queryQualifier !== null && queryQualifier !== '' && fromName !== undefined && queryQualifier !== fromName) {
    return errorResponse(requestId, 400, 'InvalidParameterValueException', 'The derived qualifier from the function name does not match the specified qualifier.');
  }
  const qualifier = queryQualifier || fromName;
  const clientContext = clientContextText(header(req, 'x-amz-client-context'));
  if (clientContext === null) {
    return errorResponse(requestId, 400, 'InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
  }
  // Lambda reads the payload as UTF-8 JSON: bytes that are not UTF-8 are refused before anything runs.
  const notUtf8 = invocationType === 'DryRun' ? undefined : utf8Problem(body);
  if (notUtf8 !== undefined) {
    return errorResponse(requestId, 400, 'InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${notUtf8}`);
  }
  const request: InvokeRequest = {
    functionName,
    qualifier,
    payload: body,
    invocationType: invocationType as InvocationType,
    logType: logType as 'None' | 'Tail',
    requestId,
    // Lambda passes the client context to synchronous invocations only (API_Invoke, ClientContext).
    clientContext: invocationType === 'RequestResponse' ? clientContext : undefined,
  };
  try {
    if (streaming) {
      if (invocationType === 'DryRun') return { statusCode: 204, headers: { 'x-amzn-RequestId': requestId }, body: Buffer.alloc(0) };
      const started = await startResponseStream(request, invoker);
      const headers: Record<string, string> = { 'x-amzn-RequestId': requestId, 'Content-Type': started.contentType };
      if (started.executedVersion) headers['X-Amz-Executed-Version'] = started.executedVersion;
      return { statusCode: 200, headers, body: Buffer.alloc(0), stream: started.stream };
    }
    const result = await invoker.invoke(request);
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
