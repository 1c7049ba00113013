import { describe, expect, it } from 'vitest';
import { thrownGatewayError } from '../../test/support/http.js';
import { makeApi, makeMethod, makeRequest, withResponses, gr } from '../../test/gateway/fixtures.js';
import { gatewayResponse } from './gateway-response.js';
import { GatewayError, type IncomingRequest } from './types.js';
import { selectModel, validateBody, validateRequest } from './validate-request.js';
import type { Method } from '../definition/model.js';

const api = makeApi();

const thrown = thrownGatewayError;

// The sample API of D-validtest: q1 required on GET, h1 required on POST, RequestDataModel.
const petModel = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  title: 'RequestDataModel',
  type: 'object',
  properties: {
    name: { type: 'string' },
    type: { type: 'string', enum: ['dog', 'cat', 'fish'] },
    price: { type: 'number', minimum: 25, maximum: 500 },
  },
  required: ['name', 'type', 'price'],
};

describe('required parameters (§10; D-valid, D-validtest, LS-mreq)', () => {
  const getMethod = makeMethod({ httpMethod: 'GET', requestParameters: { 'method.request.querystring.q1': true } });

  it('present and non-blank passes', () => {
    expect(() => validateRequest(getMethod, makeRequest({ query: [['q1', 'cat']] }), {}, api)).not.toThrow();
  });

  it('missing → 400 "Missing required request parameters: [q1]" (D-validtest)', () => {
    const e = thrown(() => validateRequest(getMethod, makeRequest(), {}, api));
    expect(e.type).toBe('BAD_REQUEST_PARAMETERS');
    expect(e.message).toBe('Missing required request parameters: [q1]');
    const r = gatewayResponse(e, { api, request: makeRequest(), stageVariables: {}, context: undefined });
    expect(r.statusCode).toBe(400);
    expect(r.body.toString()).toBe('{"message":"Missing required request parameters: [q1]"}');
  });

  it('blank value (?q1=) fails like a missing one (D-validtest)', () => {
    const e = thrown(() => validateRequest(getMethod, makeRequest({ query: [['q1', '']] }), {}, api));
    expect(e.message).toBe('Missing required request parameters: [q1]');
    const ws = thrown(() => validateRequest(getMethod, makeRequest({ query: [['q1', '  ']] }), {}, api));
    expect(ws.message).toBe('Missing required request parameters: [q1]');
  });

  it('several: one bracket list joined by ", ", ordered by full key (LS-mreq)', () => {
    const m = makeMethod({
      requestParameters: {
        'method.request.querystring.zeta': true,
        'method.request.querystring.alpha': true,
        'method.request.header.h1': true,
        'method.request.path.id': true,
        'method.request.querystring.optional': false,
      },
    });
    const e = thrown(() => validateRequest(m, makeRequest(), {}, api));
    expect(e.message).toBe('Missing required request parameters: [h1, id, alpha, zeta]');
    const partial = thrown(() =>
      validateRequest(m, makeRequest({ headers: [['H1', 'v1']], query: [['zeta', 'z']] }), { id: '7' }, api),
    );
    expect(partial.message).toBe('Missing required request parameters: [alpha]');
  });

  it('header names are case-insensitive; query names are not', () => {
    const m = makeMethod({
      requestParameters: { 'method.request.header.X-Token': true, 'method.request.querystring.Q': true },
    });
    const e = thrown(() =>
      validateRequest(m, makeRequest({ headers: [['x-token', 't']], query: [['q', 'lower']] }), {}, api),
    );
    expect(e.message).toBe('Missing required request parameters: [Q]');
  });

  it('no validator, or parameters not validated → nothing checked (D-valid)', () => {
    expect(() => validateRequest({ ...getMethod, requestValidator: undefined }, makeRequest(), {}, api)).not.toThrow();
    const bodyOnly = { ...getMethod, requestValidator: { name: 'b', validateRequestBody: true, validateRequestParameters: false } };
    expect(() => validateRequest(bodyOnly, makeRequest(), {}, api)).not.toThrow();
  });
});

describe('body validation (§10; D-validtest, LS-mreq)', () => {
  const post: Method = makeMethod({
    requestParameters: { 'method.request.header.h1': true },
    requestModels: { 'application/json': petModel },
  });
  const req = (body: string, headers: Array<[string, string]> = [['Content-Type', 'application/json'], ['h1', 'v1']]): IncomingRequest =>
    makeRequest({ httpMethod: 'POST', headers, body: Buffer.from(body) });

  it('valid body passes (D-validtest)', () => {
    expect(() => validateRequest(post, req('{"name":"Marco","type":"dog","price":260}'), {}, api)).not.toThrow();
  });

  it('enum violation → 400 "Invalid request body" with a validationErrorString (D-validtest)', () => {
    const e = thrown(() => validateRequest(post, req('{"name":"Molly","type":"bird","price":269}'), {}, api));
    expect(e.type).toBe('BAD_REQUEST_BODY');
    expect(e.message).toBe('Invalid request body');
    expect(e.detail).toBe('[instance value ("bird") not found in enum (possible values: ["dog","cat","fish"])]');
    const r = gatewayResponse(e, { api, request: req(''), stageVariables: {}, context: undefined });
    expect(r.statusCode).toBe(400);
    expect(r.body.toString()).toBe('{"message":"Invalid request body"}');
  });

  it('maximum violation (price 501, D-validtest) and several errors at once', () => {
    const e = thrown(() => validateRequest(post, req('{"name":"M","type":"dog","price":501}'), {}, api));
    expect(e.detail).toBe('[numeric instance is greater than the required maximum (maximum: 500, found: 501)]');
    const many = thrown(() => validateRequest(post, req('{"type":"dog","price":"cheap"}'), {}, api));
    expect(many.detail).toBe(
      '[object has missing required properties (["name"]), instance type (string) does not match any allowed primitive type (allowed: ["number"])]',
    );
  });

  it('parameters are checked before the body (§10; LS-mreq)', () => {
    const e = thrown(() => validateRequest(post, req('not json', [['Content-Type', 'application/json']]), {}, api));
    expect(e.type).toBe('BAD_REQUEST_PARAMETERS');
    expect(e.message).toBe('Missing required request parameters: [h1]');
  });

  it('empty body is validated as {} (LS-mreq)', () => {
    const e = thrown(() => validateRequest(post, req(''), {}, api));
    expect(e.detail).toBe('[object has missing required properties (["name","price","type"])]');
    const lenient = makeMethod({ requestModels: { 'application/json': { type: 'object' } } });
    expect(() => validateRequest(lenient, req(''), {}, api)).not.toThrow();
  });

  it('invalid JSON fails validation (LS-mreq)', () => {
    const lenient = makeMethod({ requestModels: { 'application/json': { type: 'object' } } });
    const e = thrown(() => validateRequest(lenient, req('{"a":'), {}, api));
    expect(e.type).toBe('BAD_REQUEST_BODY');
    expect(e.message).toBe('Invalid request body');
    expect(e.detail).toMatch(/^\[Invalid JSON: .+\]$/);
  });

  it('validationErrorString reaches a gateway-response template (§9.3; D-vtl)', () => {
    const e = thrown(() => validateRequest(post, req('{"name":"x","type":"cat","price":1}'), {}, api));
    const custom = withResponses({
      BAD_REQUEST_BODY: gr(undefined, {}, [['application/json', '{"message":$context.error.messageString,"detail":"$context.error.validationErrorString"}']]),
    });
    const r = gatewayResponse(e, { api: custom, request: req(''), stageVariables: {}, context: undefined });
    expect(r.body.toString()).toBe(
      '{"message":"Invalid request body","detail":"[numeric instance is lower than the required minimum (minimum: 25, found: 1)]"}',
    );
  });

  it('model chosen by Content-Type; missing Content-Type = application/json; else $default; else no validation (§2.1; D-valid)', () => {
    expect(selectModel({ 'application/json': petModel }, undefined)).toBe(petModel);
    expect(selectModel({ 'Application/JSON': petModel }, 'application/json')).toBe(petModel);
    const other = { type: 'string' };
    expect(selectModel({ 'application/json': petModel, $default: other }, 'text/plain')).toBe(other);
    expect(selectModel({ 'application/json': petModel }, 'text/plain')).toBeUndefined();
    const m = makeMethod({ requestModels: { 'application/json': petModel } });
    expect(() => validateRequest(m, req('anything', [['Content-Type', 'text/plain']]), {}, api)).not.toThrow();
    expect(() => validateRequest(m, req('{}', []), {}, api)).toThrow(GatewayError);
  });

  it('strings, patterns, arrays and additionalProperties messages', () => {
    const schema = {
      type: 'object',
      properties: {
        code: { type: 'string', minLength: 3, maxLength: 4, pattern: '^[A-Z]+$' },
        tags: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'integer' } },
      },
      additionalProperties: false,
    };
    expect(validateBody(schema, Buffer.from('{"code":"ab","tags":[]}'))).toBe(
      '[string "ab" is too short (length: 2, required minimum: 3), ECMA 262 regex "^[A-Z]+$" does not match input string "ab", array is too short: must have at least 1 elements but instance has 0 elements]',
    );
    expect(validateBody(schema, Buffer.from('{"code":"ABCDE","tags":[1,2,3.5],"x":1}'))).toBe(
      '[object instance has properties which are not allowed by the schema: ["x"], string "ABCDE" is too long (length: 5, maximum allowed: 4), array is too long: must have at most 2 elements but instance has 3 elements, instance type (number) does not match any allowed primitive type (allowed: ["integer"])]',
    );
    expect(validateBody(schema, Buffer.from('{"code":"ABC","tags":[1]}'))).toBeUndefined();
  });

  it('draft-04 semantics: boolean exclusiveMaximum, id, $schema (ajv-draft-04)', () => {
    const schema = { id: 'http://example.com/pet.json', $schema: 'http://json-schema.org/draft-04/schema#', type: 'number', maximum: 10, exclusiveMaximum: true };
    expect(validateBody(schema, Buffer.from('10'))).toBeDefined();
    expect(validateBody(schema, Buffer.from('9.5'))).toBeUndefined();
    // A second schema with the same id compiles too (no global registration).
    expect(validateBody({ id: 'http://example.com/pet.json', type: 'string' }, Buffer.from('"s"'))).toBeUndefined();
  });

  it('a model that cannot compile → 500 API_CONFIGURATION_ERROR, not a crash', () => {
    const broken = { type: 'object', properties: { a: { $ref: '#/definitions/missing' } } };
    const e = thrown(() => validateBody(broken, Buffer.from('{}')));
    expect(e.type).toBe('API_CONFIGURATION_ERROR');
    expect(e.detail).toMatch(/cannot be compiled/);
  });
});
