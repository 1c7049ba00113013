// The seed's two definitions (AWS developer guide, "Access binary files in Lambda",
// /work/shared/seed/binary-files-in-lambda.txt) describe the same API in OpenAPI 3.0
// and Swagger 2.0: they must load into the same model.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load.js';
import { FIXTURES, plain } from './helpers.js';

const LAMBDA_URI =
  'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:image/invocations';

describe('seed definitions', () => {
  it('OpenAPI 3.0 and Swagger 2.0 load into equal models', async () => {
    const oas3 = await loadDefinition(join(FIXTURES, 'seed-oas3.json'));
    const swagger = await loadDefinition(join(FIXTURES, 'seed-swagger2.json'));
    expect(plain(oas3, { dropPointers: true })).toEqual(plain(swagger, { dropPointers: true }));
    expect(oas3.warnings).toEqual([]);
    expect(swagger.warnings).toEqual([]);
    expect(oas3.sourcePath).toBe(join(FIXTURES, 'seed-oas3.json'));
  });

  it('pins the model of the seed', async () => {
    const def = await loadDefinition(join(FIXTURES, 'seed-oas3.json'));
    expect(def.title).toBe('ApiName');
    expect(def.version).toBe('2016-10-21T17:26:28Z');
    // §15.2: servers[0].variables.basePath.default "/v1" → stage v1
    expect(def.stage).toBe('v1');
    expect(def.binaryMediaTypes).toEqual(['application/octet-stream', 'image/jpeg']);
    expect(def.minimumCompressionSize).toBeNull();
    expect(def.apiKeySource).toBe('HEADER');
    expect(def.gatewayResponses).toEqual({});
    expect(def.models).toEqual({ Empty: { type: 'object', title: 'Empty Schema' } });
    expect(def.resources.map((r) => [r.path, r.pointer, Object.keys(r.methods)])).toEqual([
      ['/lambda', '/paths/~1lambda', ['GET', 'PUT']],
    ]);

    const get = def.resources[0]!.methods.GET!;
    expect(get.pointer).toBe('/paths/~1lambda/get');
    expect(get.requestParameters).toEqual({ 'method.request.querystring.key': false });
    expect(get.requestModels).toEqual({});
    expect(get.methodResponses).toEqual({
      '200': { statusCode: '200', responseParameters: {} },
      '500': { statusCode: '500', responseParameters: {} },
    });
    expect(get.apiKeyRequired).toBe(false);
    expect(get.requestValidator).toBeUndefined();
    const gi = get.integration!;
    expect(gi.type).toBe('AWS');
    expect(gi.pointer).toBe('/paths/~1lambda/get/x-amazon-apigateway-integration');
    expect(gi.uri).toBe(LAMBDA_URI);
    expect(gi.httpMethod).toBe('POST');
    expect(gi.credentials).toBe('arn:aws:iam::123456789012:role/Lambda');
    expect(gi.passthroughBehavior).toBe('WHEN_NO_MATCH');
    expect(gi.contentHandling).toBeUndefined();
    expect(gi.timeoutInMillis).toBe(29000);
    expect(gi.lambda).toEqual({
      functionName: 'image',
      qualifier: undefined,
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:image',
      region: 'us-east-1',
      streaming: false,
    });
    expect(gi.requestTemplates.map(([t, c]) => [t, c.source])).toEqual([
      ['application/json', '{\n "imageKey": "$input.params(\'key\')"\n}'],
    ]);
    expect(gi.responses).toHaveLength(1);
    const ok = gi.responses[0]!;
    expect(ok.selectionPattern).toBe('2\\d{2}');
    expect(ok.statusCode).toBe('200');
    expect(ok.pointer).toBe('/paths/~1lambda/get/x-amazon-apigateway-integration/responses/2\\d{2}');
    // whole-string match (§3.2)
    expect(ok.matcher!.test('200')).toBe(true);
    expect(ok.matcher!.test('2000')).toBe(false);
    expect(ok.responseTemplates.map(([t, c]) => [t, c.source])).toEqual([['application/json', '{\n "image": "$input.body"\n}']]);
    expect(gi.defaultResponse).toMatchObject({ selectionPattern: undefined, matcher: undefined, statusCode: '500' });

    const put = def.resources[0]!.methods.PUT!;
    expect(put.integration!.contentHandling).toBe('CONVERT_TO_TEXT');
    expect(put.integration!.responses[0]!.responseTemplates).toEqual([]);
  });

  it('YAML copies load into the same models as the JSON files', async () => {
    for (const name of ['seed-oas3', 'seed-swagger2']) {
      const json = await loadDefinition(join(FIXTURES, `${name}.json`));
      const yaml = await loadDefinition(join(FIXTURES, `${name}.yaml`));
      expect(plain(yaml)).toEqual(plain(json));
      expect(yaml.sourcePath).toBe(join(FIXTURES, `${name}.yaml`));
    }
  });
});
