// Lambda authorizers in a definition (§12, §15.1 [D-ext authorizer page; API-Auth]): what a security
// scheme's x-amazon-apigateway-authorizer becomes, which one a method uses, and the load errors (each at
// the JSON pointer of the culprit) and warnings for what is malformed or not implemented.
import { describe, expect, it } from 'vitest';
import { build, LAMBDA_URI, loadError, oas3 } from './helpers.js';

const SCHEMES = '/components/securitySchemes';
const token = (authorizer: Record<string, unknown> = {}, scheme: Record<string, unknown> = {}) => ({
  type: 'apiKey',
  name: 'Authorization',
  in: 'header',
  'x-amazon-apigateway-authtype': 'custom',
  'x-amazon-apigateway-authorizer': { type: 'token', authorizerUri: LAMBDA_URI('auth'), ...authorizer },
  ...scheme,
});
const POOL_ARN = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Pool1';
const cognito = (authorizer: Record<string, unknown> = {}) => ({
  type: 'apiKey',
  name: 'Authorization',
  in: 'header',
  'x-amazon-apigateway-authtype': 'cognito_user_pools',
  'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools', providerARNs: [POOL_ARN], ...authorizer },
});
/** GET / secured by `security`, with the given schemes. */
const secured = (schemes: Record<string, unknown>, security: unknown = [{ a: [] }]) => {
  const doc = oas3({ components: { securitySchemes: schemes } });
  (doc['paths'] as Record<string, Record<string, Record<string, unknown>>>)['/']!['get']!['security'] = security;
  return doc;
};
const methodOf = async (doc: unknown) => (await build(doc)).resources.find((r) => r.path === '/')!.methods.GET!;

describe('Lambda authorizers in the definition', () => {
  it('a token authorizer: its function, TTL 300 by default, the scheme header as its identity source, the validation expression whole', async () => {
    const m = await methodOf(secured({ a: token({ identityValidationExpression: 'Bearer .+' }) }));
    const a = m.authorizer!;
    if (a.type === 'COGNITO_USER_POOLS') throw new Error('expected a Lambda authorizer');
    expect([a.name, a.type, a.pointer, a.lambda?.functionName, a.ttlSeconds, a.identitySources]).toEqual([
      'a',
      'TOKEN',
      `${SCHEMES}/a/x-amazon-apigateway-authorizer`,
      'auth',
      300,
      [{ expression: 'method.request.header.Authorization' }],
    ]);
    expect([a.validation!.test('Bearer x'), a.validation!.test('xBearer x'), a.validation!.test('Bearer ')]).toEqual([true, false, false]);
  });

  it('a request authorizer: its comma-separated identity sources, its TTL; type in any case', async () => {
    const scheme = token({ type: 'REQUEST', identitySource: 'method.request.header.X-User, method.request.querystring.t,stageVariables.v, context.identity.sourceIp', authorizerResultTtlInSeconds: 0 });
    const a = (await methodOf(secured({ a: scheme })))!.authorizer!;
    expect([a.type, a.ttlSeconds, a.identitySources.map((s) => s.expression)]).toEqual([
      'REQUEST',
      0,
      ['method.request.header.X-User', 'method.request.querystring.t', 'stageVariables.v', 'context.identity.sourceIp'],
    ]);
  });

  it('a method without security, or naming another kind of scheme, has none; the first authorizer named is the one', async () => {
    expect((await methodOf(oas3({ components: { securitySchemes: { a: token() } } }))).authorizer).toBeUndefined();
    const def = await build(secured({ a: token(), b: token(), key: { type: 'apiKey', name: 'x-api-key', in: 'header' } }, [{ key: [] }, { a: [] }, { b: [] }]));
    const m = def.resources.find((r) => r.path === '/')!.methods.GET!;
    expect([m.authorizer?.name, m.apiKeyRequired]).toEqual(['a', true]);
    expect(def.warnings).toEqual([{ pointer: '/paths/~1/get/security/2/b', message: "a method has one authorizer: 'a' is used, 'b' is ignored" }]);
  });

  it('a Cognito user pool authorizer (§12.4): its pools from providerARNs, the scheme header, the scopes the security requirement lists', async () => {
    const pools = ['arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123', 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_x9Z'];
    const def = await build(secured({ a: cognito({ providerARNs: pools, identityValidationExpression: 'client-[a-z]+', authorizerResultTtlInSeconds: 60 }) }, [{ a: ['api/read', 'api/write'] }]));
    const m = def.resources.find((r) => r.path === '/')!.methods.GET!;
    const a = m.authorizer!;
    if (a.type !== 'COGNITO_USER_POOLS') throw new Error('expected a user pool authorizer');
    expect([a.name, a.pointer, a.ttlSeconds, a.identitySources, a.userPools]).toEqual([
      'a',
      `${SCHEMES}/a/x-amazon-apigateway-authorizer`,
      60,
      [{ expression: 'method.request.header.Authorization' }],
      [
        { id: 'eu-west-1_AbC123', region: 'eu-west-1', issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123' },
        { id: 'us-east-1_x9Z', region: 'us-east-1', issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x9Z' },
      ],
    ]);
    expect([a.validation!.test('client-abc'), a.validation!.test('xclient-abc')]).toEqual([true, false]);
    expect(m.authorizationScopes).toEqual(['api/read', 'api/write']);
    expect(def.warnings).toEqual([]);
    // No scopes listed: none (an ID token is expected).
    expect((await methodOf(secured({ a: cognito() }))).authorizationScopes).toEqual([]);
  });

  it("scopes listed for a Lambda authorizer are reported and ignored; a requirement's scopes must be strings", async () => {
    const def = await build(secured({ a: token() }, [{ a: ['api/read'] }]));
    expect(def.resources.find((r) => r.path === '/')!.methods.GET!.authorizationScopes).toEqual([]);
    expect(def.warnings).toEqual([{ pointer: '/paths/~1/get/security/0/a', message: "scopes apply to cognito_user_pools authorizers only; 'a' ignores them" }]);
    const err = await loadError(secured({ a: cognito() }, [{ a: 'api/read' }]));
    expect([err.pointer, err.problem]).toEqual(['/paths/~1/get/security/0/a', 'a security requirement lists scopes: an array of strings, got a string']);
  });

  it('identityValidationExpression on a request authorizer is reported and ignored', async () => {
    const def = await build(secured({ a: token({ type: 'request', identitySource: 'method.request.header.X', identityValidationExpression: 'x' }) }));
    expect(def.resources.find((r) => r.path === '/')!.methods.GET!.authorizer!.validation).toBeUndefined();
    expect(def.warnings).toEqual([
      { pointer: `${SCHEMES}/a/x-amazon-apigateway-authorizer/identityValidationExpression`, message: 'identityValidationExpression applies to token and cognito_user_pools authorizers only; ignored' },
    ]);
  });

  it('Swagger 2.0: securityDefinitions, the same way', async () => {
    const doc = {
      swagger: '2.0',
      info: { title: 't', version: '1' },
      securityDefinitions: { a: token({ type: 'request', identitySource: 'method.request.querystring.t' }) },
      paths: {
        '/': {
          get: {
            security: [{ a: [] }],
            responses: { '200': { description: 'ok' } },
            'x-amazon-apigateway-integration': { type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } },
          },
        },
      },
    };
    const a = (await methodOf(doc)).authorizer!;
    expect([a.type, a.pointer, a.identitySources]).toEqual(['REQUEST', '/securityDefinitions/a/x-amazon-apigateway-authorizer', [{ expression: 'method.request.querystring.t' }]]);
  });

  it('malformed authorizers are load errors at their pointer', async () => {
    const at = `${SCHEMES}/a/x-amazon-apigateway-authorizer`;
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [token({ type: 'jwt' }), `${at}/type`, 'the authorizer type must be token, request or cognito_user_pools, got "jwt"'],
      [token({ authorizerUri: undefined }), `${at}/authorizerUri`, 'a token authorizer needs an authorizerUri (the Lambda function\'s invocation uri)'],
      [
        token({ authorizerUri: 'https://example.com/auth' }),
        `${at}/authorizerUri`,
        "authorizerUri must invoke a Lambda function (arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations), got 'https://example.com/auth'",
      ],
      [token({ authorizerResultTtlInSeconds: 3601 }), `${at}/authorizerResultTtlInSeconds`, 'authorizerResultTtlInSeconds must be an integer from 0 to 3600, got 3601'],
      [token({ identitySource: 'method.request.querystring.t' }), `${at}/identitySource`, 'a token authorizer\'s identitySource must be one header, method.request.header.NAME, got "method.request.querystring.t"'],
      [token({}, { in: 'query' }), `${SCHEMES}/a`, 'a token authorizer needs its header: identitySource (method.request.header.NAME), or the scheme\'s "in": "header" and "name"'],
      [token({ identityValidationExpression: '(' }), `${at}/identityValidationExpression`, 'identityValidationExpression is not a valid regular expression: Invalid regular expression: /^(?:()$/: Unterminated group'],
      [token({ type: 'request' }), `${at}/identitySource`, 'a request authorizer whose results are cached (authorizerResultTtlInSeconds above 0) needs an identitySource: its cache key'],
      [
        token({ type: 'request', identitySource: 'method.request.path.id' }),
        `${at}/identitySource`,
        "identitySource has 'method.request.path.id': each must be method.request.header.NAME, method.request.querystring.NAME, stageVariables.NAME or context.NAME (path parameters cannot be identity sources)",
      ],
      [cognito({ providerARNs: undefined }), `${at}/providerARNs`, 'a cognito_user_pools authorizer needs providerARNs, a list of user pool ARNs (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID), got none'],
      [cognito({ providerARNs: [] }), `${at}/providerARNs`, 'a cognito_user_pools authorizer needs providerARNs, a list of user pool ARNs (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID), got an empty list'],
      [
        cognito({ providerARNs: [POOL_ARN, 'arn:aws:cognito-idp:us-east-1:123:userpool/p'] }),
        `${at}/providerARNs/1`,
        'a user pool ARN looks like arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID, got "arn:aws:cognito-idp:us-east-1:123:userpool/p"',
      ],
      [cognito({ identitySource: 'method.request.querystring.t' }), `${at}/identitySource`, 'a cognito_user_pools authorizer\'s identitySource must be one header, method.request.header.NAME, got "method.request.querystring.t"'],
    ];
    for (const [scheme, pointer, problem] of cases) {
      const err = await loadError(secured({ a: scheme }));
      expect([err.pointer, err.problem]).toEqual([pointer, problem]);
    }
    const missing = await loadError(secured({ a: token() }), { functionExists: () => false });
    expect([missing.pointer, missing.problem]).toEqual([`${at}/authorizerUri`, 'function auth not found']);
  });
});
