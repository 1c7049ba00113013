// Integration response selection (§3): Lambda errors select on errorMessage,
// success on the empty string; patterns match the whole string as Java's
// Matcher.matches() does; no match and no default → 500.

import { describe, expect, it } from 'vitest';
import { functionError, gatewayFor, incoming, LAMBDA_URI, oas3, responses, scriptedLambda, show } from '../support/gateway.js';

function lambdaApi(integrationResponses: Record<string, unknown>) {
  return oas3('/f', {
    get: {
      responses: responses('200', '400', '404', '500'),
      'x-amazon-apigateway-integration': { type: 'aws', httpMethod: 'POST', uri: LAMBDA_URI, responses: integrationResponses },
    },
  });
}

const call = () => incoming('GET', '/test/f');

describe('selection on errorMessage for Lambda custom integrations (§3.1, §6)', () => {
  const errorTemplate = { 'application/json': '{"error": "$input.path(\'$.errorMessage\')"}' };
  const routes = {
    default: { statusCode: '200' },
    'Not found: .*': { statusCode: '404', responseTemplates: errorTemplate },
    '(\\n|.)*Bad request(\\n|.)*': { statusCode: '400', responseTemplates: errorTemplate },
  };

  it('a successful invocation selects with the empty string → default [LS-12574, LS-12580]', async () => {
    const gw = await gatewayFor(lambdaApi({ ...routes, '.*': { statusCode: '500' } }), scriptedLambda(() => ({ payload: '{"ok":true}' })));
    // `.*` matches the empty string, so success lands on it — exactly why §3.3's seed answers 500.
    expect(show(await gw.handle(call()))).toMatchObject({ status: 500, body: '{"ok":true}' });
  });

  it('an error whose message matches a pattern selects it', async () => {
    const gw = await gatewayFor(lambdaApi(routes), scriptedLambda(() => functionError('Not found: cat.jpg')));
    expect(show(await gw.handle(call()))).toEqual({
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: '{"error": "Not found: cat.jpg"}',
    });
  });

  it('patterns are anchored at both ends: "found" does not match "Not found: x" (§3.2 [API-IR, UU])', async () => {
    const gw = await gatewayFor(lambdaApi({ default: { statusCode: '200' }, found: { statusCode: '404' } }), scriptedLambda(() => functionError('Not found: x')));
    expect(show(await gw.handle(call())).status).toBe(200);
  });

  it('`.` does not cross a newline: `Bad request.*` misses a multi-line message, `(\\n|.)*` catches it (§3.2 [UU])', async () => {
    const message = 'Bad request\nfield "name" is required';
    const plain = await gatewayFor(lambdaApi({ default: { statusCode: '200' }, 'Bad request.*': { statusCode: '400' } }), scriptedLambda(() => functionError(message)));
    expect(show(await plain.handle(call())).status).toBe(200);
    const multi = await gatewayFor(lambdaApi(routes), scriptedLambda(() => functionError(message)));
    expect(show(await multi.handle(call()))).toMatchObject({ status: 400, body: `{"error": "Bad request\nfield "name" is required"}` });
  });

  it('an unmatched error goes to the default response: 200 with the error JSON passed through (§6 [D-lambdaerr])', async () => {
    const err = functionError('boom');
    const gw = await gatewayFor(lambdaApi(routes), scriptedLambda(() => err));
    expect(show(await gw.handle(call()))).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: err.payload });
  });

  it('no match and no default → 500 API configuration error (§3.1 [LS-ir, D-lambdaerr])', async () => {
    const gw = await gatewayFor(lambdaApi({ 'Not found: .*': { statusCode: '404' } }), scriptedLambda(() => ({ payload: '{}' })));
    const res = show(await gw.handle(call()));
    expect(res.status).toBe(500);
    expect(res.body).toBe('{"message": "Internal server error"}');
  });

  it('a selected status without a method response → 500 [D-intresp]', async () => {
    const gw = await gatewayFor(lambdaApi({ default: { statusCode: '418' } }), scriptedLambda(() => ({ payload: '{}' })));
    expect(show(await gw.handle(call()))).toMatchObject({ status: 500, body: '{"message": "Internal server error"}' });
  });
});

describe('selection on the status code for MOCK (§3.1, §3.4)', () => {
  const api = (status: number, integrationResponses: Record<string, unknown>) =>
    oas3('/m', {
      get: {
        responses: responses('200', '201', '400'),
        'x-amazon-apigateway-integration': {
          type: 'mock',
          requestTemplates: { 'application/json': `{"statusCode": ${status}}` },
          responses: integrationResponses,
        },
      },
    });

  it('"2\\d{2}" matches 201 but "20" does not match 201 (whole-string)', async () => {
    const gw = await gatewayFor(api(201, { default: { statusCode: '400' }, '2\\d{2}': { statusCode: '201' } }));
    expect(show(await gw.handle(incoming('GET', '/test/m'))).status).toBe(201);
    const partial = await gatewayFor(api(201, { default: { statusCode: '400' }, '20': { statusCode: '200' } }));
    expect(show(await partial.handle(incoming('GET', '/test/m'))).status).toBe(400);
  });

  it('among several matching patterns the one whose statusCode equals the endpoint status wins [MS-1756]', async () => {
    const gw = await gatewayFor(api(201, { '2\\d{2}': { statusCode: '200' }, '20\\d': { statusCode: '201' } }));
    expect(show(await gw.handle(incoming('GET', '/test/m'))).status).toBe(201);
  });
});
