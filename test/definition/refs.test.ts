import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load.js';
import { FIXTURES, loadError, oas3 } from './helpers.js';

describe('$ref resolution', () => {
  it('resolves local refs, a path item file and a schema file; keeps circular refs', async () => {
    const def = await loadDefinition(join(FIXTURES, 'refs-main.yaml'));
    expect(def.warnings).toEqual([
      {
        pointer: '/components/schemas/Node/properties/next/$ref',
        message: "circular $ref '#/components/schemas/Node' is kept as is: request bodies cannot be validated against a recursive model",
      },
    ]);
    expect(def.resources.map((r) => r.path)).toEqual(['/pets/{id}', '/local']);

    // Path item from refs/pet-path.yaml; pointers are those of the referencing document.
    const pet = def.resources[0]!.methods.GET!;
    expect(pet.pointer).toBe('/paths/~1pets~1{id}/get');
    expect(pet.requestParameters).toEqual({ 'method.request.path.id': true });
    expect(pet.integration).toMatchObject({
      type: 'HTTP_PROXY',
      httpMethod: 'GET',
      uri: 'https://backend.example.com/pets/{id}',
      requestParameters: { 'integration.request.path.id': 'method.request.path.id' },
      pointer: '/paths/~1pets~1{id}/get/x-amazon-apigateway-integration',
    });

    const local = def.resources[1]!.methods.GET!;
    expect(local.requestParameters).toEqual({ 'method.request.querystring.limit': true });
    const person = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
    const petSchema = { type: 'object', properties: { name: { type: 'string' }, owner: person } };
    expect(local.requestModels).toEqual({ 'application/json': petSchema });
    expect(local.methodResponses).toEqual({
      '200': { statusCode: '200', responseParameters: { 'method.response.header.X-Trace': true } },
    });
    expect(local.integration!.type).toBe('MOCK');
    expect(local.integration!.defaultResponse!.responseParameters).toEqual({ 'method.response.header.X-Trace': "'abc'" });

    expect(def.models.Pet).toEqual(petSchema);
    // Circular: left as a $ref (JSON Schema validators resolve it against the models).
    expect(def.models.Node).toEqual({ type: 'object', properties: { next: { $ref: '#/components/schemas/Node' } } });
  });

  it('does not mutate the document it is given', async () => {
    const doc = oas3({ components: { parameters: { P: { name: 'p', in: 'query', schema: { type: 'string' } } } } });
    (doc.paths as any)['/'].get.parameters = [{ $ref: '#/components/parameters/P' }];
    const before = JSON.stringify(doc);
    const { buildDefinition } = await import('../../src/definition/load.js');
    const def = await buildDefinition(doc);
    expect(def.resources[0]!.methods.GET!.requestParameters).toEqual({ 'method.request.querystring.p': false });
    expect(JSON.stringify(doc)).toBe(before);
  });

  it('a local $ref to nothing is an error at the $ref', async () => {
    const doc = oas3();
    (doc.paths as any)['/'].get.parameters = [{ $ref: '#/components/parameters/Nope' }];
    const err = await loadError(doc);
    expect(err.pointer).toBe('/paths/~1/get/parameters/0/$ref');
    expect(err.problem).toBe("$ref '#/components/parameters/Nope' points to nothing in this document");
  });

  it('a missing file is an error at the $ref', async () => {
    const doc = oas3();
    (doc.paths as any)['/x'] = { $ref: 'refs/missing.yaml' };
    const sourcePath = join(FIXTURES, 'virtual.json');
    const err = await loadError(doc, { sourcePath });
    expect(err.pointer).toBe('/paths/~1x/$ref');
    expect(err.problem).toBe(`$ref 'refs/missing.yaml': file not found (${join(FIXTURES, 'refs/missing.yaml')})`);
    expect(err.file).toBe(sourcePath);
    expect(err.message).toBe(`${sourcePath}: /paths/~1x/$ref: ${err.problem}`);
  });

  it('a missing pointer inside a referenced file is an error at the $ref', async () => {
    const doc = oas3({ components: { schemas: { P: { $ref: 'refs/schemas.json#/Nobody' } } } });
    const err = await loadError(doc, { sourcePath: join(FIXTURES, 'virtual.json') });
    expect(err.pointer).toBe('/components/schemas/P/$ref');
    expect(err.problem).toMatch(/^cannot resolve \$ref 'refs\/schemas.json#\/Nobody': /);
  });

  it('remote refs are refused', async () => {
    const doc = oas3({ components: { schemas: { P: { $ref: 'https://example.com/s.json' } } } });
    const err = await loadError(doc);
    expect(err.pointer).toBe('/components/schemas/P/$ref');
    expect(err.problem).toBe(
      "remote $ref 'https://example.com/s.json' is not supported (use local '#/...' refs or files beside the definition)",
    );
  });

  it('a $ref that is not a string is an error', async () => {
    const err = await loadError(oas3({ components: { schemas: { P: { $ref: 42 } } } }));
    expect(err.pointer).toBe('/components/schemas/P/$ref');
    expect(err.problem).toBe('$ref must be a string');
  });
});
