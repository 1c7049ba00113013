// Method request, the API's resource policy (x-amazon-apigateway-policy; API Gateway Developer Guide,
// apigateway-authorization-flow): its statements, compiled once against the deployment, allow or deny
// execute-api:Invoke on the method's ARN for the caller under their conditions. An explicit Deny refuses
// the request before any authorizer runs. A method without authorization needs an explicit Allow; one
// with a Lambda or Cognito authorizer, or IAM from the API's own account, goes on unless denied (an IAM
// caller from another account needs an explicit Allow). Refusals are ACCESS_DENIED 403 with IAM's message.

import type { Method, PolicyCondition, ResourcePolicy } from '../definition/model.js';
import { cidr } from '../definition/policy.js';
import { evaluate, methodArnOf, wildcardPattern as pattern, type Statement, type Verdict } from './authorize.js';
import type { Deployment } from './context.js';
import { lastHeaderValue } from './media-types.js';
import { GatewayError, type RequestContext } from './types.js';

/** Who is asking: an IAM principal (its ARN and account, when known), else anonymous. */
export interface Caller {
  readonly arn: string | undefined;
  readonly account: string | undefined;
}

export const ANONYMOUS: Caller = { arn: undefined, account: undefined };

interface CompiledStatement extends Statement {
  readonly principals: readonly string[] | '*';
  readonly notPrincipal: boolean;
  readonly conditions: ReadonlyArray<(facts: Facts) => boolean>;
}

export interface CompiledPolicy {
  readonly statements: readonly CompiledStatement[];
}

/** The condition keys a request served here has, by lower-case name; a key not listed is absent. */
type Facts = ReadonlyMap<string, string>;

/**
 * A resource as the ARN it names on this deployment: `execute-api:/STAGE/METHOD/PATH` is shorthand for
 * this API's ARN; a full ARN is read for its STAGE/METHOD/PATH part, its region, account and API id being
 * this API's (restgate serves one API, under an id of its own: docs/fidelity.md).
 */
function resourcePattern(r: string, d: Deployment): RegExp {
  if (r === '*') return /^/;
  const base = `arn:aws:execute-api:${d.region}:${d.accountId}:${d.apiId}`;
  if (r.startsWith('execute-api:/')) return pattern(`${base}/${r.slice('execute-api:/'.length)}`);
  const slash = r.indexOf('/');
  return pattern(slash === -1 ? `${base}` : `${base}${r.slice(slash)}`);
}

function condition(c: PolicyCondition): (facts: Facts) => boolean {
  const { operator, ifExists, key, values } = c;
  const has = (facts: Facts) => facts.get(key);
  const when = (test: (v: string) => boolean, negated: boolean) => (facts: Facts) => {
    const v = has(facts);
    if (v === undefined) return ifExists || negated;
    return negated ? !test(v) : test(v);
  };
  switch (operator) {
    case 'StringEquals':
    case 'StringNotEquals':
      return when((v) => values.includes(v), operator === 'StringNotEquals');
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase': {
      const lower = values.map((x) => x.toLowerCase());
      return when((v) => lower.includes(v.toLowerCase()), operator === 'StringNotEqualsIgnoreCase');
    }
    case 'StringLike':
    case 'StringNotLike': {
      const patterns = values.map((x) => pattern(x));
      return when((v) => patterns.some((p) => p.test(v)), operator === 'StringNotLike');
    }
    case 'IpAddress':
    case 'NotIpAddress': {
      const blocks = values.map((x) => cidr(x)!);
      return when((v) => blocks.some((b) => b.check(v, v.includes(':') ? 'ipv6' : 'ipv4')), operator === 'NotIpAddress');
    }
    case 'Bool':
      return when((v) => values.some((x) => x.toLowerCase() === v.toLowerCase()), false);
    case 'Null':
      return (facts) => values.some((x) => (x.toLowerCase() === 'true') === (has(facts) === undefined));
    default:
      return () => false;
  }
}

export function compileResourcePolicy(policy: ResourcePolicy, deployment: Deployment): CompiledPolicy {
  return {
    statements: policy.statements.map((s) => ({
      allow: s.allow,
      actions: s.actions.map((a) => pattern(a, 'i')),
      notAction: s.notAction,
      resources: s.resources.map((r) => resourcePattern(r, deployment)),
      notResource: s.notResource,
      principals: s.principals,
      notPrincipal: s.notPrincipal,
      conditions: s.conditions.map(condition),
    })),
  };
}

function principalMatches(principals: readonly string[] | '*', caller: Caller): boolean {
  if (principals === '*') return true;
  if (caller.arn === undefined && caller.account === undefined) return false;
  return principals.some((p) => p === caller.arn || p === caller.account || p === `arn:aws:iam::${caller.account}:root`);
}

/** The conditions' keys for this request and caller (aws:SourceVpce and aws:SourceVpc only with restgate.config's vpcEndpoint). */
function factsOf(ctx: RequestContext, caller: Caller): Facts {
  const facts = new Map<string, string>([
    ['aws:sourceip', ctx.request.sourceIp],
    ['aws:securetransport', 'true'],
  ]);
  const agent = lastHeaderValue(ctx.request.headers, 'user-agent');
  if (agent !== undefined) facts.set('aws:useragent', agent);
  const referer = lastHeaderValue(ctx.request.headers, 'referer');
  if (referer !== undefined) facts.set('aws:referer', referer);
  const identity = ctx.context['identity'] as Record<string, unknown>;
  if (typeof identity['vpceId'] === 'string') facts.set('aws:sourcevpce', identity['vpceId']);
  if (typeof identity['vpcId'] === 'string') facts.set('aws:sourcevpc', identity['vpcId']);
  if (caller.arn !== undefined) facts.set('aws:principalarn', caller.arn);
  if (caller.account !== undefined) facts.set('aws:principalaccount', caller.account);
  return facts;
}

/** The policy's verdict for this request and caller: authorize.ts's evaluate, with the statements' principals and conditions. */
export function evaluateResourcePolicy(policy: CompiledPolicy, methodArn: string, caller: Caller, ctx: RequestContext): Verdict {
  let facts: Facts | undefined;
  return evaluate(policy.statements, methodArn, (s) => {
    if (principalMatches(s.principals, caller) === s.notPrincipal) return false;
    facts ??= factsOf(ctx, caller);
    return s.conditions.every((c) => c(facts!));
  });
}

/** IAM's refusal, the account masked as API Gateway masks it (all but its last 4 digits). */
export function resourcePolicyDenial(methodArn: string, deployment: Deployment, caller: Caller, explicit: boolean): GatewayError {
  const account = deployment.accountId;
  const masked = methodArn.replace(`:${account}:`, `:${'*'.repeat(Math.max(0, account.length - 4))}${account.slice(-4)}:`);
  const user = caller.arn ?? 'anonymous';
  const why = explicit ? 'with an explicit deny in a resource-based policy' : 'because no resource-based policy allows the execute-api:Invoke action';
  return new GatewayError('ACCESS_DENIED', `User: ${user} is not authorized to perform: execute-api:Invoke on resource: ${masked} ${why}`, undefined, `the resource policy ${explicit ? 'denies' : 'does not allow'} ${methodArn}`);
}

/**
 * The step: the policy's verdict for this request, from its caller (the IAM principal of an AWS_IAM
 * method, whose signature was checked first; else anonymous, before any authorizer runs).
 */
export function requireResourcePolicy(policy: CompiledPolicy, ctx: RequestContext, method: Method, deployment: Deployment): void {
  const methodArn = methodArnOf(ctx, deployment);
  const identity = ctx.context['identity'] as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const caller: Caller = method.iam ? { arn: text(identity['userArn']), account: text(identity['accountId']) } : ANONYMOUS;
  const verdict = evaluateResourcePolicy(policy, methodArn, caller, ctx);
  if (verdict === 'deny') throw resourcePolicyDenial(methodArn, deployment, caller, true);
  if (verdict === 'allow') return;
  // No statement for it: an authorizer or IAM from this account decides; without authorization it is denied.
  const decided = method.authorizer !== undefined || (method.iam && (caller.account === undefined || caller.account === deployment.accountId));
  if (!decided) throw resourcePolicyDenial(methodArn, deployment, caller, false);
}
