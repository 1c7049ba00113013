// OpenAPI constructs → the typed model (§10, §11, §15.1, §15.3).
import { describe, expect, it } from 'vitest';
import { build, LAMBDA_URI, oas3, withIntegration } from './helpers.js';

const mock = { type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' } };

describe('methods and parameters', () => {
  it('verbs, ANY, path-level parameters merged with (and overridden by) operation parameters', async () => {
    const def = await build(
      oas3({}, {
        '/items/{id}': {
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'v', in: 'query', required: false },
            { name: 'X-Trace', in: 'header', required: true },
          ],
          get: { parameters: [{ name: 'v', in: 'query', required: true }], 'x-amazon-apigateway-integration': mock },
          head: { 'x-amazon-apigateway-integration': mock },
          'x-amazon-apigateway-any-method': { operationId: 'anything', 'x-amazon-apigateway-integration': mock },
        },
      }),
    );
    const r = def.resources[0]!;
    expect(Object.keys(r.methods)).toEqual(['GET', 'HEAD', 'ANY']);
    expect(r.methods.GET!.requestParameters).toEqual({
      'method.request.path.id': true,
      'method.request.querystring.v': true,
      'method.request.header.X-Trace': true,
    });
    expect(r.methods.HEAD!.requestParameters).toEqual({
      'method.request.path.id': true,
      'method.request.querystring.v': false,
      'method.request.header.X-Trace': true,
    });
    expect(r.methods.ANY).toMatchObject({
      httpMethod: 'ANY',
      resourcePath: '/items/{id}',
      pointer: '/paths/~1items~1{id}/x-amazon-apigateway-any-method',
      operationId: 'anything',
    });
    expect(def.warnings).toEqual([]);
  });

  it('Swagger 2.0 body parameters by consumes (default application/json); OAS 3.0 requestBody content', async () => {
    const schema = { type: 'object', required: ['a'] };
    const swagger = await build({
      swagger: '2.0',
      info: { title: 't' },
      consumes: ['application/xml'],
      paths: {
        '/a': {
          post: { consumes: ['application/json', 'text/plain'], parameters: [{ name: 'b', in: 'body', schema }], 'x-amazon-apigateway-integration': mock },
          put: { parameters: [{ name: 'b', in: 'body', schema }], 'x-amazon-apigateway-integration': mock },
        },
      },
    });
    expect(swagger.resources[0]!.methods.POST!.requestModels).toEqual({ 'application/json': schema, 'text/plain': schema });
    expect(swagger.resources[0]!.methods.PUT!.requestModels).toEqual({ 'application/xml': schema });
    const noConsumes = await build({
      swagger: '2.0',
      info: { title: 't' },
      paths: { '/a': { post: { parameters: [{ name: 'b', in: 'body', schema }], 'x-amazon-apigateway-integration': mock } } },
    });
    expect(noConsumes.resources[0]!.methods.POST!.requestModels).toEqual({ 'application/json': schema });

    const o = await build(
      oas3({}, {
        '/a': {
          post: {
            requestBody: { content: { 'application/json': { schema }, 'image/png': {} } },
            'x-amazon-apigateway-integration': mock,
          },
        },
      }),
    );
    expect(o.resources[0]!.methods.POST!.requestModels).toEqual({ 'application/json': schema });
  });

  it('method responses with header declarations', async () => {
    const o = await build(
      withIntegration(mock, {
        responses: {
          '200': { description: 'ok', headers: { 'X-A': { required: true, schema: { type: 'string' } }, 'X-B': { schema: { type: 'string' } } } },
          '404': { description: 'nope' },
        },
      }),
    );
    expect(o.resources[0]!.methods.GET!.methodResponses).toEqual({
      '200': { statusCode: '200', responseParameters: { 'method.response.header.X-A': true, 'method.response.header.X-B': false } },
      '404': { statusCode: '404', responseParameters: {} },
    });
    const s = await build({
      swagger: '2.0',
      info: { title: 't' },
      paths: { '/a': { get: { responses: { '200': { description: 'ok', headers: { 'X-A': { type: 'string' } } } }, 'x-amazon-apigateway-integration': mock } } },
    });
    expect(s.resources[0]!.methods.GET!.methodResponses['200']!.responseParameters).toEqual({ 'method.response.header.X-A': false });
  });
});

describe('validators and API keys', () => {
  it('request validators: API default, operation override (§10)', async () => {
    const doc = oas3(
      {
        'x-amazon-apigateway-request-validators': {
          all: { validateRequestBody: true, validateRequestParameters: true },
          params: { validateRequestParameters: true },
        },
        'x-amazon-apigateway-request-validator': 'all',
      },
      {
        '/a': {
          get: { 'x-amazon-apigateway-integration': mock },
          post: { 'x-amazon-apigateway-request-validator': 'params', 'x-amazon-apigateway-integration': mock },
        },
      },
    );
    const def = await build(doc);
    expect(def.resources[0]!.methods.GET!.requestValidator).toEqual({ name: 'all', validateRequestBody: true, validateRequestParameters: true });
    expect(def.resources[0]!.methods.POST!.requestValidator).toEqual({ name: 'params', validateRequestBody: false, validateRequestParameters: true });
    const none = await build(oas3());
    expect(none.resources[0]!.methods.GET!.requestValidator).toBeUndefined();
  });

  it('apiKeyRequired from an apiKey scheme in the x-api-key header (§11, §15.1)', async () => {
    const schemes = {
      api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' },
      other_header: { type: 'apiKey', name: 'X-Token', in: 'header' },
      in_query: { type: 'apiKey', name: 'x-api-key', in: 'query' },
    };
    const paths = {
      '/k': { get: { security: [{ api_key: [] }], 'x-amazon-apigateway-integration': mock } },
      '/both': { get: { security: [{ other_header: [], api_key: [] }], 'x-amazon-apigateway-integration': mock } },
      '/o': { get: { security: [{ other_header: [] }, { in_query: [] }], 'x-amazon-apigateway-integration': mock } },
      '/n': { get: { 'x-amazon-apigateway-integration': mock } },
    };
    const o = await build(oas3({ components: { securitySchemes: schemes } }, paths));
    expect(o.resources.map((r) => r.methods.GET!.apiKeyRequired)).toEqual([true, true, false, false]);
    const s = await build({ swagger: '2.0', info: { title: 't' }, securityDefinitions: schemes, paths });
    expect(s.resources.map((r) => r.methods.GET!.apiKeyRequired)).toEqual([true, true, false, false]);
  });
});

describe('root settings', () => {
  it('gateway responses, compression, API key source, models', async () => {
    const def = await build(
      oas3({
        'x-amazon-apigateway-minimum-compression-size': 1024,
        'x-amazon-apigateway-api-key-source': 'authorizer',
        'x-amazon-apigateway-gateway-responses': {
          MISSING_AUTHENTICATION_TOKEN: {
            statusCode: '404',
            responseParameters: {
              'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
              'gatewayresponse.header.X-Req': 'method.request.header.X-Req',
            },
            responseTemplates: { 'application/json': '{"message": $context.error.messageString}', 'text/plain': 'nope' },
          },
          DEFAULT_5XX: {},
        },
        components: { schemas: { Empty: { type: 'object' } } },
      }),
    );
    expect(def.minimumCompressionSize).toBe(1024);
    expect(def.apiKeySource).toBe('AUTHORIZER');
    expect(def.gatewayResponses).toEqual({
      MISSING_AUTHENTICATION_TOKEN: {
        statusCode: 404,
        responseParameters: {
          'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
          'gatewayresponse.header.X-Req': 'method.request.header.X-Req',
        },
        responseTemplates: [
          ['application/json', '{"message": $context.error.messageString}'],
          ['text/plain', 'nope'],
        ],
      },
      DEFAULT_5XX: { statusCode: undefined, responseParameters: {}, responseTemplates: [] },
    });
    expect(def.models).toEqual({ Empty: { type: 'object' } });
  });
});

describe('integrations', () => {
  it('normalises case and reads every property', async () => {
    const def = await build(
      withIntegration(
        {
          type: 'aws',
          httpMethod: 'post',
          uri: LAMBDA_URI('resize:3', 'eu-west-1'),
          credentials: 'arn:aws:iam::123456789012:role/r',
          passthroughBehavior: 'when_no_templates',
          contentHandling: 'CONVERT_TO_BINARY',
          timeoutInMillis: 50,
          requestParameters: { 'integration.request.header.X-Id': 'context.requestId' },
          requestTemplates: { 'text/plain': 'a', 'application/json': null },
          responses: {
            'Error.*': { statusCode: 400, responseTemplates: { 'application/json': 'e' } },
            '(?i)timeout': { statusCode: '504', contentHandling: 'CONVERT_TO_TEXT' },
            default: {
              statusCode: '200',
              responseParameters: { 'method.response.header.X-A': 'integration.response.body.a' },
            },
          },
        },
        {
          responses: {
            '200': { description: 'ok', headers: { 'X-A': { schema: { type: 'string' } } } },
            '400': { description: 'bad' },
            '504': { description: 'slow' },
          },
        },
      ),
    );
    expect(def.warnings).toEqual([]);
    const i = def.resources[0]!.methods.GET!.integration!;
    expect(i).toMatchObject({
      type: 'AWS',
      httpMethod: 'POST',
      credentials: 'arn:aws:iam::123456789012:role/r',
      passthroughBehavior: 'WHEN_NO_TEMPLATES',
      contentHandling: 'CONVERT_TO_BINARY',
      timeoutInMillis: 50,
      requestParameters: { 'integration.request.header.X-Id': 'context.requestId' },
      lambda: {
        functionName: 'resize',
        qualifier: '3',
        functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:resize:3',
        region: 'eu-west-1',
        streaming: false,
      },
      responseTransferMode: 'BUFFERED',
    });
    expect(i.requestTemplates.map(([t, c]) => [t, c.source])).toEqual([
      ['text/plain', 'a'],
      ['application/json', ''],
    ]);
    expect(i.responses.map((r) => [r.selectionPattern, r.statusCode, r.contentHandling])).toEqual([
      ['Error.*', '400', undefined],
      ['(?i)timeout', '504', 'CONVERT_TO_TEXT'],
    ]);
    expect(i.responses[0]!.matcher!.test('Error: boom')).toBe(true);
    expect(i.responses[0]!.matcher!.test('An Error')).toBe(false);
    expect(i.responses[1]!.matcher!.test('TIMEOUT')).toBe(true);
    expect(i.defaultResponse!.responseParameters).toEqual({ 'method.response.header.X-A': 'integration.response.body.a' });
  });

  it('MOCK needs no uri or httpMethod; HTTP uris may use stage variables', async () => {
    const m = await build(withIntegration({ type: 'MOCK' }));
    expect(m.resources[0]!.methods.GET!.integration).toMatchObject({ type: 'MOCK', uri: undefined, httpMethod: undefined, lambda: undefined });
    const h = await build(withIntegration({ type: 'http_proxy', httpMethod: 'any', uri: 'https://${stageVariables.host}/x' }));
    expect(h.resources[0]!.methods.GET!.integration).toMatchObject({ type: 'HTTP_PROXY', httpMethod: 'ANY', uri: 'https://${stageVariables.host}/x' });
  });
});
