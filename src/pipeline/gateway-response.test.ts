import { describe, expect, it } from 'vitest';
import { GATEWAY_RESPONSE_TYPES, type GatewayResponseType } from '../definition/model.js';
import { gr, makeApi, makeRequest, withResponses } from '../../test/gateway/fixtures.js';
import {
  GATEWAY_RESPONSE_DEFAULTS,
  GATEWAY_RESPONSE_MESSAGES,
  gatewayResponse,
  type GatewayResponseEnv,
} from './gateway-response.js';
import { GatewayError, type OutgoingResponse } from './types.js';

function env(overrides: Partial<GatewayResponseEnv> = {}): GatewayResponseEnv {
  return { api: makeApi(), request: makeRequest(), stageVariables: {}, context: undefined, ...overrides };
}
const h = (r: OutgoingResponse, name: string) =>
  r.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
const text = (r: OutgoingResponse) => r.body.toString('utf8');

// Expected defaults, written out independently of the implementation (§9.1 table;
// LS-gwr; MS-1746; KC-403; SLS-829; AU-6; CH-670; KG-10). ACCESS_DENIED with a capital M, as observed
// in captures of Lambda authorizer denials (`{"Message":"User is not authorized to access this resource
// with an explicit deny"}`, content-length 82; docs/fidelity.md, Authorizers), not as documented.
const EXPECTED: Record<GatewayResponseType, { status: number; body: string; errorType: string | undefined }> = {
  ACCESS_DENIED: { status: 403, body: '{"Message":"User is not authorized to access this resource"}', errorType: 'AccessDeniedException' },
  API_CONFIGURATION_ERROR: { status: 500, body: '{"message": "Internal server error"}', errorType: 'ApiConfigurationException' },
  AUTHORIZER_CONFIGURATION_ERROR: { status: 500, body: '{"message": null}', errorType: 'AuthorizerConfigurationException' },
  AUTHORIZER_FAILURE: { status: 500, body: '{"message": "Internal server error"}', errorType: 'AuthorizerFailureException' },
  BAD_REQUEST_PARAMETERS: { status: 400, body: '{"message":"Missing required request parameters: []"}', errorType: 'BadRequestException' },
  BAD_REQUEST_BODY: { status: 400, body: '{"message":"Invalid request body"}', errorType: 'BadRequestException' },
  DEFAULT_4XX: { status: 400, body: '{"message": "Bad Request"}', errorType: 'BadRequestException' },
  DEFAULT_5XX: { status: 500, body: '{"message": "Internal server error"}', errorType: 'InternalServerErrorException' },
  EXPIRED_TOKEN: { status: 403, body: '{"message":"The security token included in the request is expired"}', errorType: 'ExpiredTokenException' },
  INTEGRATION_FAILURE: { status: 504, body: '{"message": "Internal server error"}', errorType: 'InternalServerErrorException' },
  INTEGRATION_TIMEOUT: { status: 504, body: '{"message": "Endpoint request timed out"}', errorType: 'InternalServerErrorException' },
  INVALID_API_KEY: { status: 403, body: '{"message":"Forbidden"}', errorType: 'ForbiddenException' },
  INVALID_SIGNATURE: {
    status: 403,
    body: '{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."}',
    errorType: 'InvalidSignatureException',
  },
  MISSING_AUTHENTICATION_TOKEN: { status: 403, body: '{"message":"Missing Authentication Token"}', errorType: 'MissingAuthenticationTokenException' },
  QUOTA_EXCEEDED: { status: 429, body: '{"message":"Limit Exceeded"}', errorType: 'LimitExceededException' },
  REQUEST_TOO_LARGE: { status: 413, body: 'HTTP content length exceeded 10485760 bytes.', errorType: undefined },
  RESOURCE_NOT_FOUND: { status: 404, body: '{"message":"Not Found"}', errorType: 'ResourceNotFoundException' },
  THROTTLED: { status: 429, body: '{"message":"Too Many Requests"}', errorType: 'TooManyRequestsException' },
  UNAUTHORIZED: { status: 401, body: '{"message":"Unauthorized"}', errorType: 'UnauthorizedException' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, body: '{"message":"Unsupported Media Type"}', errorType: 'BadRequestException' },
  WAF_FILTERED: { status: 403, body: '{"message":"Forbidden"}', errorType: 'WafFilteredException' },
};

describe('GatewayError', () => {
  it('carries no stack (an answer to send; capturing one cost ~10 µs an error response) and leaves the stack limit as it was', () => {
    const limit = Error.stackTraceLimit;
    const e = new GatewayError('UNAUTHORIZED', 'Unauthorized', undefined, 'detail');
    expect([e.stack, e.message, e.type, e.statusCode, e.detail]).toEqual(['GatewayError: Unauthorized', 'Unauthorized', 'UNAUTHORIZED', undefined, 'detail']);
    expect(Error.stackTraceLimit).toBe(limit);
  });
});

describe('default gateway responses (§9.1)', () => {
  for (const type of GATEWAY_RESPONSE_TYPES) {
    it(`${type}: status, exact body, x-amzn-ErrorType, Content-Type`, () => {
      const r = gatewayResponse(new GatewayError(type, GATEWAY_RESPONSE_MESSAGES[type]), env());
      const want = EXPECTED[type];
      expect(r.statusCode).toBe(want.status);
      expect(text(r)).toBe(want.body);
      expect(h(r, 'x-amzn-ErrorType')).toBe(want.errorType);
      expect(h(r, 'Content-Type')).toBe(type === 'REQUEST_TOO_LARGE' ? 'text; charset=utf-8' : 'application/json');
    });
  }

  it('defaults table covers every type with the §9.1 statuses', () => {
    expect(Object.keys(GATEWAY_RESPONSE_DEFAULTS).sort()).toEqual([...GATEWAY_RESPONSE_TYPES].sort());
    expect(GATEWAY_RESPONSE_DEFAULTS.DEFAULT_4XX.statusCode).toBeUndefined();
    expect(GATEWAY_RESPONSE_DEFAULTS.DEFAULT_5XX.statusCode).toBeUndefined();
  });

  it('Missing Authentication Token has no space after the colon (§8, §16.2; D-gwtypes, CH-1161)', () => {
    const r = gatewayResponse(new GatewayError('MISSING_AUTHENTICATION_TOKEN', 'Missing Authentication Token'), env());
    expect(r.body).toEqual(Buffer.from('{"message":"Missing Authentication Token"}'));
    expect(r.headers).toEqual([
      ['Content-Type', 'application/json'],
      ['x-amzn-ErrorType', 'MissingAuthenticationTokenException'],
    ]);
  });

  it('error.statusCode overrides the default: 502 malformed Lambda proxy response (§5.2)', () => {
    const r = gatewayResponse(new GatewayError('DEFAULT_5XX', 'Internal server error', 502), env());
    expect(r.statusCode).toBe(502);
    expect(text(r)).toBe('{"message": "Internal server error"}');
    expect(h(r, 'x-amzn-ErrorType')).toBe('InternalServerErrorException');
  });

  it('integration-side errors carrying their own status use the spaced form: Lambda 413 "Request Too Long" (§14; KG-10)', () => {
    const r = gatewayResponse(new GatewayError('BAD_REQUEST_BODY', 'Request Too Long', 413), env());
    expect(r.statusCode).toBe(413);
    expect(text(r)).toBe('{"message": "Request Too Long"}');
    expect(h(r, 'x-amzn-ErrorType')).toBe('BadRequestException');
    const p = gatewayResponse(new GatewayError('INTEGRATION_FAILURE', 'Internal server error', 502), env());
    expect(p.statusCode).toBe(502);
    expect(text(p)).toBe('{"message": "Internal server error"}');
    expect(h(p, 'x-amzn-ErrorType')).toBe('InternalServerErrorException');
  });

  it('messages are JSON-escaped in messageString (§9.3 [LS-gwr])', () => {
    const r = gatewayResponse(new GatewayError('BAD_REQUEST_BODY', 'a "quoted" \\ line\nbreak'), env());
    expect(text(r)).toBe('{"message":"a \\"quoted\\" \\\\ line\\nbreak"}');
    expect(JSON.parse(text(r))).toEqual({ message: 'a "quoted" \\ line\nbreak' });
  });

  it('REQUEST_TOO_LARGE ignores any customisation (§14; D-notes, KG-10)', () => {
    const api = withResponses({
      REQUEST_TOO_LARGE: gr(400, { 'gatewayresponse.header.X-A': "'a'" }, [['application/json', '{"x":1}']]),
      DEFAULT_4XX: gr(418, { 'gatewayresponse.header.X-B': "'b'" }, [['application/json', '{"y":1}']]),
    });
    const r = gatewayResponse(new GatewayError('REQUEST_TOO_LARGE', 'ignored'), env({ api }));
    expect(r.statusCode).toBe(413);
    expect(r.headers).toEqual([['Content-Type', 'text; charset=utf-8']]);
    expect(text(r)).toBe('HTTP content length exceeded 10485760 bytes.');
  });
});

describe('fallback chain (§9.2; D-gwtypes, LS-gwr, MS-1756)', () => {
  const missing = () => new GatewayError('MISSING_AUTHENTICATION_TOKEN', 'Missing Authentication Token');

  it('specific entry is used (status, headers, template) — MS-1756: MISSING_AUTHENTICATION_TOKEN → 404', () => {
    const api = withResponses({
      MISSING_AUTHENTICATION_TOKEN: gr(404, { 'gatewayresponse.header.X-Why': "'not-found'" }, [
        ['application/json', '{"error":"not found","type":"$context.error.responseType"}'],
      ]),
    });
    const r = gatewayResponse(missing(), env({ api }));
    expect(r.statusCode).toBe(404);
    expect(text(r)).toBe('{"error":"not found","type":"MISSING_AUTHENTICATION_TOKEN"}');
    expect(h(r, 'X-Why')).toBe('not-found');
    expect(h(r, 'x-amzn-ErrorType')).toBe('MissingAuthenticationTokenException');
  });

  it('specific and DEFAULT_4XX both set: only the specific entry applies (MS-1756)', () => {
    const api = withResponses({
      MISSING_AUTHENTICATION_TOKEN: gr(404, { 'gatewayresponse.header.X-Specific': "'1'" }),
      DEFAULT_4XX: gr(499, { 'gatewayresponse.header.X-Family': "'1'" }, [['application/json', '{"family":true}']]),
    });
    const r = gatewayResponse(missing(), env({ api }));
    expect(r.statusCode).toBe(404);
    expect(h(r, 'X-Specific')).toBe('1');
    expect(h(r, 'X-Family')).toBeUndefined();
    expect(text(r)).toBe('{"message":"Missing Authentication Token"}');
  });

  it('only DEFAULT_4XX without status: family headers/template, the type keeps its own status (MS-1756)', () => {
    const api = withResponses({
      DEFAULT_4XX: gr(undefined, { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" }, [
        ['application/json', '{"msg":$context.error.messageString}'],
      ]),
    });
    const r = gatewayResponse(missing(), env({ api }));
    expect(r.statusCode).toBe(403);
    expect(h(r, 'Access-Control-Allow-Origin')).toBe('*');
    expect(text(r)).toBe('{"msg":"Missing Authentication Token"}');
    const u = gatewayResponse(new GatewayError('UNAUTHORIZED', 'Unauthorized'), env({ api }));
    expect(u.statusCode).toBe(401);
    expect(h(u, 'Access-Control-Allow-Origin')).toBe('*');
  });

  it('DEFAULT_4XX with a status changes every unconfigured 4XX type (D-gwtypes)', () => {
    const api = withResponses({ DEFAULT_4XX: gr(418), UNAUTHORIZED: gr(undefined, { 'gatewayresponse.header.X': "'x'" }) });
    expect(gatewayResponse(missing(), env({ api })).statusCode).toBe(418);
    expect(gatewayResponse(new GatewayError('THROTTLED', 'Too Many Requests'), env({ api })).statusCode).toBe(418);
    // A configured specific entry without status keeps the type's default status.
    expect(gatewayResponse(new GatewayError('UNAUTHORIZED', 'Unauthorized'), env({ api })).statusCode).toBe(401);
    // 5XX types are not affected by DEFAULT_4XX.
    const t = gatewayResponse(new GatewayError('INTEGRATION_TIMEOUT', 'Endpoint request timed out'), env({ api }));
    expect(t.statusCode).toBe(504);
    expect(text(t)).toBe('{"message": "Endpoint request timed out"}');
  });

  it('DEFAULT_5XX applies to 5XX types and to DEFAULT_5XX errors with their own status', () => {
    const api = withResponses({
      DEFAULT_5XX: gr(undefined, { 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example'" }),
    });
    const t = gatewayResponse(new GatewayError('INTEGRATION_TIMEOUT', 'Endpoint request timed out'), env({ api }));
    expect(t.statusCode).toBe(504);
    expect(h(t, 'Access-Control-Allow-Origin')).toBe('https://app.example');
    const p = gatewayResponse(new GatewayError('DEFAULT_5XX', 'Internal server error', 502), env({ api }));
    expect(p.statusCode).toBe(502);
    expect(h(p, 'Access-Control-Allow-Origin')).toBe('https://app.example');
    const m = gatewayResponse(missing(), env({ api }));
    expect(h(m, 'Access-Control-Allow-Origin')).toBeUndefined();
  });

  it('a configured status wins over error.statusCode', () => {
    const api = withResponses({ DEFAULT_5XX: gr(503) });
    expect(gatewayResponse(new GatewayError('DEFAULT_5XX', 'Internal server error', 502), env({ api })).statusCode).toBe(503);
  });
});

describe('customisation (§9.3; D-gwdef, D-ext gatewayResponse pages)', () => {
  const request = makeRequest({
    headers: [
      ['Accept', 'application/xml'],
      ['X-Api-Key', 'k1'],
      ['x-multi', 'a'],
      ['X-Multi', 'b'],
    ],
    query: [
      ['q', '1'],
      ['q', '2'],
    ],
  });
  const context = { requestId: 'req-1', stage: 'prod', identity: { sourceIp: '10.0.0.1' }, authorizer: { n: 1 } };

  it('responseParameters from method.request.*, stageVariables, context and static values', () => {
    const api = withResponses({
      INVALID_API_KEY: gr(456, {
        'gatewayresponse.header.api-key': 'method.request.header.x-api-key',
        'gatewayresponse.header.X-Multi': 'method.request.multivalueheader.x-multi',
        'gatewayresponse.header.X-Q': 'method.request.querystring.q',
        'gatewayresponse.header.X-Id': 'method.request.path.id',
        'gatewayresponse.header.X-Stage-Var': 'stageVariables.color',
        'gatewayresponse.header.X-Ip': 'context.identity.sourceIp',
        'gatewayresponse.header.X-Static': "'hello world'",
        'gatewayresponse.header.X-Missing': 'method.request.header.nope',
        'gatewayresponse.querystring.ignored': "'x'",
      }),
    });
    const r = gatewayResponse(new GatewayError('INVALID_API_KEY', 'Forbidden'), {
      api,
      request,
      stageVariables: { color: 'blue' },
      context,
      pathParameters: { id: '42' },
    });
    expect(r.statusCode).toBe(456);
    expect(r.headers).toEqual([
      ['Content-Type', 'application/json'],
      ['x-amzn-ErrorType', 'ForbiddenException'],
      ['api-key', 'k1'],
      ['X-Multi', 'a,b'],
      ['X-Q', '2'],
      ['X-Id', '42'],
      ['X-Stage-Var', 'blue'],
      ['X-Ip', '10.0.0.1'],
      ['X-Static', 'hello world'],
    ]);
  });

  it('templates chosen by Accept, else the first; Content-Type follows the template key (§2.3)', () => {
    const api = withResponses({
      BAD_REQUEST_BODY: gr(undefined, {}, [
        ['application/json', '{"json":$context.error.messageString}'],
        ['application/xml', '<error>$context.error.message</error>'],
      ]),
    });
    const err = new GatewayError('BAD_REQUEST_BODY', 'Invalid request body');
    const xml = gatewayResponse(err, env({ api, request }));
    expect(text(xml)).toBe('<error>Invalid request body</error>');
    expect(h(xml, 'Content-Type')).toBe('application/xml');
    const none = gatewayResponse(err, env({ api }));
    expect(text(none)).toBe('{"json":"Invalid request body"}');
    const other = gatewayResponse(err, env({ api, request: makeRequest({ headers: [['Accept', 'text/html']] }) }));
    expect(text(other)).toBe('{"json":"Invalid request body"}');
    expect(h(other, 'Content-Type')).toBe('application/json');
  });

  it('$context.error.* and validationErrorString, $stageVariables, method.request.* substitution — not VTL', () => {
    const api = withResponses({
      BAD_REQUEST_BODY: gr(undefined, {}, [
        [
          'application/json',
          '{"m":"$context.error.message","s":$context.error.messageString,"t":"$context.error.responseType",' +
            '"v":"$context.error.validationErrorString","id":"$context.requestId","st":"${stageVariables.color}",' +
            '"k":"$method.request.header.X-Api-Key","q":"method.request.querystring.q","a":"$context.authorizer.n",' +
            '"none":"$context.nothing.here","vtl":"#if(true)x#end $input.body"}',
        ],
      ]),
    });
    const r = gatewayResponse(
      new GatewayError('BAD_REQUEST_BODY', 'Invalid request body', undefined, '[object has missing required properties (["name"])]'),
      { api, request: makeRequest({ headers: [['X-Api-Key', 'k1']], query: [['q', 'v']] }), stageVariables: { color: 'blue' }, context },
    );
    expect(text(r)).toBe(
      '{"m":"Invalid request body","s":"Invalid request body","t":"BAD_REQUEST_BODY",' +
        '"v":"[object has missing required properties (["name"])]","id":"req-1","st":"blue",' +
        '"k":"k1","q":"v","a":"1","none":"","vtl":"#if(true)x#end $input.body"}',
    );
  });

  it('a mapped Content-Type header replaces the template content type', () => {
    const api = withResponses({
      UNAUTHORIZED: gr(undefined, { 'gatewayresponse.header.Content-Type': "'application/problem+json'" }),
    });
    const r = gatewayResponse(new GatewayError('UNAUTHORIZED', 'Unauthorized'), env({ api }));
    expect(r.headers[0]).toEqual(['Content-Type', 'application/problem+json']);
    expect(text(r)).toBe('{"message":"Unauthorized"}');
  });

  it('without a pipeline $context, request basics are still available', () => {
    const api = withResponses({
      MISSING_AUTHENTICATION_TOKEN: gr(404, { 'gatewayresponse.header.X-Req': 'context.requestId' }, [
        ['application/json', '{"path":"$context.path","ip":"$context.identity.sourceIp"}'],
      ]),
    });
    const r = gatewayResponse(new GatewayError('MISSING_AUTHENTICATION_TOKEN', 'Missing Authentication Token'), env({ api }));
    expect(text(r)).toBe('{"path":"/test/pets","ip":"127.0.0.1"}');
    expect(h(r, 'X-Req')).toBe('11111111-2222-3333-4444-555555555555');
  });
});
