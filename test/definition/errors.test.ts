// Load-time errors: each names the JSON pointer of the culprit and the problem.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDefinition, parseDefinitionText } from '../../src/definition/load.js';
import { DefinitionError } from '../../src/definition/model.js';
import { build, LAMBDA_URI, loadError, oas3, withIntegration } from './helpers.js';

const INTEGRATION = '/paths/~1r/get/x-amazon-apigateway-integration';
const lambda = (extra: Record<string, unknown> = {}) => ({ type: 'aws_proxy', httpMethod: 'POST', uri: LAMBDA_URI('fn'), ...extra });

describe('versions', () => {
  it('OpenAPI 3.1 is refused', async () => {
    const err = await loadError({ ...oas3(), openapi: '3.1.0' });
    expect([err.pointer, err.problem]).toEqual([
      '/openapi',
      'OpenAPI 3.1.0 is not supported (API Gateway REST APIs import OpenAPI 3.0.x and Swagger 2.0)',
    ]);
  });
  it('other versions are refused', async () => {
    let err = await loadError({ ...oas3(), openapi: '2.0' });
    expect([err.pointer, err.problem]).toEqual(['/openapi', "unsupported OpenAPI version '2.0' (expected 3.0.x, or swagger: \"2.0\")"]);
    err = await loadError({ swagger: '1.2', info: { title: 't' }, paths: {} });
    expect([err.pointer, err.problem]).toEqual(['/swagger', 'unsupported Swagger version "1.2" (expected "2.0")']);
    err = await loadError({ swagger: 3, info: { title: 't' }, paths: {} });
    expect([err.pointer, err.problem]).toEqual(['/swagger', 'unsupported Swagger version 3 (expected "2.0")']);
    // `swagger: 2.0` unquoted in YAML is a number: accepted
    expect((await build(parseDefinitionText('swagger: 2.0\ninfo: {title: t}\npaths: {}\n'))).stage).toBe('dev');
  });
  it('a document without a version is refused', async () => {
    const err = await loadError({ info: { title: 't' }, paths: {} });
    expect([err.pointer, err.problem]).toEqual(['', 'not an OpenAPI definition: the \'openapi\' (3.0.x) or \'swagger\' ("2.0") field is missing']);
    const notObject = await loadError(['openapi']);
    expect(notObject.problem).toBe('a definition must be an OpenAPI 3.0 or Swagger 2.0 object, got an array');
  });
});

describe('syntax errors carry line and column', () => {
  const dir = mkdtempSync(join(tmpdir(), 'restgate-def-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('invalid JSON', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{\n  "openapi": "3.0.1",\n  "info": {,\n}');
    await expect(loadDefinition(file)).rejects.toThrow(
      new DefinitionError('', "invalid JSON at line 3, column 12: Expected property name or '}'", file),
    );
    await expect(loadDefinition(file)).rejects.toThrow(`${file}: /: invalid JSON at line 3, column 12: Expected property name or '}'`);
  });

  it('truncated JSON points at its end', () => {
    expect(() => parseDefinitionText('{\n "a": [1,\n')).toThrow("/: invalid JSON at line 2, column 10: Unexpected end of JSON input");
  });

  it('invalid YAML', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'openapi: 3.0.1\ninfo:\n  title: x\n   bad: y\n');
    await expect(loadDefinition(file)).rejects.toThrow(
      `${file}: /: invalid YAML at line 3, column 10: Nested mappings are not allowed in compact mappings`,
    );
  });

  it('duplicate YAML keys', () => {
    expect(() => parseDefinitionText('openapi: 3.0.1\nopenapi: 3.0.2\n')).toThrow('/: invalid YAML at line 2, column 1: Map keys must be unique');
  });

  it('empty and missing files', async () => {
    const file = join(dir, 'empty.yaml');
    writeFileSync(file, ' \n');
    await expect(loadDefinition(file)).rejects.toThrow(`${file}: /: the definition is empty`);
    await expect(loadDefinition(join(dir, 'nope.yaml'))).rejects.toThrow(`${join(dir, 'nope.yaml')}: /: definition file not found`);
  });
});

describe('integration errors (§15.1)', () => {
  it('unknown integration type', async () => {
    const err = await loadError(withIntegration({ type: 'lambda', uri: 'x' }));
    expect(err.pointer).toBe(`${INTEGRATION}/type`);
    expect(err.problem).toBe("unknown integration type 'lambda' (expected one of aws, aws_proxy, http, http_proxy, mock)");
  });

  it('missing type and uri', async () => {
    let err = await loadError(withIntegration({ uri: 'x' }));
    expect([err.pointer, err.problem]).toEqual([`${INTEGRATION}/type`, 'integration type is required (one of AWS, AWS_PROXY, HTTP, HTTP_PROXY, MOCK)']);
    err = await loadError(withIntegration({ type: 'http', httpMethod: 'GET' }));
    expect([err.pointer, err.problem]).toEqual([`${INTEGRATION}/uri`, 'uri is required for HTTP integrations']);
    err = await loadError(withIntegration({ type: 'http', uri: 'https://x.example.com' }));
    expect([err.pointer, err.problem]).toEqual([`${INTEGRATION}/httpMethod`, 'httpMethod is required for HTTP integrations']);
    err = await loadError(withIntegration({ type: 'http_proxy', httpMethod: 'GET', uri: 'backend/x' }));
    expect([err.pointer, err.problem]).toEqual([`${INTEGRATION}/uri`, "HTTP integrations need an absolute http:// or https:// uri, got 'backend/x'"]);
  });

  it('bad selection pattern', async () => {
    const err = await loadError(withIntegration({ type: 'mock', responses: { 'Error: (': { statusCode: '400' } } }));
    expect(err.pointer).toBe(`${INTEGRATION}/responses/Error: (`);
    expect(err.problem).toMatch(/^invalid selection pattern "Error: \(": .+/);
  });

  it('bad statusCode', async () => {
    let err = await loadError(withIntegration({ type: 'mock', responses: { default: {} } }));
    expect([err.pointer, err.problem]).toEqual([`${INTEGRATION}/responses/default/statusCode`, 'statusCode is required']);
    err = await loadError(withIntegration({ type: 'mock', responses: { default: { statusCode: '2xx' } } }));
    expect([err.pointer, err.problem]).toEqual([`${INTEGRATION}/responses/default/statusCode`, 'statusCode must be 3 digits (100-599), got "2xx"']);
  });

  it('Lambda function missing', async () => {
    const err = await loadError(withIntegration(lambda()), {
      functionExists: (name) => name !== 'fn',
      describeFunctionLookup: (name) => `(looked for fns/${name}.{ts,mts,js,mjs,cjs} or fns/${name}/index.*)`,
    });
    expect(err.pointer).toBe(`${INTEGRATION}/uri`);
    expect(err.problem).toBe('function fn not found (looked for fns/fn.{ts,mts,js,mjs,cjs} or fns/fn/index.*)');
    const plainErr = await loadError(withIntegration(lambda()), { functionExists: () => false });
    expect(plainErr.problem).toBe('function fn not found');
    const seen: string[] = [];
    await build(withIntegration(lambda()), { functionExists: (n) => (seen.push(n), true) });
    expect(seen).toEqual(['fn']);
  });

  it('Lambda integrations need POST (§5.1, §15.1)', async () => {
    const err = await loadError(withIntegration(lambda({ httpMethod: 'GET' })));
    expect([err.pointer, err.problem]).toEqual([
      `${INTEGRATION}/httpMethod`,
      "Lambda integrations must use httpMethod POST (Lambda's Invoke API), got 'GET'",
    ]);
  });

  it('AWS_PROXY needs a Lambda uri; bad function ARNs', async () => {
    let err = await loadError(withIntegration(lambda({ uri: 'arn:aws:apigateway:us-east-1:s3:path/bucket/key' })));
    expect(err.pointer).toBe(`${INTEGRATION}/uri`);
    expect(err.problem).toBe(
      "AWS_PROXY integrations need a Lambda function uri (arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations, or …/2021-11-15/functions/FUNCTION_ARN/response-streaming-invocations to stream), got 'arn:aws:apigateway:us-east-1:s3:path/bucket/key'",
    );
    err = await loadError(withIntegration(lambda({ uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/myfn/invocations' })));
    expect([err.pointer, err.problem]).toEqual([
      `${INTEGRATION}/uri`,
      "invalid Lambda function ARN 'myfn' in uri (expected arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER])",
    ]);
    err = await loadError(withIntegration({ type: 'aws', httpMethod: 'POST', uri: 'https://lambda.example.com' }));
    expect(err.problem).toBe("invalid AWS integration uri 'https://lambda.example.com' (expected arn:aws:apigateway:REGION:SERVICE:path|action/...)");
  });

  it('responseTransferMode: BUFFERED or STREAM, STREAM for proxy integrations with the InvokeWithResponseStream uri', async () => {
    // API Gateway Developer Guide, response-transfer-mode (HTTP_PROXY and AWS_PROXY only; timeout up to
    // 15 minutes) and response-transfer-mode-lambda (STREAM with Invoke, or BUFFERED with
    // InvokeWithResponseStream: "doesn't support this integration configuration").
    const streamUri = 'arn:aws:apigateway:us-east-1:lambda:path/2021-11-15/functions/arn:aws:lambda:us-east-1:123456789012:function:fn/response-streaming-invocations';
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [lambda({ responseTransferMode: 'CHUNKED' }), 'responseTransferMode', 'invalid responseTransferMode "CHUNKED" (expected BUFFERED or STREAM)'],
      [{ type: 'mock', responseTransferMode: 'STREAM' }, 'responseTransferMode', 'responseTransferMode STREAM is for AWS_PROXY and HTTP_PROXY integrations only, not MOCK'],
      [
        { type: 'aws', httpMethod: 'POST', uri: LAMBDA_URI('fn'), responseTransferMode: 'STREAM' },
        'responseTransferMode',
        'responseTransferMode STREAM is for AWS_PROXY and HTTP_PROXY integrations only, not AWS',
      ],
      [
        lambda({ responseTransferMode: 'STREAM' }),
        'responseTransferMode',
        'responseTransferMode STREAM needs the InvokeWithResponseStream uri (arn:aws:apigateway:REGION:lambda:path/2021-11-15/functions/FUNCTION_ARN/response-streaming-invocations)',
      ],
      [lambda({ uri: streamUri }), 'uri', 'a response-streaming-invocations uri (InvokeWithResponseStream) needs an AWS_PROXY integration with responseTransferMode STREAM'],
      [
        lambda({ uri: streamUri, responseTransferMode: 'STREAM', timeoutInMillis: 900_001 }),
        'timeoutInMillis',
        'timeoutInMillis must be an integer between 50 and 900000, got 900001',
      ],
    ];
    for (const [integration, key, problem] of cases) {
      const err = await loadError(withIntegration(integration));
      expect([err.pointer, err.problem]).toEqual([`${INTEGRATION}/${key}`, problem]);
    }
    const ok = await build(withIntegration(lambda({ uri: streamUri, responseTransferMode: 'stream', timeoutInMillis: 900_000 })));
    const integration = ok.resources.find((r) => r.methods['GET'])!.methods['GET']!.integration!;
    expect([integration.responseTransferMode, integration.timeoutInMillis, integration.lambda?.streaming, integration.lambda?.functionName]).toEqual(['STREAM', 900_000, true, 'fn']);
    const http = await build(withIntegration({ type: 'http_proxy', httpMethod: 'GET', uri: 'https://example.com/x', responseTransferMode: 'STREAM' }));
    expect(http.resources.find((r) => r.methods['GET'])!.methods['GET']!.integration!.responseTransferMode).toBe('STREAM');
  });

  it('bad timeoutInMillis (50..29000, §14)', async () => {
    for (const t of [49, 29001, 1000.5, '1000']) {
      const err = await loadError(withIntegration({ type: 'mock', timeoutInMillis: t }));
      expect(err.pointer).toBe(`${INTEGRATION}/timeoutInMillis`);
      expect(err.problem).toBe(`timeoutInMillis must be an integer between 50 and 29000, got ${JSON.stringify(t)}`);
    }
  });

  it('bad passthroughBehavior', async () => {
    const err = await loadError(withIntegration({ type: 'mock', passthroughBehavior: 'always' }));
    expect(err.pointer).toBe(`${INTEGRATION}/passthroughBehavior`);
    expect(err.problem).toBe('invalid passthroughBehavior "always" (expected when_no_match, when_no_templates or never)');
  });

  it('bad contentHandling', async () => {
    let err = await loadError(withIntegration({ type: 'mock', contentHandling: 'CONVERT_TO_JSON' }));
    expect([err.pointer, err.problem]).toEqual([
      `${INTEGRATION}/contentHandling`,
      'invalid contentHandling "CONVERT_TO_JSON" (expected CONVERT_TO_TEXT or CONVERT_TO_BINARY)',
    ]);
    err = await loadError(withIntegration({ type: 'mock', responses: { default: { statusCode: '200', contentHandling: 'convert_to_text' } } }));
    expect(err.pointer).toBe(`${INTEGRATION}/responses/default/contentHandling`);
  });

  it('malformed requestParameters (§7.1)', async () => {
    let err = await loadError(withIntegration({ type: 'mock', requestParameters: { 'integration.request.body.x': "'a'" } }));
    expect(err.pointer).toBe(`${INTEGRATION}/requestParameters/integration.request.body.x`);
    expect(err.problem).toBe(
      "invalid integration request parameter 'integration.request.body.x' (expected integration.request.{path|querystring|header|multivaluequerystring|multivalueheader}.<name>)",
    );
    err = await loadError(withIntegration({ type: 'mock', requestParameters: { 'integration.request.header.x': 'request.header.x' } }));
    expect(err.problem).toBe(
      "invalid mapping expression 'request.header.x' (expected method.request.{path|querystring|multivaluequerystring|header|multivalueheader}.<name>, method.request.body, method.request.body.<JSONPath>, stageVariables.<name>, context.<name> or a 'static' value)",
    );
  });

  it('mapping an undeclared method request parameter', async () => {
    const err = await loadError(withIntegration({ type: 'mock', requestParameters: { 'integration.request.header.x': 'method.request.querystring.q' } }));
    expect(err.pointer).toBe(`${INTEGRATION}/requestParameters/integration.request.header.x`);
    expect(err.problem).toBe(
      'Invalid mapping expression parameter specified: method.request.querystring.q (declare q as a querystring parameter of the operation)',
    );
    // declared → fine, also through the multivalue form
    const ok = await build(
      withIntegration(
        { type: 'mock', requestParameters: { 'integration.request.header.x': 'method.request.multivaluequerystring.q' } },
        { parameters: [{ name: 'q', in: 'query', schema: { type: 'string' } }] },
      ),
    );
    expect(ok.resources[0]!.methods.GET!.integration!.requestParameters).toEqual({
      'integration.request.header.x': 'method.request.multivaluequerystring.q',
    });
  });

  it('response header mapping not declared on the method response (§3.5)', async () => {
    const err = await loadError(
      withIntegration({
        type: 'mock',
        responses: { default: { statusCode: '200', responseParameters: { 'method.response.header.X-A': "'1'" } } },
      }),
    );
    expect(err.pointer).toBe(`${INTEGRATION}/responses/default/responseParameters/method.response.header.X-A`);
    expect(err.problem).toBe(
      'Invalid mapping expression specified: method.response.header.X-A is not declared in the method response for status 200 (add header X-A to responses.200.headers)',
    );
    const bad = await loadError(
      withIntegration({ type: 'mock', responses: { default: { statusCode: '200', responseParameters: { 'method.response.header.X-A': 'body' } } } }),
    );
    expect(bad.problem).toBe(
      "invalid mapping expression 'body' (expected integration.response.{header|multivalueheader}.<name>, integration.response.body, integration.response.body.<JSONPath>, stageVariables.<name>, context.<name> or a 'static' value)",
    );
  });
});

describe('resource paths (§8)', () => {
  const cases: Array<[string, string]> = [
    ['pets', "invalid resource path 'pets': it must start with '/'"],
    ['/pets/', "invalid resource path '/pets/': empty segment (no '//' and no trailing '/')"],
    ['/a//b', "invalid resource path '/a//b': empty segment (no '//' and no trailing '/')"],
    ['/res{id}', "invalid resource path '/res{id}': segment 'res{id}' must be a whole {param} (a path variable cannot share a segment with text)"],
    ['/{proxy+}/x', "invalid resource path '/{proxy+}/x': the greedy variable {proxy+} must be the last segment"],
    ['/{id}/x/{id}', "invalid resource path '/{id}/x/{id}': path parameter 'id' appears more than once"],
    ['/a b', "invalid resource path '/a b': segment 'a b' may only contain letters, digits, '-', '.', ',' and '_'"],
    ['/a:b', "invalid resource path '/a:b': segment 'a:b' may only contain letters, digits, '-', '.', ',' and '_'"],
  ];
  for (const [path, problem] of cases) {
    it(`rejects ${path}`, async () => {
      const err = await loadError(oas3({}, { [path]: {} }));
      expect(err.pointer).toBe(`/paths/${path.replace(/\//g, '~1')}`);
      expect(err.problem).toBe(problem);
    });
  }

  it('accepts the allowed characters', async () => {
    const def = await build(oas3({}, { '/a-b.c,d_e/{id}/{proxy+}': {} }));
    expect(def.resources[0]!.path).toBe('/a-b.c,d_e/{id}/{proxy+}');
  });

  it('one variable child per resource (aws-apigateway-importer#202)', async () => {
    const err = await loadError(oas3({}, { '/users/{id}': {}, '/users/{userId}/fans': {} }));
    expect(err.pointer).toBe('/paths/~1users~1{userId}~1fans');
    expect(err.problem).toBe(
      "invalid resource path '/users/{userId}/fans': A sibling ({id}) of this resource already has a variable path part -- only one is allowed",
    );
    const greedy = await loadError(oas3({}, { '/{id}': {}, '/{proxy+}': {} }));
    expect(greedy.problem).toBe("invalid resource path '/{proxy+}': A sibling ({id}) of this resource already has a variable path part -- only one is allowed");
  });
});

describe('root extensions', () => {
  it('unknown gateway response type', async () => {
    const err = await loadError(oas3({ 'x-amazon-apigateway-gateway-responses': { NOT_FOUND: { statusCode: '404' } } }));
    expect(err.pointer).toBe('/x-amazon-apigateway-gateway-responses/NOT_FOUND');
    expect(err.problem).toMatch(/^unknown gateway response type 'NOT_FOUND' \(expected one of ACCESS_DENIED, .*WAF_FILTERED\)$/);
  });

  it('bad gateway response parameter', async () => {
    const err = await loadError(
      oas3({ 'x-amazon-apigateway-gateway-responses': { DEFAULT_4XX: { responseParameters: { 'method.response.header.A': "'*'" } } } }),
    );
    expect(err.pointer).toBe('/x-amazon-apigateway-gateway-responses/DEFAULT_4XX/responseParameters/method.response.header.A');
    expect(err.problem).toBe(
      "invalid gateway response parameter 'method.response.header.A' (expected gatewayresponse.{header|path|querystring}.<name>)",
    );
  });

  it('minimum compression size out of range (§13.2)', async () => {
    const err = await loadError(oas3({ 'x-amazon-apigateway-minimum-compression-size': 10485761 }));
    expect([err.pointer, err.problem]).toEqual([
      '/x-amazon-apigateway-minimum-compression-size',
      'x-amazon-apigateway-minimum-compression-size must be an integer between 0 and 10485760, got 10485761',
    ]);
  });

  it('api key source', async () => {
    const err = await loadError(oas3({ 'x-amazon-apigateway-api-key-source': 'QUERY' }));
    expect([err.pointer, err.problem]).toEqual([
      '/x-amazon-apigateway-api-key-source',
      'x-amazon-apigateway-api-key-source must be HEADER or AUTHORIZER, got "QUERY"',
    ]);
  });

  it('binary media types', async () => {
    const err = await loadError(oas3({ 'x-amazon-apigateway-binary-media-types': ['image/png', 7] }));
    expect([err.pointer, err.problem]).toEqual([
      '/x-amazon-apigateway-binary-media-types/1',
      'a binary media type must be a non-empty string, got a number',
    ]);
  });

  it('unknown request validator', async () => {
    const validators = { 'x-amazon-apigateway-request-validators': { all: { validateRequestBody: true, validateRequestParameters: true } } };
    let err = await loadError(oas3({ ...validators, 'x-amazon-apigateway-request-validator': 'body' }));
    expect([err.pointer, err.problem]).toEqual([
      '/x-amazon-apigateway-request-validator',
      "request validator 'body' is not defined in x-amazon-apigateway-request-validators (defined: all)",
    ]);
    const doc = oas3(validators);
    (doc.paths as any)['/'].get['x-amazon-apigateway-request-validator'] = 'params';
    err = await loadError(doc);
    expect(err.pointer).toBe('/paths/~1/get/x-amazon-apigateway-request-validator');
  });

  it('paths is required', async () => {
    const doc = oas3();
    delete doc.paths;
    const err = await loadError(doc);
    expect([err.pointer, err.problem]).toEqual(['/paths', 'paths is required']);
  });
});
