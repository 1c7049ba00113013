// The Lambda (AWS, §6) and Lambda proxy (AWS_PROXY, §5, §1.5) integrations,
// driven with hand-built pipeline data and a scripted LambdaInvoker, plus one
// run against the real local runtime.
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiDefinition, Integration, Resource } from '../../src/definition/model.js';
import { lambdaIntegration } from '../../src/integrations/lambda.js';
import { lambdaProxyIntegration, proxyEventSource } from '../../src/integrations/lambda-proxy.js';
import type { IntegrationDeps } from '../../src/integrations/types.js';
import { MAX_RESPONSE_PAYLOAD, MAX_SYNC_PAYLOAD } from '../../src/lambda/errors.js';
import { compactSource, proxyEvent } from '../../src/lambda/proxy-event.js';
import { createLocalInvoker } from '../../src/lambda/local.js';
import { LambdaServiceError, type InvokeRequest, type InvokeResult, type LambdaInvoker } from '../../src/lambda/types.js';
import { GatewayError, type IntegrationRequest, type Pairs, type RequestContext } from '../../src/pipeline/types.js';

/** The REST API (payload format 1.0) proxy event the gateway makes for this request (§5.1). */
function buildProxyEvent(request: IntegrationRequest, ctx: RequestContext): Record<string, unknown> {
  return proxyEvent(proxyEventSource(request, ctx));
}

// ---- builders -----------------------------------------------------------------

function integration(over: Partial<Integration> = {}): Integration {
  return {
    type: 'AWS_PROXY',
    pointer: '/paths/~1{proxy+}/x-amazon-apigateway-any-method/x-amazon-apigateway-integration',
    uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:SimpleLambda4ProxyResource/invocations',
    httpMethod: 'POST',
    credentials: undefined,
    passthroughBehavior: 'WHEN_NO_MATCH',
    contentHandling: undefined,
    requestTemplates: [],
    requestParameters: {},
    timeoutInMillis: 29000,
    responses: [],
    defaultResponse: undefined,
    lambda: undefined,
    cacheKeyParameters: [],
    responseTransferMode: 'BUFFERED',
    ...over,
  };
}

interface CtxSpec {
  method?: string;
  resource?: string;
  path?: string;
  stage?: string;
  headers?: Pairs;
  query?: Pairs;
  body?: Buffer;
  pathParameters?: Record<string, string>;
  stageVariables?: Record<string, string>;
  binaryMediaTypes?: string[];
  context?: Record<string, unknown>;
}

function context(spec: CtxSpec = {}): RequestContext {
  const resource = { path: spec.resource ?? '/{proxy+}', pointer: '/paths/x', methods: {} } as Resource;
  const stage = spec.stage ?? 'testStage';
  const path = spec.path ?? '/hello/world';
  return {
    api: { binaryMediaTypes: spec.binaryMediaTypes ?? [], stage } as unknown as ApiDefinition,
    request: {
      requestId: 'deef4878-7910-11e6-8f14-25afc3e9ae33',
      extendedRequestId: 'ca2IdHHqoAMFo6w=',
      startTime: 1519166937665,
      httpMethod: spec.method ?? 'POST',
      rawPath: `/${stage}${path}`,
      rawQuery: '',
      query: spec.query ?? [],
      headers: spec.headers ?? [],
      body: spec.body ?? Buffer.alloc(0),
      sourceIp: '192.168.196.186',
      protocol: 'HTTP/1.1',
    },
    route: { resource, method: {} as never, pathParameters: spec.pathParameters ?? {}, path },
    stageVariables: spec.stageVariables ?? {},
    context: spec.context ?? {},
  };
}

function integrationRequest(over: Partial<Integration> = {}, body = Buffer.alloc(0), headers: Pairs = []): IntegrationRequest {
  const i = integration(over);
  return {
    integration: i,
    body,
    headers,
    querystring: [],
    pathParameters: {},
    uri: i.uri,
    templateApplied: false,
    requestOverride: { header: {}, path: {}, querystring: {} },
  };
}

function scripted(answer: (request: InvokeRequest) => Partial<InvokeResult> | Promise<Partial<InvokeResult>>): IntegrationDeps & { calls: InvokeRequest[] } {
  const calls: InvokeRequest[] = [];
  const lambda: LambdaInvoker = {
    has: () => true,
    close: async () => {},
    async invoke(request) {
      calls.push(request);
      const a = await answer(request);
      return { statusCode: 200, payload: Buffer.from('null'), functionError: undefined, logResult: undefined, executedVersion: '$LATEST', ...a };
    },
  };
  return { lambda, calls };
}

const ok = (value: unknown): Partial<InvokeResult> => ({ payload: Buffer.from(JSON.stringify(value)) });

async function gatewayError(p: Promise<unknown>): Promise<GatewayError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayError);
  return err as GatewayError;
}

// ---- the proxy event ----------------------------------------------------------

describe('Lambda proxy event (§5.1)', () => {
  // The request and event documented in "Set up Lambda proxy integrations in API Gateway",
  // section "Input format of a Lambda function for proxy integration"
  // (awsdocs/amazon-api-gateway-developer-guide, doc_source/set-up-lambda-proxy-integrations.md) [D-proxy].
  const docHeaders: Array<[string, string]> = [
    ['Accept', '*/*'],
    ['Accept-Encoding', 'gzip, deflate'],
    ['cache-control', 'no-cache'],
    ['CloudFront-Forwarded-Proto', 'https'],
    ['CloudFront-Is-Desktop-Viewer', 'true'],
    ['CloudFront-Is-Mobile-Viewer', 'false'],
    ['CloudFront-Is-SmartTV-Viewer', 'false'],
    ['CloudFront-Is-Tablet-Viewer', 'false'],
    ['CloudFront-Viewer-Country', 'US'],
    ['Content-Type', 'application/json'],
    ['headerName', 'headerValue'],
    ['Host', 'gy415nuibc.execute-api.us-east-1.amazonaws.com'],
    ['Postman-Token', '9f583ef0-ed83-4a38-aef3-eb9ce3f7a57f'],
    ['User-Agent', 'PostmanRuntime/2.4.5'],
    ['Via', '1.1 d98420743a69852491bbdea73f7680bd.cloudfront.net (CloudFront)'],
    ['X-Amz-Cf-Id', 'pn-PWIJc6thYnZm5P0NMgOUglL1DYtl0gdeJky8tqsg8iS_sgsKD1A=='],
    ['X-Forwarded-For', '54.240.196.186, 54.182.214.83'],
    ['X-Forwarded-Port', '443'],
    ['X-Forwarded-Proto', 'https'],
  ];
  const docEvent = {
    resource: '/{proxy+}',
    path: '/hello/world',
    httpMethod: 'POST',
    headers: Object.fromEntries(docHeaders),
    // The documented multiValueHeaders also lists an empty '' header, an artefact of that capture.
    multiValueHeaders: Object.fromEntries(docHeaders.map(([k, v]) => [k, [v]])),
    queryStringParameters: { name: 'me', multivalueName: 'me' },
    multiValueQueryStringParameters: { name: ['me'], multivalueName: ['you', 'me'] },
    pathParameters: { proxy: 'hello/world' },
    stageVariables: { stageVariableName: 'stageVariableValue' },
    requestContext: {
      accountId: '12345678912',
      resourceId: 'roq9wj',
      stage: 'testStage',
      requestId: 'deef4878-7910-11e6-8f14-25afc3e9ae33',
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        apiKey: null,
        sourceIp: '192.168.196.186',
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: 'PostmanRuntime/2.4.5',
        user: null,
      },
      resourcePath: '/{proxy+}',
      httpMethod: 'POST',
      apiId: 'gy415nuibc',
    },
    body: '{\r\n\t"a": 1\r\n}',
    isBase64Encoded: false,
  };
  // $context as src/pipeline/context.ts builds it (§4.3), with the documented values.
  const $context = {
    accountId: '12345678912',
    apiId: 'gy415nuibc',
    awsEndpointRequestId: 'deef4878-7910-11e6-8f14-25afc3e9ae33',
    deploymentId: 'dep123',
    domainName: 'gy415nuibc.execute-api.us-east-1.amazonaws.com',
    domainPrefix: 'gy415nuibc',
    extendedRequestId: 'ca2IdHHqoAMFo6w=',
    httpMethod: 'POST',
    identity: {
      accountId: null,
      apiKey: null,
      apiKeyId: null,
      accessKey: null,
      caller: null,
      cognitoAuthenticationProvider: null,
      cognitoAuthenticationType: null,
      cognitoIdentityId: null,
      cognitoIdentityPoolId: null,
      principalOrgId: null,
      sourceIp: '192.168.196.186',
      clientCert: null,
      user: null,
      userAgent: 'PostmanRuntime/2.4.5',
      userArn: null,
      vpcId: null,
      vpceId: null,
    },
    path: '/testStage/hello/world',
    protocol: 'HTTP/1.1',
    requestId: 'deef4878-7910-11e6-8f14-25afc3e9ae33',
    requestTime: '20/Feb/2018:22:48:57 +0000',
    requestTimeEpoch: 1519166937665,
    resourceId: 'roq9wj',
    resourcePath: '/{proxy+}',
    stage: 'testStage',
    error: { message: null },
  };

  it('matches the documented event field by field (repeated query keys, path parameters, stage variables)', () => {
    const ctx = context({
      headers: [...docHeaders.slice(0, 12), ['Content-Length', '15'], ['Connection', 'keep-alive'], ...docHeaders.slice(12)],
      query: [
        ['name', 'me'],
        ['multivalueName', 'you'],
        ['multivalueName', 'me'],
      ],
      body: Buffer.from('{\r\n\t"a": 1\r\n}'),
      pathParameters: { proxy: 'hello/world' },
      stageVariables: { stageVariableName: 'stageVariableValue' },
      context: $context,
    });
    const event = buildProxyEvent(integrationRequest(), ctx);
    for (const key of Object.keys(docEvent) as Array<keyof typeof docEvent>) {
      if (key === 'requestContext') continue;
      expect(event[key], key).toEqual(docEvent[key]);
    }
    expect(Object.keys(event).sort()).toEqual(Object.keys(docEvent).sort());
    // Every documented requestContext value, plus the fields AWS has added since
    // (path with stage, protocol, requestTime, requestTimeEpoch, domainName, ...: §4.3, §5.1).
    const rc = event['requestContext'] as Record<string, unknown>;
    expect(rc).toMatchObject(docEvent.requestContext);
    expect(rc).toEqual({
      ...docEvent.requestContext,
      identity: { ...docEvent.requestContext.identity, principalOrgId: null, accessKey: null },
      path: '/testStage/hello/world',
      protocol: 'HTTP/1.1',
      requestTime: '20/Feb/2018:22:48:57 +0000',
      requestTimeEpoch: 1519166937665,
      extendedRequestId: 'ca2IdHHqoAMFo6w=',
      domainName: 'gy415nuibc.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'gy415nuibc',
      deploymentId: 'dep123',
    });
  });

  it('repeated headers: last value in headers, all values in multiValueHeaders; hop-by-hop headers dropped', () => {
    const event = buildProxyEvent(
      integrationRequest(),
      context({
        headers: [
          ['Host', '127.0.0.1:3000'],
          ['X-Tag', 'a'],
          ['X-Tag', 'b'],
          ['Transfer-Encoding', 'chunked'],
        ],
        context: $context,
      }),
    );
    expect(event['headers']).toEqual({ Host: '127.0.0.1:3000', 'X-Tag': 'b', 'X-Forwarded-For': '192.168.196.186', 'X-Forwarded-Port': '3000', 'X-Forwarded-Proto': 'http' });
    expect(event['multiValueHeaders']).toEqual({
      Host: ['127.0.0.1:3000'],
      'X-Tag': ['a', 'b'],
      'X-Forwarded-For': ['192.168.196.186'],
      'X-Forwarded-Port': ['3000'],
      'X-Forwarded-Proto': ['http'],
    });
  });

  it('a binary Content-Type gives a base64 body with isBase64Encoded true (§1.5)', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
    const event = buildProxyEvent(
      integrationRequest(),
      context({ headers: [['Content-Type', 'image/png']], body: png, binaryMediaTypes: ['image/*'], context: $context }),
    );
    expect(event['body']).toBe(png.toString('base64'));
    expect(event['isBase64Encoded']).toBe(true);
    const text = buildProxyEvent(integrationRequest(), context({ headers: [['Content-Type', 'text/plain']], body: Buffer.from('hé'), binaryMediaTypes: ['image/*'] }));
    expect([text['body'], text['isBase64Encoded']]).toEqual(['hé', false]);
  });

  it('empty collections and an empty body are null', () => {
    const event = buildProxyEvent(integrationRequest(), context({ method: 'GET', resource: '/', path: '/', context: $context }));
    expect(event['queryStringParameters']).toBeNull();
    expect(event['multiValueQueryStringParameters']).toBeNull();
    expect(event['pathParameters']).toBeNull();
    expect(event['stageVariables']).toBeNull();
    expect(event['body']).toBeNull();
    expect(event['isBase64Encoded']).toBe(false);
    expect([event['resource'], event['path']]).toEqual(['/', '/']);
  });
});

// ---- the proxy response -------------------------------------------------------

describe('Lambda proxy response (§5.2, §1.5)', () => {
  const run = (answer: Partial<InvokeResult>, spec: CtxSpec = {}) =>
    lambdaProxyIntegration(integrationRequest(), context(spec), scripted(() => answer));

  it('statusCode, headers + multiValueHeaders (multi wins), body', async () => {
    const result = await run(
      ok({
        statusCode: 201,
        headers: { 'X-One': '1', 'Set-Cookie': 'ignored', 'Content-Type': 'text/plain' },
        multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
        body: 'created',
      }),
    );
    expect(result).toEqual({
      kind: 'proxy',
      response: {
        statusCode: 201,
        headers: [
          ['X-One', '1'],
          ['Content-Type', 'text/plain'],
          ['set-cookie', 'a=1'],
          ['set-cookie', 'b=2'],
        ],
        body: Buffer.from('created'),
      },
    });
  });

  it('reserved response headers are renamed x-amzn-Remapped-<Name> (§7.5, D-notes), in any case; Content-Length is the gateway\'s', async () => {
    // WWW-Authenticate from a Lambda proxy arrives as x-amzn-Remapped-WWW-Authenticate (widely reported, e.g.
    // the "HTTP Basic auth with Lambda/API Gateway" threads); the rest of the §7.5 list is treated alike.
    const result = await run(
      ok({
        headers: { 'www-authenticate': 'Basic realm="x"', Date: 'd', Server: 's', Authorization: 'a', 'Content-Length': '99', Tab: 'a\tb é' },
        multiValueHeaders: { 'user-agent': ['u1', 'u2'], Trailer: ['t'], 'Transfer-Encoding': ['chunked'] },
        body: 'x',
      }),
    );
    expect(result).toEqual({
      kind: 'proxy',
      response: {
        statusCode: 200,
        headers: [
          ['x-amzn-Remapped-WWW-Authenticate', 'Basic realm="x"'],
          ['x-amzn-Remapped-Date', 'd'],
          ['x-amzn-Remapped-Server', 's'],
          ['x-amzn-Remapped-Authorization', 'a'],
          ['Content-Length', '99'],
          ['Tab', 'a\tb é'],
          ['x-amzn-Remapped-User-Agent', 'u1'],
          ['x-amzn-Remapped-User-Agent', 'u2'],
          ['x-amzn-Remapped-Trailer', 't'],
          ['Content-Type', 'application/json'],
        ],
        body: Buffer.from('x'),
      },
    });
  });

  it('defaults: status 200, empty body, Content-Type application/json', async () => {
    const result = await run(ok({}));
    expect(result).toEqual({ kind: 'proxy', response: { statusCode: 200, headers: [['Content-Type', 'application/json']], body: Buffer.alloc(0) } });
  });

  it.each([
    ['a bare string', 'hello'],
    ['an array', [1]],
    ['null', null],
    ['an extra key', { statusCode: 200, statusDescription: 'OK' }],
    ['an object body', { body: { a: 1 } }],
    ['a non-integer statusCode', { statusCode: 'abc' }],
    ['a header value object', { headers: { a: { b: 1 } } }],
    ['multiValueHeaders not lists', { multiValueHeaders: { a: 'b' } }],
    // Not sendable as HTTP (restgate's choice: the malformed-answer 502, docs/fidelity.md).
    ['a header value with a newline', { headers: { 'X-A': 'a\nb' } }],
    ['a header value with NUL', { multiValueHeaders: { 'X-A': ['a\u0000'] } }],
    ['a header value beyond Latin-1', { headers: { 'X-A': '💡' } }],
    ['a header name with a space', { headers: { 'X A': 'b' } }],
    ['an empty header name', { headers: { '': 'b' } }],
  ])('%s → 502 Internal server error', async (_label, value) => {
    const err = await gatewayError(run(ok(value)));
    expect([err.type, err.message, err.statusCode]).toEqual(['INTEGRATION_FAILURE', 'Internal server error', 502]);
  });

  it('invalid JSON from the function → 502', async () => {
    const err = await gatewayError(run({ payload: Buffer.from('{oops') }));
    expect([err.type, err.statusCode]).toEqual(['INTEGRATION_FAILURE', 502]);
  });

  it('a function error → 502 Internal server error', async () => {
    const err = await gatewayError(run({ functionError: 'Unhandled', payload: Buffer.from('{"errorType":"Error","errorMessage":"x","trace":[]}') }));
    expect([err.type, err.message, err.statusCode]).toEqual(['INTEGRATION_FAILURE', 'Internal server error', 502]);
  });

  it('an answer read where the function ran is checked again for what node:http would refuse to send', async () => {
    // A worker's check runs in the function's realm (src/lambda/proxy-answer.ts), which the function can tamper with.
    const checked = (statusCode: number, headers: Array<[string, string]>) =>
      ({ payload: Buffer.alloc(0), proxyAnswer: { statusCode, headers, body: Buffer.from('b'), isBase64Encoded: false } });
    for (const bad of [checked(200, [['X-A', 'a\r\nInjected: 1']]), checked(200, [['X A', 'b']]), checked(200.5, []), checked(600, []), checked(Number.NaN, [])]) {
      const err = await gatewayError(run(bad));
      expect([err.type, err.message, err.statusCode]).toEqual(['INTEGRATION_FAILURE', 'Internal server error', 502]);
    }
    expect(await run(checked(203, [['X-A', 'caf\u00e9']]))).toEqual({
      kind: 'proxy',
      response: { statusCode: 203, headers: [['X-A', 'café'], ['Content-Type', 'application/json']], body: Buffer.from('b') },
    });
  });

  it('isBase64Encoded bodies are decoded only when the first Accept type is binary', async () => {
    const answer = ok({ isBase64Encoded: true, headers: { 'Content-Type': 'image/png' }, body: Buffer.from([1, 2, 255]).toString('base64') });
    const binary = await run(answer, { headers: [['Accept', 'image/png,text/html']], binaryMediaTypes: ['image/png'] });
    expect(binary.kind === 'proxy' && binary.response.body).toEqual(Buffer.from([1, 2, 255]));
    const text = await run(answer, { headers: [['Accept', 'text/html,image/png']], binaryMediaTypes: ['image/png'] });
    expect(text.kind === 'proxy' && text.response.body.toString()).toBe(Buffer.from([1, 2, 255]).toString('base64'));
    const wildcardClient = await run(answer, { headers: [['Accept', '*/*']], binaryMediaTypes: ['image/png'] });
    expect(wildcardClient.kind === 'proxy' && wildcardClient.response.body.toString()).toBe('AQL/');
  });
});

// ---- invocation failures ------------------------------------------------------

describe('invocation failures (§5.2, §7.6)', () => {
  it('slower than timeoutInMillis → INTEGRATION_TIMEOUT 504 "Endpoint request timed out"', async () => {
    const deps = scripted(() => new Promise(() => {}));
    const err = await gatewayError(lambdaProxyIntegration(integrationRequest({ timeoutInMillis: 50 }), context(), deps));
    expect([err.type, err.message, err.statusCode]).toEqual(['INTEGRATION_TIMEOUT', 'Endpoint request timed out', 504]);
    const err2 = await gatewayError(lambdaIntegration(integrationRequest({ type: 'AWS', timeoutInMillis: 50 }), context(), deps));
    expect(err2.type).toBe('INTEGRATION_TIMEOUT');
  });

  it('unknown function → 502; AccessDenied → 500; invalid JSON payload → 400 with Lambda\'s message', async () => {
    const failing = (e: Error) =>
      scripted(() => {
        throw e;
      });
    const notFound = await gatewayError(
      lambdaProxyIntegration(integrationRequest(), context(), failing(new LambdaServiceError('ResourceNotFoundException', 'Function not found: x', 404))),
    );
    expect([notFound.type, notFound.message, notFound.statusCode]).toEqual(['INTEGRATION_FAILURE', 'Internal server error', 502]);
    const denied = await gatewayError(
      lambdaIntegration(integrationRequest({ type: 'AWS' }), context(), failing(new LambdaServiceError('AccessDeniedException', 'denied', 403))),
    );
    expect([denied.type, denied.statusCode]).toEqual(['INTEGRATION_FAILURE', 500]);
    const badJson = await gatewayError(
      lambdaIntegration(
        integrationRequest({ type: 'AWS' }),
        context(),
        failing(new LambdaServiceError('InvalidRequestContentException', 'Could not parse request body into json: x', 400)),
      ),
    );
    expect([badJson.type, badJson.message, badJson.statusCode]).toEqual(['BAD_REQUEST_BODY', 'Could not parse request body into json: x', 400]);
    const crash = await gatewayError(lambdaIntegration(integrationRequest({ type: 'AWS' }), context(), failing(new Error('ECONNREFUSED'))));
    expect([crash.type, crash.statusCode]).toEqual(['INTEGRATION_FAILURE', 502]);
  });

  it('the function comes from the (stage-variable substituted) uri, qualifier included', async () => {
    const deps = scripted(() => ok({}));
    const req = { ...integrationRequest(), uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:image:live/invocations' };
    await lambdaProxyIntegration(req, context(), deps);
    expect([deps.calls[0]!.functionName, deps.calls[0]!.qualifier]).toEqual(['image', 'live']);
  });

  it('a non-POST integration httpMethod fails (Lambda must be invoked with POST)', async () => {
    const err = await gatewayError(lambdaProxyIntegration(integrationRequest({ httpMethod: 'GET' }), context(), scripted(() => ok({}))));
    expect([err.type, err.statusCode]).toEqual(['INTEGRATION_FAILURE', 500]);
  });
});

// ---- non-proxy ----------------------------------------------------------------

describe('Lambda non-proxy integration (§6)', () => {
  it('success → 200 endpoint result, selection input "", body as returned', async () => {
    const deps = scripted(() => ok({ image: 'W3JhdyBieXRlc10=' }));
    const result = await lambdaIntegration(integrationRequest({ type: 'AWS' }, Buffer.from('{"imageKey":"image.jpg"}')), context(), deps);
    expect(result).toEqual({
      kind: 'endpoint',
      statusCode: 200,
      selectionInput: '',
      body: Buffer.from('{"image":"W3JhdyBieXRlc10="}'),
      contentType: 'application/json',
      headers: [],
    });
    expect(deps.calls[0]!.payload.toString()).toBe('{"imageKey":"image.jpg"}');
    expect(deps.calls[0]!.invocationType).toBe('RequestResponse');
  });

  it('function error → selection input is errorMessage, body is the error payload', async () => {
    const payload = Buffer.from('{"errorType":"Error","errorMessage":"{\\"code\\":404}","trace":["Error: x"]}');
    const result = await lambdaIntegration(integrationRequest({ type: 'AWS' }), context(), scripted(() => ({ functionError: 'Unhandled', payload })));
    expect(result).toMatchObject({ kind: 'endpoint', statusCode: 200, selectionInput: '{"code":404}', body: payload });
  });

  it('X-Amz-Invocation-Type: Event invokes asynchronously (202, empty body)', async () => {
    const deps = scripted((r) => ({ statusCode: r.invocationType === 'Event' ? 202 : 200, payload: Buffer.alloc(0) }));
    const result = await lambdaIntegration(integrationRequest({ type: 'AWS' }, Buffer.from('{}'), [['X-Amz-Invocation-Type', 'Event']]), context(), deps);
    expect(deps.calls[0]!.invocationType).toBe('Event');
    expect(result).toMatchObject({ statusCode: 202, selectionInput: '', body: Buffer.alloc(0) });
  });
});

// ---- with the real runtime ------------------------------------------------------

describe('with the local runtime', () => {
  const local = createLocalInvoker({ functionsDir: resolve(import.meta.dirname, '../fixtures/functions'), log: () => {}, config: { functions: { loops: { timeout: 1 } }, stageVariables: {} } });
  afterAll(() => local.close());
  const deps: IntegrationDeps = { lambda: local };
  const uri = (name: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${name}/invocations`;

  it('proxy: the function receives the event and its answer becomes the response', async () => {
    const ctx = context({ headers: [['X-Tag', 'a']], query: [['q', '1']] });
    const result = await lambdaProxyIntegration(integrationRequest({ uri: uri('echo-proxy') }), ctx, deps);
    expect(result.kind).toBe('proxy');
    const response = (result as { response: { statusCode: number; headers: Pairs; body: Buffer } }).response;
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual([['Content-Type', 'application/json']]);
    expect(JSON.parse(response.body.toString())).toEqual(buildProxyEvent(integrationRequest(), ctx));
  });

  // A worker instance gets the event in compact form (src/lambda/event-codec.ts), a process
  // gets its JSON: either way the handler's JSON.stringify(event) must be the JSON API Gateway
  // would send, byte for byte.
  const $context = {
    resourceId: 'roq9wj',
    resourcePath: '/{proxy+}',
    httpMethod: 'POST',
    extendedRequestId: 'ca2IdHHqoAMFo6w=',
    requestTime: '20/Feb/2018:22:48:57 +0000',
    path: '/testStage/hello/world',
    accountId: '12345678912',
    protocol: 'HTTP/1.1',
    stage: 'testStage',
    domainPrefix: 'gy415nuibc',
    requestTimeEpoch: 1519166937665,
    requestId: 'deef4878-7910-11e6-8f14-25afc3e9ae33',
    identity: { sourceIp: '192.168.196.186', userAgent: 'PostmanRuntime/2.4.5' },
    deploymentId: 'dep123',
    domainName: 'gy415nuibc.execute-api.us-east-1.amazonaws.com',
    apiId: 'gy415nuibc',
  };
  const cases: Array<[string, CtxSpec]> = [
    ['repeated headers and query keys, path parameters, stage variables', {
      headers: [['Host', 'gy415nuibc.execute-api.us-east-1.amazonaws.com'], ['X-Tag', 'a'], ['x-tag', 'b'], ['X-Tag', 'c'], ['Accept', '*/*']],
      query: [['name', 'me'], ['multivalueName', 'you'], ['multivalueName', 'me'], ['10', 'ten']],
      pathParameters: { proxy: 'hello/world' },
      stageVariables: { stageVariableName: 'stageVariableValue' },
      context: $context,
    }],
    ['a binary body (base64) and header values JSON escapes', {
      headers: [['Content-Type', 'image/png'], ['X-Quote', 'say "hi" \\ é 💡']],
      body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255]),
      binaryMediaTypes: ['image/png'],
      context: $context,
    }],
    ['an authorizer and identity keys beyond the usual ones', {
      headers: [['Authorization', 'Bearer x']],
      context: { ...$context, authorizer: { principalId: 'me', claims: { sub: 'u-1', scope: ['a', 'b'] }, integrationLatency: 12 }, identity: { ...$context.identity, vpcId: 'vpc-1' } },
    }],
    ['headers named __proto__ and constructor', { headers: [['__proto__', 'x'], ['constructor', 'y']], context: $context }],
  ];
  describe.each([['echo-proxy'], ['echo-proxy-process']])('the event %s receives', (fn) => {
    const isolated = createLocalInvoker({
      functionsDir: resolve(import.meta.dirname, '../fixtures/functions'),
      log: () => {},
      config: { functions: { 'echo-proxy-process': { handler: 'echo-proxy.handler', isolation: 'process' } }, stageVariables: {} },
    });
    afterAll(() => isolated.close());
    it.each(cases)('is the JSON API Gateway sends: %s', async (_label, spec) => {
      const ctx = context(spec);
      const request = integrationRequest({ uri: uri(fn) });
      const result = await lambdaProxyIntegration(request, ctx, { lambda: isolated });
      const body = (result as { response: { body: Buffer } }).response.body.toString('utf8');
      expect(body).toBe(JSON.stringify(buildProxyEvent(request, ctx)));
    });
  });
  it.each(cases)('the gateway gathers a source the compact form carries (no silent fallback to JSON): %s', (_label, spec) => {
    expect(compactSource(proxyEventSource(integrationRequest(), context(spec)))).toMatch(/^\[2,/);
  });

  it('the 6 MB limit counts the event JSON bytes exactly, also when a worker takes the compact form', async () => {
    // Lambda: "Request payload size (6 MB)" for RequestResponse; over it → RequestEntityTooLargeException → 413 (§7.6).
    const sized = (n: number) => context({ headers: [['Content-Type', 'text/plain']], body: Buffer.from('é'.repeat(n)), context: $context });
    const request = integrationRequest({ uri: uri('proxy-size') });
    const jsonBytes = (n: number) => Buffer.byteLength(JSON.stringify(buildProxyEvent(request, sized(n))));
    const n = Math.floor((MAX_SYNC_PAYLOAD - jsonBytes(0)) / 2); // 'é' is 2 UTF-8 bytes
    const under = MAX_SYNC_PAYLOAD - jsonBytes(n); // 0 or 1 byte left
    const atLimit = context({ headers: [['Content-Type', 'text/plain']], body: Buffer.from('é'.repeat(n) + 'a'.repeat(under)), context: $context });
    const ok = await lambdaProxyIntegration(request, atLimit, deps);
    expect((ok as { response: { body: Buffer } }).response.body.toString()).toBe(String(MAX_SYNC_PAYLOAD));
    const over = context({ headers: [['Content-Type', 'text/plain']], body: Buffer.from('é'.repeat(n) + 'a'.repeat(under + 1)), context: $context });
    const err = await gatewayError(lambdaProxyIntegration(request, over, deps));
    expect([err.type, err.message, err.statusCode]).toEqual(['BAD_REQUEST_BODY', 'Request Too Long', 413]);
  });

  // A worker instance reads a buffered proxy integration's answer where the function ran and sends
  // its parts (src/lambda/proxy-answer.ts); a process instance sends the result's JSON, which the
  // gateway reads. The response must be the same, byte for byte, and so must the 502 for a malformed
  // answer (§5.2: only the allowed keys and types; §1.5: decoded only for a binary first Accept type).
  describe('an answer read by a worker instance is the answer the gateway reads from JSON', () => {
    const results: Array<[string, InvokeResult]> = [];
    const runtime = createLocalInvoker({
      functionsDir: resolve(import.meta.dirname, '../fixtures/functions'),
      log: () => {},
      config: {
        functions: {
          'proxy-answer-process': { handler: 'proxy-answer.handler', isolation: 'process' },
          'proxy-answer-js-process': { handler: 'proxy-answer-js.handler', isolation: 'process' },
          tampers: { handler: 'proxy-answer-js.handler' },
        },
        stageVariables: {},
      },
    });
    afterAll(() => runtime.close());
    const recording: LambdaInvoker = {
      has: (name) => runtime.has(name),
      close: async () => {},
      async invoke(request) {
        const result = await runtime.invoke(request);
        results.push([request.functionName, result]);
        return result;
      },
    };
    /** The response, or the gateway error's type, message and status, for an answer the function gives. */
    async function outcome(fn: string, source: string, accept: string): Promise<unknown> {
      const ctx = context({ headers: [['Accept', accept]], body: Buffer.from(source), binaryMediaTypes: ['image/png'], context: $context });
      try {
        return await lambdaProxyIntegration(integrationRequest({ uri: uri(fn) }), ctx, { lambda: recording });
      } catch (err) {
        if (!(err instanceof GatewayError)) throw err;
        return [err.type, err.message, err.statusCode];
      }
    }
    const json = (v: unknown) => ['proxy-answer', JSON.stringify(v)] as const;
    const js = (source: string) => ['proxy-answer-js', source] as const;
    const valid: Array<[string, readonly [string, string], string?]> = [
      ['status, headers, multi-value headers winning, numbers and booleans as values, a non-ASCII body', json({
        statusCode: 201,
        headers: { 'X-One': 1, 'X-Yes': true, 'Set-Cookie': 'dropped', 'Content-Type': 'text/plain; charset=utf-8', 'X-Latin': 'caf\u00e9\tau lait' },
        multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'], 'X-Many': [1, false, 'three'], 'X-Null': null },
        body: 'créé 💡 "quoted" \\ \u0000',
      })],
      ['a status as digits, nulls for absent', json({ statusCode: '204', headers: null, multiValueHeaders: null, body: null, isBase64Encoded: null })],
      ['nothing at all', json({})],
      ['headers named __proto__ and constructor (JSON own keys)', ['proxy-answer', '{"headers":{"__proto__":"p","constructor":"c","toString":"t"},"body":"b"}']],
      ['base64 with a binary first Accept type: decoded', json({ isBase64Encoded: true, headers: { 'Content-Type': 'image/png' }, body: Buffer.from([0x89, 0x50, 0, 255]).toString('base64') }), 'image/png'],
      ['base64 with a text first Accept type: sent as text', json({ isBase64Encoded: true, headers: { 'Content-Type': 'image/png' }, body: 'iVAA/w==' }), 'text/html,image/png'],
      ['base64 with characters outside the alphabet, decoded', json({ isBase64Encoded: true, body: 'AQ L/é\n==x' }), 'image/png'],
      ['what JSON.stringify makes of the result: undefined dropped, Dates and toJSON', js('{ statusCode: 200, headers: { a: undefined, "X-Date": new Date(0) }, multiValueHeaders: { "X-D": [new Date(1)] }, body: undefined, extra: undefined }')],
      ['a toJSON answer', js('{ statusCode: 500, toJSON() { return { statusCode: 202, body: "from toJSON" }; } }')],
      ['a lone surrogate in the body and one in base64', js('{ body: "a\\ud800b\\udc00" }')],
      ['a lone surrogate in a base64 body', js('{ isBase64Encoded: true, body: "AQ\\ud800L/" }'), 'image/png'],
    ];
    it.each(valid)('%s', async (_label, [fn, source], accept = '*/*') => {
      results.length = 0;
      const worker = await outcome(fn, source, accept);
      const processed = await outcome(`${fn}-process`, source, accept);
      expect(worker).toEqual(processed);
      expect((worker as { kind: string }).kind).toBe('proxy');
      // The worker's came as a checked answer (an empty payload); the process's as JSON.
      const [[, fromWorker], [, fromProcess]] = results;
      expect([fromWorker!.proxyAnswer !== undefined, fromWorker!.payload.length]).toEqual([true, 0]);
      expect([fromProcess!.proxyAnswer, fromProcess!.payload.length > 0]).toEqual([undefined, true]);
    });

    const malformedAnswers: Array<[string, readonly [string, string]]> = [
      ['a string', json('hello')],
      ['a list', json([1])],
      ['null', json(null)],
      ['an extra key', json({ statusCode: 200, statusDescription: 'OK' })],
      ['a status out of range', json({ statusCode: 600 })],
      ['a fractional status', json({ statusCode: 200.5 })],
      ['a body object', json({ body: { a: 1 } })],
      ['isBase64Encoded a string', json({ isBase64Encoded: 'yes' })],
      ['a header name with a space', json({ headers: { 'X A': 'b' } })],
      ['a header value with a newline', json({ headers: { 'X-A': 'a\nb' } })],
      ['a multi-value header value beyond Latin-1', json({ multiValueHeaders: { 'X-A': ['ok', '💡'] } })],
      ['multi-value headers not lists', json({ multiValueHeaders: { a: 'b' } })],
      // Lambda's limit counts the result's JSON (MAX_RESPONSE_PAYLOAD): this body is under it, its JSON over.
      ['an answer whose JSON is over the response limit', js(`{ body: "a".repeat(${MAX_RESPONSE_PAYLOAD - 5}) }`)],
      ['an answer JSON cannot write', js('{ body: 1n }')],
    ];
    it.each(malformedAnswers)('%s: the same 502 from both', async (_label, [fn, source]) => {
      const worker = await outcome(fn, source, '*/*');
      expect(worker).toEqual(['INTEGRATION_FAILURE', 'Internal server error', 502]);
      expect(await outcome(`${fn}-process`, source, '*/*')).toEqual(worker);
    });

    it('a function that replaces the built-ins its instance checks with cannot make the gateway send a bad status', async () => {
      // The check runs in the function's realm: here Number.isInteger always passes there, and the
      // gateway's own check refuses the answer as malformed.
      const tamper = (answer: string) => `(() => { Number.isInteger = () => true; return ${answer}; })()`;
      expect(await outcome('tampers', tamper('{ statusCode: 200.5 }'), '*/*')).toEqual(['INTEGRATION_FAILURE', 'Internal server error', 502]);
      expect(await outcome('tampers', tamper('{ statusCode: 201, body: "fine" }'), '*/*')).toEqual({
        kind: 'proxy',
        response: { statusCode: 201, headers: [['Content-Type', 'application/json']], body: Buffer.from('fine') },
      });
    });
  });

  it('non-proxy: a function timeout is a function error whose errorMessage drives selection', async () => {
    const result = await lambdaIntegration(integrationRequest({ type: 'AWS', uri: uri('loops') }, Buffer.from('{}')), context(), deps);
    expect(result.kind).toBe('endpoint');
    expect((result as { selectionInput: string }).selectionInput).toMatch(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/);
  });
});
