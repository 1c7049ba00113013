// The API's resource policy (x-amazon-apigateway-policy; src/pipeline/resource-policy.ts). Sources:
// - API Gateway Developer Guide, apigateway-authorization-flow: a resource policy alone needs an explicit
//   Allow (an implicit or explicit deny refuses); with a Lambda authorizer, an explicit Deny refuses before
//   the authorizer is called, otherwise the authorizer decides.
// - Captured refusals (OBS, docs/fidelity.md "Resource policies"): 403 {"Message":"User: anonymous is not
//   authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:REGION:********1977:API/STAGE/GET/PATH
//   because no resource-based policy allows the execute-api:Invoke action"}, the account masked but its last 4 digits.

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.js';
import { mintToken } from '../../src/user-pool-token.js';
import { build, loadError, oas3 } from '../definition/helpers.js';
import { rawRequest, serveForTests, type RawAnswer } from '../support/http.js';

const { call } = serveForTests(fileURLToPath(new URL('./fixtures/resource-policy/openapi.json', import.meta.url)));

const refusal = (r: RawAnswer) => [r.status, r.headers['x-amzn-errortype'], r.body.toString('utf8')];
const ARN = (path: string) => new RegExp(`^arn:aws:execute-api:us-east-1:\\*{8}9012:[a-z0-9]{10}/test/GET/${path}$`);
/** The refusal's parts: its user, the resource ARN (masked) and why. */
function denial(r: RawAnswer): { status: number; type: unknown; user: string; arn: string; why: string } {
  const message = (JSON.parse(r.body.toString('utf8')) as { Message: string }).Message;
  const m = /^User: (\S+) is not authorized to perform: execute-api:Invoke on resource: (\S+) (.+)$/.exec(message);
  if (!m) throw new Error(`not a resource policy refusal: ${message}`);
  return { status: r.status, type: r.headers['x-amzn-errortype'], user: m[1]!, arn: m[2]!, why: m[3]! };
}
const EXPLICIT = 'with an explicit deny in a resource-based policy';
const IMPLICIT = 'because no resource-based policy allows the execute-api:Invoke action';

describe('resource policy', () => {
  it('an Allow serves the method; no statement for a method without authorization: 403 implicit deny, the account masked', async () => {
    expect((await call('GET', '/open')).status).toBe(200);
    const r = await call('GET', '/closed');
    const d = denial(r);
    expect([d.status, d.type, d.user, d.why]).toEqual([403, 'AccessDeniedException', 'anonymous', IMPLICIT]);
    expect(d.arn).toMatch(ARN('closed'));
    expect(r.body.toString('utf8')).toBe(`{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: ${d.arn} ${IMPLICIT}"}`);
  });

  it('an explicit Deny wins over an Allow; conditions on the source IP (the test client is 127.0.0.1)', async () => {
    const blocked = denial(await call('GET', '/blocked'));
    expect([blocked.status, blocked.why]).toEqual([403, EXPLICIT]);
    expect(blocked.arn).toMatch(ARN('blocked'));
    expect(denial(await call('GET', '/nolocal')).why).toBe(EXPLICIT);
  });

  it("a condition on the User-Agent; a full ARN's stage, method and path name this API's method", async () => {
    expect((await call('GET', '/agent', { 'User-Agent': 'restgate-test/1.0' })).status).toBe(200);
    expect(denial(await call('GET', '/agent', { 'User-Agent': 'curl/8' })).why).toBe(IMPLICIT);
    expect(denial(await call('GET', '/agent')).why).toBe(IMPLICIT);
  });

  it('with a Lambda authorizer: no statement → the authorizer decides; an explicit Deny refuses before it is called', async () => {
    const ok = await call('GET', '/authorized', { Authorization: 'tok' });
    expect(ok.status).toBe(200);
    // No token at all: the explicit deny answers, not the authorizer's 401.
    expect(denial(await call('GET', '/authorized-blocked')).why).toBe(EXPLICIT);
    // A private API's usual policy (deny unless through the VPC endpoint): no request comes through one here.
    expect(denial(await call('GET', '/private', { Authorization: 'tok' })).why).toBe(EXPLICIT);
    expect(refusal(await call('GET', '/authorized'))).toEqual([401, 'UnauthorizedException', '{"message":"Unauthorized"}']);
  });

  it('with a Cognito user pool: no statement → the pool decides (401 without a token); an explicit Deny refuses first', async () => {
    expect(refusal(await call('GET', '/pool'))).toEqual([401, 'UnauthorizedException', '{"message":"Unauthorized"}']);
    const token = (await mintToken({ pool: 'us-east-1_Pool1', keyFile: fileURLToPath(new URL('./fixtures/cognito/test-signing-key.json', import.meta.url)), scopes: [], claims: {}, expiresIn: 60 })).token;
    expect((await call('GET', '/pool', { Authorization: token })).status).toBe(200);
    expect(denial(await call('GET', '/pool-blocked')).why).toBe(EXPLICIT);
  });

  it('with IAM: signed and no statement → served (the API\'s own account); an explicit Deny refuses', async () => {
    const signed = { Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261203/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=00' };
    expect((await call('GET', '/iam', signed)).status).toBe(200);
    expect(denial(await call('GET', '/iam-blocked', signed)).why).toBe(EXPLICIT);
    // Unsigned: IAM refuses first.
    expect(refusal(await call('GET', '/iam-blocked'))).toEqual([403, 'MissingAuthenticationTokenException', '{"message":"Missing Authentication Token"}']);
  });
});

describe("restgate.config's vpcEndpoint: requests come through that VPC endpoint", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  /** The fixture API served with `vpcEndpoint` in its config; GET /private's answer. */
  async function privateAnswer(vpcEndpoint: Record<string, string>): Promise<RawAnswer> {
    const fixture = fileURLToPath(new URL('./fixtures/resource-policy/', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'restgate-vpce-'));
    dirs.push(dir);
    cpSync(fixture, dir, { recursive: true });
    writeFileSync(join(dir, 'restgate.config.json'), JSON.stringify({ vpcEndpoint }));
    const server = await startServer({ definition: join(dir, 'openapi.json'), port: 0, host: '127.0.0.1', log: () => {} });
    try {
      return await rawRequest(`${server.url}/private`, 'GET', { Authorization: 'tok' });
    } finally {
      await server.close();
    }
  }

  it("the private API's policy (deny unless aws:SourceVpce) serves it; $context.identity has vpceId and vpcId", async () => {
    const r = await privateAnswer({ vpceId: 'vpce-1a2b3c4d', vpcId: 'vpc-2f09a348' });
    expect([r.status, r.body.toString('utf8')]).toEqual([200, '{"path":"/private","vpceId":"vpce-1a2b3c4d","vpcId":"vpc-2f09a348"}']);
    expect(denial(await privateAnswer({ vpceId: 'vpce-0ther' })).why).toBe(EXPLICIT);
  });
});

describe('x-amazon-apigateway-policy in the definition', () => {
  const withPolicy = (policy: unknown) => oas3({ 'x-amazon-apigateway-policy': policy });
  const P = '/x-amazon-apigateway-policy';

  it('an object or its JSON text; a single statement or a list; no warning once read', async () => {
    const statement = { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' };
    for (const policy of [{ Version: '2012-10-17', Statement: [statement] }, { Statement: statement }, JSON.stringify({ Statement: [statement] })]) {
      const def = await build(withPolicy(policy));
      expect(def.resourcePolicy!.statements.map((s) => [s.allow, s.actions, s.resources, s.principals])).toEqual([[true, ['execute-api:Invoke'], ['execute-api:/*'], '*']]);
      expect(def.warnings).toEqual([]);
    }
  });

  it('malformed policies are load errors at their pointer; operators and principals restgate cannot evaluate are warnings', async () => {
    const cases: Array<[unknown, string, string]> = [
      ['{', P, 'x-amazon-apigateway-policy must be a policy document (an object, or its JSON text)'],
      [{}, `${P}/Statement`, 'a policy document needs a Statement (an object or a list)'],
      [{ Statement: [{ Effect: 'Maybe' }] }, `${P}/Statement/0/Effect`, 'Effect must be Allow or Deny, got "Maybe"'],
      [{ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'x', NotAction: 'y', Resource: '*' }] }, `${P}/Statement/0`, 'a statement has Action or NotAction, not both'],
      [{ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: '/prod/GET/x' }] }, `${P}/Statement/0/Resource/0`, 'a resource is an execute-api ARN (arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH) or execute-api:/STAGE/METHOD/PATH, got "/prod/GET/x"'],
      [{ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/33'] } } }] }, `${P}/Statement/0/Condition/IpAddress/aws:SourceIp/0`, '"10.0.0.0/33" is not an IP address or CIDR block'],
    ];
    for (const [policy, pointer, problem] of cases) {
      const err = await loadError(withPolicy(policy));
      expect([err.pointer, err.problem]).toEqual([pointer, problem]);
    }
    const def = await build(
      withPolicy({
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'execute-api:Invoke', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } },
        ],
      }),
    );
    expect(def.warnings).toEqual([
      { pointer: `${P}/Statement/0/Principal/Service`, message: 'Service principals never call an API served by restgate: this part of the statement matches no request' },
      { pointer: `${P}/Statement/0/Condition/DateGreaterThan`, message: 'the condition operator DateGreaterThan is not evaluated by restgate: the statement applies to no request' },
    ]);
  });
});
