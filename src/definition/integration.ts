// x-amazon-apigateway-integration → Integration (§15.1). Templates and selection
// patterns are compiled here, once.

import { compileTemplate, VtlSyntaxError } from '../vtl/index.js';
import { compileWholeMatch } from '../vtl/java-regex.js';
import type {
  ContentHandling,
  Integration,
  IntegrationResponse,
  IntegrationType,
  LambdaTarget,
  MethodResponse,
  PassthroughBehavior,
  ResponseTransferMode,
  TemplateMap,
} from './model.js';
import { type BuildContext, expectObject, fail, optionalString, stringMap, typeName, warn } from './context.js';
import {
  checkRequestSource,
  checkResponseSource,
  declaredParameterFor,
  INTEGRATION_REQUEST_KEY,
  METHOD_RESPONSE_KEY,
} from './mappings.js';
import { ptr } from './pointer.js';

const TYPES: readonly IntegrationType[] = ['AWS', 'AWS_PROXY', 'HTTP', 'HTTP_PROXY', 'MOCK'];
const PASSTHROUGH: readonly PassthroughBehavior[] = ['WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER'];
const CONTENT_HANDLING: readonly ContentHandling[] = ['CONVERT_TO_TEXT', 'CONVERT_TO_BINARY'];
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'ANY'];
export const DEFAULT_TIMEOUT_MS = 29000;
export const MIN_TIMEOUT_MS = 50;
/** A STREAM integration's timeout may reach 15 minutes (API Gateway Developer Guide, response-transfer-mode). */
export const MAX_STREAM_TIMEOUT_MS = 900_000;
const TRANSFER_MODES: readonly ResponseTransferMode[] = ['BUFFERED', 'STREAM'];

/** Integration keys restgate reads. */
const KNOWN_KEYS = new Set([
  'type',
  'uri',
  'httpMethod',
  'credentials',
  'requestParameters',
  'requestTemplates',
  'passthroughBehavior',
  'contentHandling',
  'timeoutInMillis',
  'responses',
  'connectionType',
  'cacheKeyParameters',
  'responseTransferMode',
]);
/** Keys API Gateway accepts but restgate does not implement (reported as warnings). */
const UNIMPLEMENTED_KEYS: Record<string, string> = {
  cacheNamespace: 'cacheNamespace is not implemented yet (no stage cache); ignored',
  connectionId: 'connectionId is not implemented yet (VPC links); ignored',
  tlsConfig: 'tlsConfig is not implemented yet; ignored',
  integrationSubtype: 'integrationSubtype is for HTTP APIs only; ignored',
  payloadFormatVersion: 'payloadFormatVersion is for HTTP APIs only; REST APIs always use payload format 1.0; ignored',
};

const LAMBDA_URI =
  /^arn:(aws[a-z-]*):apigateway:([^:]+):lambda:path\/(\d{4}-\d{2}-\d{2})\/functions\/(.+)\/(invocations|response-streaming-invocations)$/;
const FUNCTION_ARN = /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,140})(?::([A-Za-z0-9_$-]{1,128}))?$/;
const AWS_SERVICE_URI = /^arn:(aws[a-z-]*):apigateway:([^:]+):([^:]+):(path|action)\/(.*)$/;
const STAGE_VARIABLE_REF = /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g;

/** What the integration needs to know about its method. */
export interface MethodInfo {
  readonly requestParameters: Readonly<Record<string, boolean>>;
  readonly methodResponses: Readonly<Record<string, MethodResponse>>;
}

export function buildIntegration(ctx: BuildContext, raw: unknown, pointer: string, method: MethodInfo): Integration {
  const obj = expectObject(ctx, raw, pointer, 'x-amazon-apigateway-integration');

  for (const key of Object.keys(obj)) {
    if (KNOWN_KEYS.has(key)) continue;
    warn(ctx, ptr(pointer, key), UNIMPLEMENTED_KEYS[key] ?? `${key} is not a known integration property; ignored`);
  }

  // type
  if (obj.type === undefined) fail(ctx, ptr(pointer, 'type'), `integration type is required (one of ${TYPES.join(', ')})`);
  if (typeof obj.type !== 'string') fail(ctx, ptr(pointer, 'type'), `integration type must be a string, got ${typeName(obj.type)}`);
  const type = obj.type.toUpperCase() as IntegrationType;
  if (!TYPES.includes(type)) {
    fail(ctx, ptr(pointer, 'type'), `unknown integration type '${obj.type}' (expected one of ${TYPES.map((t) => t.toLowerCase()).join(', ')})`);
  }

  // connectionType
  if (obj.connectionType !== undefined) {
    const ct = typeof obj.connectionType === 'string' ? obj.connectionType.toUpperCase() : undefined;
    if (ct === 'VPC_LINK') warn(ctx, ptr(pointer, 'connectionType'), 'connectionType VPC_LINK is not implemented yet; the uri is called directly');
    else if (ct !== 'INTERNET') fail(ctx, ptr(pointer, 'connectionType'), `connectionType must be INTERNET or VPC_LINK, got ${JSON.stringify(obj.connectionType)}`);
  }

  // uri
  const uri = optionalString(ctx, obj.uri, ptr(pointer, 'uri'), 'uri');
  if (type !== 'MOCK' && (uri === undefined || uri === '')) fail(ctx, ptr(pointer, 'uri'), `uri is required for ${type} integrations`);

  // httpMethod
  let httpMethod = optionalString(ctx, obj.httpMethod, ptr(pointer, 'httpMethod'), 'httpMethod');
  if (httpMethod !== undefined) {
    const upper = httpMethod.toUpperCase();
    if (!HTTP_METHODS.includes(upper)) {
      fail(ctx, ptr(pointer, 'httpMethod'), `invalid httpMethod '${httpMethod}' (expected one of ${HTTP_METHODS.join(', ')})`);
    }
    httpMethod = upper;
  } else if (type !== 'MOCK') {
    fail(ctx, ptr(pointer, 'httpMethod'), `httpMethod is required for ${type} integrations`);
  }

  // uri forms
  let lambda: LambdaTarget | undefined;
  if (type === 'AWS' || type === 'AWS_PROXY') {
    lambda = lambdaTarget(ctx, uri!, ptr(pointer, 'uri'), type);
    if (lambda && httpMethod !== 'POST') {
      fail(ctx, ptr(pointer, 'httpMethod'), `Lambda integrations must use httpMethod POST (Lambda's Invoke API), got '${httpMethod}'`);
    }
  } else if (type === 'HTTP' || type === 'HTTP_PROXY') {
    checkHttpUri(ctx, uri!, ptr(pointer, 'uri'));
  }

  // responseTransferMode: STREAM for proxy integrations only; a Lambda one then calls
  // InvokeWithResponseStream (its uri), a BUFFERED one Invoke (API Gateway Developer Guide,
  // response-transfer-mode and response-transfer-mode-lambda: the other combinations "doesn't support
  // this integration configuration").
  let responseTransferMode: ResponseTransferMode = 'BUFFERED';
  const rtmPointer = ptr(pointer, 'responseTransferMode');
  if (obj.responseTransferMode !== undefined && obj.responseTransferMode !== null) {
    const v = typeof obj.responseTransferMode === 'string' ? obj.responseTransferMode.toUpperCase() : undefined;
    if (!v || !TRANSFER_MODES.includes(v as ResponseTransferMode)) {
      fail(ctx, rtmPointer, `invalid responseTransferMode ${JSON.stringify(obj.responseTransferMode)} (expected BUFFERED or STREAM)`);
    }
    responseTransferMode = v as ResponseTransferMode;
  }
  if (responseTransferMode === 'STREAM' && type !== 'AWS_PROXY' && type !== 'HTTP_PROXY') {
    fail(ctx, rtmPointer, `responseTransferMode STREAM is for AWS_PROXY and HTTP_PROXY integrations only, not ${type}`);
  }
  if (lambda && lambda.streaming !== (responseTransferMode === 'STREAM')) {
    fail(
      ctx,
      lambda.streaming ? ptr(pointer, 'uri') : rtmPointer,
      lambda.streaming
        ? `a response-streaming-invocations uri (InvokeWithResponseStream) needs an AWS_PROXY integration with responseTransferMode STREAM`
        : `responseTransferMode STREAM needs the InvokeWithResponseStream uri (arn:aws:apigateway:REGION:lambda:path/2021-11-15/functions/FUNCTION_ARN/response-streaming-invocations)`,
    );
  }

  // passthroughBehavior
  let passthroughBehavior: PassthroughBehavior = 'WHEN_NO_MATCH';
  if (obj.passthroughBehavior !== undefined && obj.passthroughBehavior !== null) {
    const v = typeof obj.passthroughBehavior === 'string' ? obj.passthroughBehavior.toUpperCase() : undefined;
    if (!v || !PASSTHROUGH.includes(v as PassthroughBehavior)) {
      fail(
        ctx,
        ptr(pointer, 'passthroughBehavior'),
        `invalid passthroughBehavior ${JSON.stringify(obj.passthroughBehavior)} (expected when_no_match, when_no_templates or never)`,
      );
    }
    passthroughBehavior = v as PassthroughBehavior;
  }

  const contentHandling = parseContentHandling(ctx, obj.contentHandling, ptr(pointer, 'contentHandling'));
  const requestTemplates = compileTemplates(ctx, obj.requestTemplates, ptr(pointer, 'requestTemplates'), 'requestTemplates');

  // requestParameters
  const requestParameters: Record<string, string> = {};
  const rpPointer = ptr(pointer, 'requestParameters');
  for (const [key, value] of stringMap(ctx, obj.requestParameters, rpPointer, 'requestParameters')) {
    const at = ptr(rpPointer, key);
    if (!INTEGRATION_REQUEST_KEY.test(key)) {
      fail(ctx, at, `invalid integration request parameter '${key}' (expected integration.request.{path|querystring|header|multivaluequerystring|multivalueheader}.<name>)`);
    }
    const problem = checkRequestSource(value);
    if (problem) fail(ctx, at, problem);
    const declared = declaredParameterFor(value);
    if (declared && !(declared in method.requestParameters)) {
      fail(ctx, at, `Invalid mapping expression parameter specified: ${value} (declare ${declared.split('.').pop()} as a ${declared.split('.')[2]} parameter of the operation)`);
    }
    requestParameters[key] = value;
  }

  // timeoutInMillis
  let timeoutInMillis = DEFAULT_TIMEOUT_MS;
  if (obj.timeoutInMillis !== undefined && obj.timeoutInMillis !== null) {
    const t = obj.timeoutInMillis;
    const max = responseTransferMode === 'STREAM' ? MAX_STREAM_TIMEOUT_MS : DEFAULT_TIMEOUT_MS;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < MIN_TIMEOUT_MS || t > max) {
      fail(ctx, ptr(pointer, 'timeoutInMillis'), `timeoutInMillis must be an integer between ${MIN_TIMEOUT_MS} and ${max}, got ${JSON.stringify(t)}`);
    }
    timeoutInMillis = t;
  }

  // cacheKeyParameters
  let cacheKeyParameters: string[] = [];
  if (obj.cacheKeyParameters !== undefined && obj.cacheKeyParameters !== null) {
    const c = obj.cacheKeyParameters;
    if (!Array.isArray(c) || c.some((x) => typeof x !== 'string')) {
      fail(ctx, ptr(pointer, 'cacheKeyParameters'), 'cacheKeyParameters must be an array of strings');
    }
    cacheKeyParameters = c as string[];
    if (cacheKeyParameters.length > 0) warn(ctx, ptr(pointer, 'cacheKeyParameters'), 'cacheKeyParameters is not implemented yet (no stage cache); ignored');
  }

  // responses
  const responses: IntegrationResponse[] = [];
  let defaultResponse: IntegrationResponse | undefined;
  const respPointer = ptr(pointer, 'responses');
  if (obj.responses !== undefined && obj.responses !== null) {
    const map = expectObject(ctx, obj.responses, respPointer, 'integration responses');
    for (const [pattern, value] of Object.entries(map)) {
      const r = buildResponse(ctx, pattern, value, ptr(respPointer, pattern), method);
      if (pattern === 'default') defaultResponse = r;
      else responses.push(r);
    }
  }

  return {
    type,
    pointer,
    uri,
    httpMethod,
    credentials: optionalString(ctx, obj.credentials, ptr(pointer, 'credentials'), 'credentials'),
    passthroughBehavior,
    contentHandling,
    requestTemplates,
    requestParameters,
    timeoutInMillis,
    responses,
    defaultResponse,
    lambda,
    cacheKeyParameters,
    responseTransferMode,
  };
}

function buildResponse(ctx: BuildContext, pattern: string, raw: unknown, pointer: string, method: MethodInfo): IntegrationResponse {
  const obj = expectObject(ctx, raw, pointer, 'an integration response');
  let matcher: RegExp | undefined;
  if (pattern !== 'default') {
    try {
      matcher = compileWholeMatch(pattern);
    } catch (e) {
      fail(ctx, pointer, `invalid selection pattern ${JSON.stringify(pattern)}: ${(e as Error).message}`);
    }
  }
  let statusCode: string;
  const sc = obj.statusCode;
  if (sc === undefined || sc === null) fail(ctx, ptr(pointer, 'statusCode'), 'statusCode is required');
  if (typeof sc === 'number' && Number.isInteger(sc)) statusCode = String(sc);
  else if (typeof sc === 'string') statusCode = sc;
  else fail(ctx, ptr(pointer, 'statusCode'), `statusCode must be a string of 3 digits, got ${typeName(sc)}`);
  if (!/^[1-5]\d\d$/.test(statusCode)) {
    fail(ctx, ptr(pointer, 'statusCode'), `statusCode must be 3 digits (100-599), got ${JSON.stringify(sc)}`);
  }
  const methodResponse = method.methodResponses[statusCode];
  if (!methodResponse) {
    warn(ctx, ptr(pointer, 'statusCode'), `no method response is declared for status ${statusCode} (add responses.${statusCode} to the operation)`);
  }

  const responseParameters: Record<string, string> = {};
  const rpPointer = ptr(pointer, 'responseParameters');
  for (const [key, value] of stringMap(ctx, obj.responseParameters, rpPointer, 'responseParameters')) {
    const at = ptr(rpPointer, key);
    const m = METHOD_RESPONSE_KEY.exec(key);
    if (!m) fail(ctx, at, `invalid response parameter '${key}' (expected method.response.header.<name>)`);
    const problem = checkResponseSource(value);
    if (problem) fail(ctx, at, problem);
    if (methodResponse && !(key in methodResponse.responseParameters)) {
      fail(ctx, at, `Invalid mapping expression specified: ${key} is not declared in the method response for status ${statusCode} (add header ${m[1]} to responses.${statusCode}.headers)`);
    }
    responseParameters[key] = value;
  }

  return {
    selectionPattern: pattern === 'default' ? undefined : pattern,
    matcher,
    statusCode,
    responseParameters,
    responseTemplates: compileTemplates(ctx, obj.responseTemplates, ptr(pointer, 'responseTemplates'), 'responseTemplates'),
    contentHandling: parseContentHandling(ctx, obj.contentHandling, ptr(pointer, 'contentHandling')),
    pointer,
  };
}

function parseContentHandling(ctx: BuildContext, v: unknown, pointer: string): ContentHandling | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !CONTENT_HANDLING.includes(v as ContentHandling)) {
    fail(ctx, pointer, `invalid contentHandling ${JSON.stringify(v)} (expected CONVERT_TO_TEXT or CONVERT_TO_BINARY)`);
  }
  return v as ContentHandling;
}

export function compileTemplates(ctx: BuildContext, v: unknown, pointer: string, what: string): TemplateMap {
  const out: Array<readonly [string, ReturnType<typeof compileTemplate>]> = [];
  if (v === undefined || v === null) return out;
  const obj = expectObject(ctx, v, pointer, what);
  for (const [contentType, source] of Object.entries(obj)) {
    const at = ptr(pointer, contentType);
    // An exported API may carry `null` for an empty template.
    const text = source === null ? '' : source;
    if (typeof text !== 'string') fail(ctx, at, `mapping template must be a string, got ${typeName(source)}`);
    try {
      out.push([contentType, compileTemplate(text)]);
    } catch (e) {
      if (e instanceof VtlSyntaxError) {
        const reason = e.message.replace(/ at line \d+, column \d+$/, '');
        fail(ctx, at, `mapping template syntax error at line ${e.line}, column ${e.column}: ${reason}`);
      }
      fail(ctx, at, `mapping template cannot be compiled: ${(e as Error).message}`);
    }
  }
  return out;
}

function checkHttpUri(ctx: BuildContext, uri: string, pointer: string): void {
  if (!/^https?:\/\//i.test(uri)) fail(ctx, pointer, `HTTP integrations need an absolute http:// or https:// uri, got '${uri}'`);
  // Stage variables may stand for the host; such uris are checked when used.
  if (uri.includes('${')) return;
  try {
    new URL(uri);
  } catch {
    fail(ctx, pointer, `invalid uri '${uri}'`);
  }
}

function lambdaTarget(ctx: BuildContext, rawUri: string, pointer: string, type: IntegrationType): LambdaTarget | undefined {
  return lambdaUriTarget(ctx, rawUri, pointer, (uri) => {
    if (type === 'AWS_PROXY') {
      fail(
        ctx,
        pointer,
        `AWS_PROXY integrations need a Lambda function uri (arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations, or …/2021-11-15/functions/FUNCTION_ARN/response-streaming-invocations to stream), got '${rawUri}'`,
      );
    }
    const svc = AWS_SERVICE_URI.exec(uri);
    if (!svc) {
      fail(ctx, pointer, `invalid AWS integration uri '${rawUri}' (expected arn:aws:apigateway:REGION:SERVICE:path|action/...)`);
    }
    warn(ctx, pointer, `AWS service integrations (${svc[3]}) are not supported yet; requests to this method will fail`);
  });
}

/**
 * The Lambda function a uri invokes (an integration's, an authorizer's authorizerUri): stage variables
 * substituted from the ones given at load (undefined, with a warning, while one is missing), the function
 * ARN checked and the function looked up. `notLambda` handles a uri of another form, given with the stage
 * variables substituted (it may fail).
 */
export function lambdaUriTarget(ctx: BuildContext, rawUri: string, pointer: string, notLambda: (uri: string) => void): LambdaTarget | undefined {
  const stageVariables = ctx.options.stageVariables ?? {};
  const missing = new Set<string>();
  const uri = rawUri.replace(STAGE_VARIABLE_REF, (whole, name: string) => {
    const value = stageVariables[name];
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return value;
  });
  const m = LAMBDA_URI.exec(uri);
  if (!m) {
    notLambda(uri);
    return undefined;
  }
  if (missing.size > 0) {
    const names = [...missing].map((n) => `\${stageVariables.${n}}`).join(', ');
    warn(ctx, pointer, `the Lambda function uses ${names}, which is not set; pass the stage variable to resolve it (there is no function to call until then)`);
    return undefined;
  }
  const functionArn = m[4]!;
  const f = FUNCTION_ARN.exec(functionArn);
  if (!f) {
    fail(ctx, pointer, `invalid Lambda function ARN '${functionArn}' in uri (expected arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER])`);
  }
  const functionName = f[4]!;
  const exists = ctx.options.functionExists;
  if (exists && !exists(functionName)) {
    const hint = ctx.options.describeFunctionLookup?.(functionName);
    fail(ctx, pointer, `function ${functionName} not found${hint ? ` ${hint}` : ''}`);
  }
  return { functionName, qualifier: f[5], functionArn, region: f[2]!, streaming: m[5] === 'response-streaming-invocations' };
}

