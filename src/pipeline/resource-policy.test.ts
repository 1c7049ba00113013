// Resource policy evaluation (src/pipeline/resource-policy.ts) on hand-built requests: principals, Not*
// elements and condition operators as IAM defines them (IAM User Guide, "IAM JSON policy elements":
// Principal, NotPrincipal, NotResource, Condition operators, …IfExists, Null; a negated operator holds
// when the key is absent); the authorization flow's tables for callers from another account
// (apigateway-authorization-flow, table B: both the IAM policy and the resource policy must allow).

import { describe, expect, it } from 'vitest';
import type { Method, PolicyStatement } from '../definition/model.js';
import { makeCtx } from '../../test/http/fixtures.js';
import { createDeployment } from './context.js';
import { ANONYMOUS, compileResourcePolicy, evaluateResourcePolicy, requireResourcePolicy, type Caller } from './resource-policy.js';
import { GatewayError } from './types.js';

const base = makeCtx();
const deployment = createDeployment(base.api);
const ARN = `arn:aws:execute-api:${deployment.region}:${deployment.accountId}:${deployment.apiId}/dev/GET/x`;

function statement(s: Partial<PolicyStatement>): PolicyStatement {
  return { pointer: '', allow: true, actions: ['execute-api:Invoke'], notAction: false, resources: ['execute-api:/*'], notResource: false, principals: '*', notPrincipal: false, conditions: [], ...s };
}
const verdict = (statements: PolicyStatement[], caller: Caller = ANONYMOUS, options: Parameters<typeof makeCtx>[0] = {}) =>
  evaluateResourcePolicy(compileResourcePolicy({ pointer: '', statements }, deployment), ARN, caller, makeCtx({ context: { httpMethod: 'GET', identity: {} }, ...options }));

const ALICE: Caller = { arn: 'arn:aws:iam::111122223333:user/alice', account: '111122223333' };

describe('evaluateResourcePolicy', () => {
  it('principals: "*" is anyone; ARNs, account ids and account roots name IAM callers only; NotPrincipal the others', () => {
    expect(verdict([statement({ principals: '*' })])).toBe('allow');
    for (const p of ['arn:aws:iam::111122223333:user/alice', '111122223333', 'arn:aws:iam::111122223333:root']) {
      expect([verdict([statement({ principals: [p] })], ALICE), verdict([statement({ principals: [p] })])]).toEqual(['allow', 'none']);
    }
    expect(verdict([statement({ principals: ['arn:aws:iam::111122223333:user/bob'] })], ALICE)).toBe('none');
    expect([verdict([statement({ principals: [ALICE.arn!], notPrincipal: true })], ALICE), verdict([statement({ principals: [ALICE.arn!], notPrincipal: true })])]).toEqual(['none', 'allow']);
  });

  it('actions in any case with wildcards; resources exactly, NotResource and NotAction invert', () => {
    expect(verdict([statement({ actions: ['EXECUTE-API:inv*'] })])).toBe('allow');
    expect(verdict([statement({ actions: ['execute-api:ManageConnections'] })])).toBe('none');
    expect(verdict([statement({ actions: ['execute-api:ManageConnections'], notAction: true })])).toBe('allow');
    expect(verdict([statement({ resources: ['execute-api:/dev/GET/x'] })])).toBe('allow');
    expect(verdict([statement({ resources: ['execute-api:/dev/get/x'] })])).toBe('none');
    expect(verdict([statement({ resources: ['execute-api:/dev/POST/*'], notResource: true })])).toBe('allow');
    expect(verdict([statement({ resources: ['arn:aws:execute-api:eu-west-1:999999999999:other/dev/GET/?'] })])).toBe('allow');
  });

  it('conditions: all must hold; negated operators and IfExists hold when the key is absent; Null tests presence', () => {
    const ip = (operator: string, values: string[]) => statement({ conditions: [{ operator, ifExists: false, key: 'aws:sourceip', values }] });
    expect(verdict([ip('IpAddress', ['10.1.0.0/16'])])).toBe('allow');
    expect(verdict([ip('IpAddress', ['10.2.0.0/16', '2001:db8::/32'])])).toBe('none');
    expect(verdict([ip('IpAddress', ['2001:db8::/32'])], ANONYMOUS, { sourceIp: '2001:db8::7' })).toBe('allow');
    expect(verdict([ip('NotIpAddress', ['10.1.2.3'])])).toBe('none');
    const vpce = (operator: string, ifExists = false) => statement({ conditions: [{ operator, ifExists, key: 'aws:sourcevpce', values: ['vpce-1'] }] });
    expect([verdict([vpce('StringEquals')]), verdict([vpce('StringNotEquals')]), verdict([vpce('StringEquals', true)])]).toEqual(['none', 'allow', 'allow']);
    const nul = (v: string, key = 'aws:sourcevpce') => statement({ conditions: [{ operator: 'Null', ifExists: false, key, values: [v] }] });
    expect([verdict([nul('true')]), verdict([nul('false')]), verdict([nul('false', 'aws:sourceip')])]).toEqual(['allow', 'none', 'allow']);
    const ua = (operator: string, values: string[]) => statement({ conditions: [{ operator, ifExists: false, key: 'aws:useragent', values }] });
    const withAgent = { headers: [['User-Agent', 'MyApp/2.0']] as Array<[string, string]> };
    expect([verdict([ua('StringEqualsIgnoreCase', ['myapp/2.0'])], ANONYMOUS, withAgent), verdict([ua('StringLike', ['MyApp/*'])], ANONYMOUS, withAgent), verdict([ua('StringNotLike', ['MyApp/*'])], ANONYMOUS, withAgent)]).toEqual(['allow', 'allow', 'none']);
    const both = statement({ conditions: [{ operator: 'Bool', ifExists: false, key: 'aws:securetransport', values: ['true'] }, { operator: 'Unsupported', ifExists: false, key: 'aws:currenttime', values: ['x'] }] });
    expect(verdict([both])).toBe('none');
  });

  it('an explicit Deny wins over any Allow', () => {
    expect(verdict([statement({}), statement({ allow: false, principals: '*' }), statement({})])).toBe('deny');
  });
});

describe('requireResourcePolicy', () => {
  const method = (m: Partial<Method>): Method => ({ ...base.route.method, ...m });
  const run = (statements: PolicyStatement[], m: Partial<Method>, identity: Record<string, unknown> = {}) => {
    const ctx = makeCtx({ context: { httpMethod: 'GET', identity } });
    try {
      requireResourcePolicy(compileResourcePolicy({ pointer: '', statements }, deployment), ctx, method(m), deployment);
      return 'served';
    } catch (e) {
      if (!(e instanceof GatewayError)) throw e;
      return `${e.type} ${e.message}`;
    }
  };
  const masked = `arn:aws:execute-api:${deployment.region}:********${deployment.accountId.slice(-4)}:${deployment.apiId}/dev/GET/x`;
  const none = [statement({ resources: ['execute-api:/prod/*'] })];

  it('IAM from the API\'s account needs no statement; from another account an explicit Allow (its ARN in the refusal)', () => {
    expect(run(none, { iam: true })).toBe('served');
    expect(run(none, { iam: true }, { userArn: 'arn:aws:iam::123456789012:user/me', accountId: '123456789012' })).toBe('served');
    expect(run(none, { iam: true }, { userArn: ALICE.arn, accountId: ALICE.account })).toBe(
      `ACCESS_DENIED User: ${ALICE.arn} is not authorized to perform: execute-api:Invoke on resource: ${masked} because no resource-based policy allows the execute-api:Invoke action`,
    );
    expect(run([statement({ principals: [ALICE.account!] })], { iam: true }, { userArn: ALICE.arn, accountId: ALICE.account })).toBe('served');
    expect(run([statement({ allow: false, principals: [ALICE.arn!] })], { iam: true }, { userArn: ALICE.arn, accountId: ALICE.account })).toBe(
      `ACCESS_DENIED User: ${ALICE.arn} is not authorized to perform: execute-api:Invoke on resource: ${masked} with an explicit deny in a resource-based policy`,
    );
  });

  it('no authorization: an explicit Allow is needed; an authorizer decides when no statement names the method', () => {
    expect(run(none, {})).toBe(`ACCESS_DENIED User: anonymous is not authorized to perform: execute-api:Invoke on resource: ${masked} because no resource-based policy allows the execute-api:Invoke action`);
    const authorizer = { name: 'a', type: 'TOKEN', pointer: '', lambda: undefined, ttlSeconds: 0, identitySources: [], validation: undefined } as const;
    expect(run(none, { authorizer })).toBe('served');
  });
});
