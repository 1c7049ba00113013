// Nothing is ignored silently: every x-amazon-apigateway-* extension restgate does not
// implement, and every unimplemented integration property, is a load warning (§15.1).
import { describe, expect, it } from 'vitest';
import { build, LAMBDA_URI, oas3, withIntegration } from './helpers.js';

const INTEGRATION = '/paths/~1r/get/x-amazon-apigateway-integration';

describe('warnings', () => {
  it('unimplemented, HTTP-API-only, misplaced and unknown extensions', async () => {
    const doc = oas3({
      'x-amazon-apigateway-policy': { Version: '2012-10-17', Statement: [] },
      'x-amazon-apigateway-endpoint-configuration': { types: ['REGIONAL'] },
      'x-amazon-apigateway-cors': { allowOrigins: ['*'] },
      'x-amazon-apigateway-documentation': { version: '1', documentationParts: [] },
      'x-amazon-apigateway-importexport-version': '1.0',
      'x-amazon-apigateway-frobnicate': true,
      components: {
        'x-amazon-apigateway-integrations': { a: { type: 'mock' } },
        securitySchemes: {
          auth: {
            type: 'apiKey',
            name: 'Authorization',
            in: 'header',
            'x-amazon-apigateway-authtype': 'custom',
            'x-amazon-apigateway-authorizer': { type: 'token', authorizerUri: LAMBDA_URI('auth') },
          },
        },
      },
    });
    const root = (doc.paths as any)['/'];
    root['x-amazon-apigateway-integration'] = { type: 'mock' };
    root.get['x-amazon-apigateway-auth'] = { type: 'AWS_IAM' };
    root.get['x-amazon-apigateway-binary-media-types'] = ['image/png'];
    root.get.security = [{ auth: [] }];

    const def = await build(doc);
    // in document order
    expect(def.warnings).toEqual([
      {
        // x-amazon-apigateway-auth is read (test/gateway/iam.test.ts): what is reported is that signatures are not verified.
        pointer: '/paths/~1/get',
        message: "AWS_IAM: requests need a SigV4 signature (unsigned ones get 403 Missing Authentication Token); it is checked against restgate.config's iamCredentials, and IAM policies are not evaluated",
      },
      {
        pointer: '/paths/~1/get/x-amazon-apigateway-binary-media-types',
        message: 'x-amazon-apigateway-binary-media-types is only used on the document root; ignored here',
      },
      {
        pointer: '/paths/~1/x-amazon-apigateway-integration',
        message: 'x-amazon-apigateway-integration is only used on an operation; ignored here',
      },
      {
        pointer: '/x-amazon-apigateway-endpoint-configuration',
        message: 'x-amazon-apigateway-endpoint-configuration is not implemented yet; ignored',
      },
      {
        pointer: '/x-amazon-apigateway-cors',
        message: 'x-amazon-apigateway-cors is for HTTP APIs only; REST APIs ignore it (define an OPTIONS method for CORS, §13.1)',
      },
      {
        pointer: '/x-amazon-apigateway-frobnicate',
        message: 'x-amazon-apigateway-frobnicate is not a known API Gateway REST API extension; ignored',
      },
      {
        pointer: '/components/x-amazon-apigateway-integrations',
        message: 'x-amazon-apigateway-integrations is for HTTP APIs only; ignored',
      },
      // The token authorizer scheme (and its authtype label) is implemented (test/definition/authorizers.test.ts): no warning.
    ]);
  });

  it('implemented extensions in their places produce no warning', async () => {
    const doc = oas3({
      'x-amazon-apigateway-binary-media-types': ['image/png'],
      'x-amazon-apigateway-minimum-compression-size': 0,
      'x-amazon-apigateway-api-key-source': 'HEADER',
      'x-amazon-apigateway-gateway-responses': { DEFAULT_4XX: { statusCode: 400 } },
      'x-amazon-apigateway-request-validators': { all: { validateRequestBody: true } },
      'x-amazon-apigateway-request-validator': 'all',
      'x-amazon-apigateway-tag-value': 'x',
      'x-amazon-apigateway-importer-version': '1',
    });
    (doc.paths as any)['/']['x-amazon-apigateway-any-method'] = {
      'x-amazon-apigateway-request-validator': 'all',
      'x-amazon-apigateway-integration': { type: 'mock' },
    };
    expect((await build(doc)).warnings).toEqual([]);
  });

  it('unimplemented integration properties', async () => {
    const def = await build(
      withIntegration({
        type: 'http',
        httpMethod: 'GET',
        uri: 'https://backend.example.com',
        connectionType: 'VPC_LINK',
        connectionId: 'abc',
        cacheNamespace: 'ns',
        cacheKeyParameters: ['method.request.querystring.q'],
        tlsConfig: { insecureSkipVerification: true },
        payloadFormatVersion: '2.0',
        colour: 'blue',
      }),
    );
    expect(def.warnings).toEqual([
      { pointer: `${INTEGRATION}/connectionId`, message: 'connectionId is not implemented yet (VPC links); ignored' },
      { pointer: `${INTEGRATION}/cacheNamespace`, message: 'cacheNamespace is not implemented yet (no stage cache); ignored' },
      { pointer: `${INTEGRATION}/tlsConfig`, message: 'tlsConfig is not implemented yet; ignored' },
      {
        pointer: `${INTEGRATION}/payloadFormatVersion`,
        message: 'payloadFormatVersion is for HTTP APIs only; REST APIs always use payload format 1.0; ignored',
      },
      { pointer: `${INTEGRATION}/colour`, message: 'colour is not a known integration property; ignored' },
      { pointer: `${INTEGRATION}/connectionType`, message: 'connectionType VPC_LINK is not implemented yet; the uri is called directly' },
      { pointer: `${INTEGRATION}/cacheKeyParameters`, message: 'cacheKeyParameters is not implemented yet (no stage cache); ignored' },
    ]);
    expect(def.resources[0]!.methods.GET!.integration!.cacheKeyParameters).toEqual(['method.request.querystring.q']);
  });

  it('operations without an integration are kept, with a warning', async () => {
    const def = await build(oas3({}, { '/r': { post: { responses: {} } } }));
    const post = def.resources[0]!.methods.POST!;
    expect(post.integration).toBeUndefined();
    expect(def.warnings).toEqual([
      {
        pointer: '/paths/~1r/post',
        message:
          'POST /r has no x-amazon-apigateway-integration: API Gateway would not deploy it ("No integration defined for method"); requests to it cannot be served',
      },
    ]);
  });

  it('AWS service integrations are not supported yet', async () => {
    const def = await build(
      withIntegration({ type: 'AWS', httpMethod: 'GET', uri: 'arn:aws:apigateway:us-east-1:s3:path/my-bucket/{key}' }),
    );
    expect(def.resources[0]!.methods.GET!.integration!.lambda).toBeUndefined();
    expect(def.warnings).toEqual([
      { pointer: `${INTEGRATION}/uri`, message: 'AWS service integrations (s3) are not supported yet; requests to this method will fail' },
    ]);
  });

  it('a Lambda uri naming an unset stage variable', async () => {
    const uri = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}/invocations';
    const def = await build(withIntegration({ type: 'aws_proxy', httpMethod: 'POST', uri }));
    const integration = def.resources[0]!.methods.GET!.integration!;
    expect(integration.uri).toBe(uri);
    expect(integration.lambda).toBeUndefined();
    expect(def.warnings).toEqual([
      {
        pointer: `${INTEGRATION}/uri`,
        message:
          'the Lambda function uses ${stageVariables.fn}, which is not set; pass the stage variable to resolve it (there is no function to call until then)',
      },
    ]);
    // Resolved when the stage variable is given.
    const resolved = await build(withIntegration({ type: 'aws_proxy', httpMethod: 'POST', uri }), {
      stageVariables: { fn: 'orders:live' },
    });
    expect(resolved.warnings).toEqual([]);
    expect(resolved.resources[0]!.methods.GET!.integration!.lambda).toEqual({
      functionName: 'orders',
      qualifier: 'live',
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders:live',
      region: 'us-east-1',
      streaming: false,
    });
  });

  it('other lossy imports: default/range responses, cookie and formData parameters, TRACE, root security, integration response without method response', async () => {
    const doc = oas3({ security: [{ key: [] }] }, {
      '/r': {
        trace: { responses: {} },
        GET: { responses: {} },
        get: {
          parameters: [{ name: 'c', in: 'cookie' }],
          responses: { default: { description: 'x' }, '2XX': { description: 'y' } },
          'x-amazon-apigateway-integration': { type: 'mock', responses: { default: { statusCode: '201' } } },
        },
      },
    });
    const def = await build(doc);
    expect(def.warnings).toEqual([
      { pointer: '/security', message: 'root-level security is ignored by API Gateway (§15.1); declare security on each operation' },
      { pointer: '/paths/~1r/get/parameters/0/in', message: 'cookie parameters are not supported by API Gateway REST APIs; ignored' },
      {
        pointer: '/paths/~1r/get/responses/default',
        message: "response 'default' is not imported: API Gateway method responses need a status code (100-599)",
      },
      {
        pointer: '/paths/~1r/get/responses/2XX',
        message: "response '2XX' is not imported: API Gateway method responses need a status code (100-599)",
      },
      {
        pointer: '/paths/~1r/get/x-amazon-apigateway-integration/responses/default/statusCode',
        message: 'no method response is declared for status 201 (add responses.201 to the operation)',
      },
      { pointer: '/paths/~1r/trace', message: 'API Gateway REST APIs do not support TRACE methods; ignored' },
      {
        pointer: '/paths/~1r/GET',
        message: "unknown path item field 'GET' (methods are lower-case: get, put, post, delete, patch, head, options); ignored",
      },
    ]);
    const swagger = await build({
      swagger: '2.0',
      info: {},
      paths: { '/f': { post: { parameters: [{ name: 'a', in: 'formData', type: 'string' }], 'x-amazon-apigateway-integration': { type: 'mock' } } } },
    });
    expect(swagger.warnings).toEqual([
      { pointer: '/info/title', message: 'info.title is missing: API Gateway names the API after it' },
      { pointer: '/paths/~1f/post/parameters/0/in', message: 'formData parameters are not imported by API Gateway; ignored' },
    ]);
  });

  it('/ping and /sping are reserved by API Gateway', async () => {
    const def = await build(oas3({}, { '/ping': {}, '/v/ping': {} }));
    expect(def.warnings).toEqual([
      {
        pointer: '/paths/~1ping',
        message: 'API Gateway reserves /ping at the API root for its health check; this resource does not behave as defined there ([D-notes])',
      },
      { pointer: '/paths/~1ping', message: 'resource /ping has no methods' },
      { pointer: '/paths/~1v~1ping', message: 'resource /v/ping has no methods' },
    ]);
  });
});
