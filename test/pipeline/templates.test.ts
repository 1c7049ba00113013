// Request template selection and passthrough behaviour (§2.1, §2.2), response
// template selection (§2.3), driven through the real pipeline with MOCK
// integrations (the request template's statusCode drives selection, §3.4).

import { describe, expect, it } from 'vitest';
import { gatewayFor, incoming, oas3, responses, show } from '../support/gateway.js';

function mockApi(integration: Record<string, unknown>) {
  return oas3('/m', {
    post: {
      responses: responses('200', '201', '202'),
      'x-amazon-apigateway-integration': { type: 'mock', ...integration },
    },
  });
}

const statusResponses = {
  '200': { statusCode: '200', responseTemplates: { 'application/json': '{"from": "json template"}' } },
  '201': { statusCode: '201', responseTemplates: { 'application/json': '{"from": "xml template"}' } },
  '202': { statusCode: '202', responseTemplates: { 'application/json': '{"from": "passthrough body"}' } },
};

const twoTemplates = {
  requestTemplates: { 'application/json': '{"statusCode": 200}', 'application/xml': '{"statusCode": 201}' },
  responses: statusResponses,
};

const post = (headers: Array<[string, string]>, body = '{"statusCode": 202}') => incoming('POST', '/test/m', { headers, body });

describe('request template selection by Content-Type (§2.1 [D-datamap])', () => {
  it('uses the template keyed by the request Content-Type, parameters ignored', async () => {
    const gw = await gatewayFor(mockApi(twoTemplates));
    expect(show(await gw.handle(post([['Content-Type', 'application/xml; charset=UTF-8']])))).toMatchObject({
      status: 201,
      body: '{"from": "xml template"}',
    });
  });
  it('treats a missing Content-Type as application/json [D-datamap, D-pass]', async () => {
    const gw = await gatewayFor(mockApi(twoTemplates));
    expect(show(await gw.handle(post([])))).toMatchObject({ status: 200, body: '{"from": "json template"}' });
  });
});

describe('passthroughBehavior (§2.2 [D-pass], 415 observed [MS-1746, LS-iq])', () => {
  const unsupported = {
    status: 415,
    body: '{"message":"Unsupported Media Type"}',
  };

  it('WHEN_NO_MATCH: templates exist, none matches → the body passes through', async () => {
    const gw = await gatewayFor(mockApi({ ...twoTemplates, passthroughBehavior: 'WHEN_NO_MATCH' }));
    expect(show(await gw.handle(post([['Content-Type', 'text/plain']])))).toMatchObject({ status: 202, body: '{"from": "passthrough body"}' });
  });
  it('WHEN_NO_TEMPLATES: templates exist, none matches → 415 Unsupported Media Type', async () => {
    const gw = await gatewayFor(mockApi({ ...twoTemplates, passthroughBehavior: 'when_no_templates' }));
    const res = show(await gw.handle(post([['Content-Type', 'text/plain']])));
    expect(res).toMatchObject(unsupported);
    expect(res.headers['x-amzn-errortype']).toBe('BadRequestException');
    expect(res.headers['content-type']).toBe('application/json');
  });
  it('WHEN_NO_TEMPLATES: no templates at all → passes through', async () => {
    const gw = await gatewayFor(mockApi({ passthroughBehavior: 'WHEN_NO_TEMPLATES', responses: statusResponses }));
    expect(show(await gw.handle(post([['Content-Type', 'text/plain']])))).toMatchObject({ status: 202 });
  });
  it('NEVER: templates exist, none matches → 415', async () => {
    const gw = await gatewayFor(mockApi({ ...twoTemplates, passthroughBehavior: 'NEVER' }));
    expect(show(await gw.handle(post([['Content-Type', 'text/plain']])))).toMatchObject(unsupported);
  });
  it('NEVER: no templates at all → 415 (§2.2, LocalStack behaviour)', async () => {
    const gw = await gatewayFor(mockApi({ passthroughBehavior: 'never', responses: statusResponses }));
    expect(show(await gw.handle(post([['Content-Type', 'application/json']])))).toMatchObject(unsupported);
  });
  it('a matching template transforms under every behaviour', async () => {
    for (const passthroughBehavior of ['WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER']) {
      const gw = await gatewayFor(mockApi({ ...twoTemplates, passthroughBehavior }));
      expect(show(await gw.handle(post([['Content-Type', 'application/json']]))).status).toBe(200);
    }
  });
});

describe('response template selection by Accept (§2.3 [D-datamap, LS-ir])', () => {
  const api = (templates: Record<string, string>) =>
    mockApi({
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      responses: { default: { statusCode: '200', responseTemplates: templates } },
    });
  const three = { 'text/plain': 'plain', 'application/xml': '<xml/>', 'application/json': '{"json": true}' };
  const get = (accept?: string) => post(accept === undefined ? [] : [['Accept', accept]], '');

  it('picks the template keyed by the first Accept type, and answers with that Content-Type', async () => {
    const gw = await gatewayFor(api(three));
    expect(show(await gw.handle(get('application/xml, application/json')))).toMatchObject({
      status: 200,
      headers: { 'content-type': 'application/xml' },
      body: '<xml/>',
    });
  });
  it('missing Accept → application/json', async () => {
    const gw = await gatewayFor(api(three));
    expect(show(await gw.handle(get()))).toMatchObject({ body: '{"json": true}', headers: { 'content-type': 'application/json' } });
  });
  it('no template for the Accept type → application/json if defined [LS-ir], else the first template [D-datamap]', async () => {
    expect(show(await (await gatewayFor(api(three))).handle(get('image/png')))).toMatchObject({ body: '{"json": true}' });
    const noJson = await gatewayFor(api({ 'text/plain': 'plain', 'application/xml': '<xml/>' }));
    expect(show(await noJson.handle(get('image/png')))).toMatchObject({ body: 'plain', headers: { 'content-type': 'text/plain' } });
  });
  it('an empty template renders an empty body (§2.4 [D-datamap])', async () => {
    const gw = await gatewayFor(api({ 'application/json': '' }));
    expect(show(await gw.handle(get()))).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '',
    });
  });
});
