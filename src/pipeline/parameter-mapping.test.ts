import { describe, expect, it } from 'vitest';
import { makeCtx, makeEndpoint, makeIntegration } from '../../test/http/fixtures.js';
import {
  encodePathValue,
  mapRequestParameters,
  mapResponseParameters,
  parseSimplePath,
  renderIntegrationUri,
  substituteStageVariables,
} from './parameter-mapping.js';
import { thrownGatewayError } from '../../test/support/http.js';

const caught = thrownGatewayError;

describe('substituteStageVariables (§4.4 [LS-help])', () => {
  it('replaces ${stageVariables.x}, missing → empty string', () => {
    expect(substituteStageVariables('http://${stageVariables.host}:${stageVariables.port}/a${stageVariables.nope}/b', { host: 'h.example', port: '8080' })).toBe(
      'http://h.example:8080/a/b',
    );
  });
  it('leaves other ${...} and $stageVariables forms alone', () => {
    expect(substituteStageVariables('${path} $stageVariables.x ${stageVariables.x}', { x: 'X' })).toBe('${path} $stageVariables.x X');
  });
  it('does not resolve prototype names', () => {
    expect(substituteStageVariables('[${stageVariables.toString}]', {})).toBe('[]');
  });
});

describe('renderIntegrationUri (§7.2)', () => {
  it('fills {name} from mapped path parameters, then stage variables', () => {
    expect(
      renderIntegrationUri('http://${stageVariables.host}/pets/{id}/{proxy}/{unmapped}', { id: '42', proxy: 'a/b c' }, { host: 'backend:9000' }),
    ).toBe('http://backend:9000/pets/42/a/b%20c/{unmapped}');
  });
  it('fills {name+} too; placeholders are not re-scanned inside substituted values', () => {
    expect(renderIntegrationUri('http://h/{proxy+}?x=${stageVariables.a}', { proxy: '{id}/${stageVariables.a}' }, { a: 'A' })).toBe(
      'http://h/%7Bid%7D/$%7BstageVariables.a%7D?x=A',
    );
  });
  it('re-encodes % and characters outside pchar, keeps / and sub-delims (§8 notes)', () => {
    expect(encodePathValue('100%/ä?#x+y=z:@!')).toBe('100%25/%C3%A4%3F%23x+y=z:@!');
  });
});

describe('parseSimplePath (JSONPath after body., §3.5, §7.1)', () => {
  it('parses dots, indexes and quoted keys', () => {
    expect(parseSimplePath("a.b[0]['c d'][\"e\"].f")).toEqual(['a', 'b', 0, 'c d', 'e', 'f']);
    expect(parseSimplePath('$.a')).toEqual(['a']);
  });
  it('rejects malformed paths', () => {
    expect(parseSimplePath('a..b')).toBeUndefined();
    expect(parseSimplePath('a[')).toBeUndefined();
    expect(parseSimplePath('a[*]')).toBeUndefined();
    expect(parseSimplePath('a.')).toBeUndefined();
  });
});

describe('mapRequestParameters (§7.1)', () => {
  const ctx = makeCtx({
    method: 'POST',
    headers: [
      ['Host', '127.0.0.1:3000'],
      ['X-Tenant', 't1'],
      ['X-Multi', 'a'],
      ['X-Multi', 'b'],
      ['Connection', 'keep-alive'],
    ],
    query: [
      ['q', '1'],
      ['q', '2'],
      ['single', 'only'],
    ],
    pathParameters: { id: '42', proxy: 'a/b' },
    stageVariables: { env: 'prod' },
    body: '{"user":{"name":"ann","tags":["x","y"],"age":7,"ok":true,"nil":null}}',
    context: { apiId: 'abc', requestId: 'rid-1', identity: { sourceIp: '10.0.0.9' }, requestTimeEpoch: 1700000000000 },
  });

  it('maps every method.request source form, stage variables, context and statics', () => {
    const mapped = mapRequestParameters(
      {
        'integration.request.path.petId': 'method.request.path.id',
        'integration.request.path.proxy': 'method.request.path.proxy',
        'integration.request.querystring.last': 'method.request.querystring.q',
        'integration.request.querystring.all': 'method.request.multivaluequerystring.q',
        'integration.request.querystring.s': 'method.request.multivaluequerystring.single',
        'integration.request.header.X-Tenant-Id': 'method.request.header.X-Tenant',
        'integration.request.header.X-All': 'method.request.multivalueheader.X-Multi',
        'integration.request.header.X-One': 'method.request.header.X-Multi',
        'integration.request.header.X-Body': 'method.request.body',
        'integration.request.header.X-Name': 'method.request.body.user.name',
        'integration.request.header.X-Tag': 'method.request.body.user.tags[1]',
        'integration.request.header.X-Tags': 'method.request.body.user.tags',
        'integration.request.header.X-Age': 'method.request.body.user.age',
        'integration.request.header.X-Ok': 'method.request.body.user.ok',
        'integration.request.header.X-Env': 'stageVariables.env',
        'integration.request.header.X-Ip': 'context.identity.sourceIp',
        'integration.request.header.X-Epoch': 'context.requestTimeEpoch',
        'integration.request.querystring.static': "'fixed value'",
      },
      ctx,
    );
    expect(mapped.path).toEqual({ petId: '42', proxy: 'a/b' });
    expect(mapped.querystring).toEqual([
      ['last', '2'],
      ['all', '1'],
      ['all', '2'],
      ['s', 'only'],
      ['static', 'fixed value'],
    ]);
    expect(mapped.headers).toEqual([
      ['X-Tenant-Id', 't1'],
      ['X-All', 'a,b'],
      ['X-One', 'b'],
      ['X-Body', '{"user":{"name":"ann","tags":["x","y"],"age":7,"ok":true,"nil":null}}'],
      ['X-Name', 'ann'],
      ['X-Tag', 'y'],
      ['X-Tags', '["x","y"]'],
      ['X-Age', '7'],
      ['X-Ok', 'true'],
      ['X-Env', 'prod'],
      ['X-Ip', '10.0.0.9'],
      ['X-Epoch', '1700000000000'],
    ]);
  });

  it('header lookups are case-sensitive (§7.1 OBS [LS-pm], [D-notes])', () => {
    const mapped = mapRequestParameters(
      {
        'integration.request.header.a': 'method.request.header.x-tenant',
        'integration.request.header.b': 'method.request.header.X-Tenant',
      },
      ctx,
    );
    expect(mapped.headers).toEqual([['b', 't1']]);
  });

  it('skips unresolvable sources: missing names, null JSON, unknown forms, empty statics, dropped hop-by-hop headers', () => {
    const mapped = mapRequestParameters(
      {
        'integration.request.header.a': 'method.request.header.Missing',
        'integration.request.header.b': 'method.request.body.user.nil',
        'integration.request.header.c': 'method.request.body.user.nope.deeper',
        'integration.request.header.d': 'stageVariables.missing',
        'integration.request.header.e': 'context.identity.nothing',
        'integration.request.header.f': "''",
        'integration.request.header.g': 'unknown.source',
        'integration.request.header.h': 'method.request.header.Connection',
        'integration.request.querystring.i': 'method.request.querystring.none',
        'integration.request.path.j': 'method.request.path.none',
        'integration.request.bogus.k': "'x'",
      },
      ctx,
    );
    expect(mapped).toEqual({ headers: [], querystring: [], path: {} });
  });

  it('invalid JSON body with a body source → 400 "Invalid JSON in request body" (§7.1 [LS-pm])', () => {
    const bad = makeCtx({ method: 'POST', body: '{"broken": ' });
    const err = caught(() => mapRequestParameters({ 'integration.request.header.x': 'method.request.body.broken' }, bad));
    expect([err.type, err.statusCode, err.message]).toEqual(['DEFAULT_4XX', 400, 'Invalid JSON in request body']);
    const err2 = caught(() => mapRequestParameters({ 'integration.request.header.x': 'method.request.body' }, bad));
    expect(err2.message).toBe('Invalid JSON in request body');
  });

  it('non-JSON-looking body is treated as {} for paths and passed whole for body (§3.5 OBS rule)', () => {
    const text = makeCtx({ method: 'POST', body: 'plain text' });
    expect(
      mapRequestParameters(
        { 'integration.request.header.x': 'method.request.body.a', 'integration.request.header.y': 'method.request.body' },
        text,
      ).headers,
    ).toEqual([['y', 'plain text']]);
  });

  it('mapping to a reserved header → 500 API_CONFIGURATION_ERROR (§7.1 OBS [LS-iq])', () => {
    for (const name of ['Content-Length', 'transfer-encoding', 'X-Amzn-Trace-Id', 'X-Amzn-Apigateway-Api-Id']) {
      const err = caught(() => mapRequestParameters({ [`integration.request.header.${name}`]: "'1'" }, ctx));
      expect([err.type, err.message]).toEqual(['API_CONFIGURATION_ERROR', 'Internal server error']);
    }
    // Authorization is reserved only for AWS / AWS_PROXY integrations.
    expect(mapRequestParameters({ 'integration.request.header.Authorization': "'t'" }, ctx).headers).toEqual([['Authorization', 't']]);
    const aws = makeCtx({ integration: makeIntegration({ type: 'AWS' }) });
    expect(caught(() => mapRequestParameters({ 'integration.request.header.Authorization': "'t'" }, aws)).type).toBe('API_CONFIGURATION_ERROR');
  });
});

describe('mapResponseParameters (§3.5)', () => {
  const ctx = makeCtx({ stageVariables: { v: 'sv' }, context: { requestId: 'rid-9', identity: { sourceIp: '1.2.3.4' } } });

  it('maps header, multivalueheader (case-sensitive), body, body paths, stage variables, context, statics', () => {
    const endpoint = makeEndpoint({
      headers: [
        ['X-Req', 'first'],
        ['X-Req', 'second'],
        ['location', 'http://x/y'],
      ],
      body: '{"redirect":{"url":"http://r"},"n":1.5,"list":[1,2]}',
    });
    const out = mapResponseParameters(
      {
        'method.response.header.A': 'integration.response.header.X-Req',
        'method.response.header.B': 'integration.response.multivalueheader.X-Req',
        'method.response.header.C': 'integration.response.header.Location',
        'method.response.header.Location': 'integration.response.header.location',
        'method.response.header.D': 'integration.response.body.redirect.url',
        'method.response.header.E': 'integration.response.body.list',
        'method.response.header.F': 'integration.response.body',
        'method.response.header.G': 'stageVariables.v',
        'method.response.header.H': 'context.identity.sourceIp',
        'method.response.header.Access-Control-Allow-Origin': "'*'",
        'method.response.header.I': 'integration.response.body.n',
      },
      endpoint,
      ctx,
    );
    expect(out).toEqual([
      ['A', 'second'],
      ['B', 'first,second'],
      ['Location', 'http://x/y'],
      ['D', 'http://r'],
      ['E', '[1,2]'],
      ['F', '{"redirect":{"url":"http://r"},"n":1.5,"list":[1,2]}'],
      ['G', 'sv'],
      ['H', '1.2.3.4'],
      ['Access-Control-Allow-Origin', '*'],
      ['I', '1.5'],
    ]);
  });

  it('body not starting with { [ " \' is treated as {} (§3.5 OBS [LS-pm])', () => {
    const out = mapResponseParameters(
      { 'method.response.header.A': 'integration.response.body.a', 'method.response.header.B': 'integration.response.body' },
      makeEndpoint({ body: 'a=1' }),
      ctx,
    );
    expect(out).toEqual([['B', 'a=1']]);
  });

  it('JSON-looking but invalid body → 500 Internal server error (§3.5 OBS [LS-pm])', () => {
    const err = caught(() =>
      mapResponseParameters({ 'method.response.header.A': 'integration.response.body.a' }, makeEndpoint({ body: '{nope' }), ctx),
    );
    expect([err.type, err.message]).toEqual(['API_CONFIGURATION_ERROR', 'Internal server error']);
  });

  it('Lambda (AWS) errors: errorMessage JSON is deserialised for body paths (§3.5, §6 [D-lambdaerr])', () => {
    const lambdaCtx = makeCtx({ integration: makeIntegration({ type: 'AWS' }) });
    const endpoint = makeEndpoint({ body: JSON.stringify({ errorMessage: JSON.stringify({ code: 'E42', where: { line: 3 } }), errorType: 'Error' }) });
    const out = mapResponseParameters(
      {
        'method.response.header.X-Code': 'integration.response.body.errorMessage.code',
        'method.response.header.X-Line': 'integration.response.body.errorMessage.where.line',
        'method.response.header.X-Type': 'integration.response.body.errorType',
      },
      endpoint,
      lambdaCtx,
    );
    expect(out).toEqual([
      ['X-Code', 'E42'],
      ['X-Line', '3'],
      ['X-Type', 'Error'],
    ]);
    // Not deserialised for other integration types.
    expect(mapResponseParameters({ 'method.response.header.X-Code': 'integration.response.body.errorMessage.code' }, endpoint, ctx)).toEqual([]);
  });

  it('ignores keys other than method.response.header.*', () => {
    expect(mapResponseParameters({ 'method.response.body.x': "'a'" }, makeEndpoint(), ctx)).toEqual([]);
  });
});
