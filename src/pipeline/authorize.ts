// Method request, authorize (§12): a Lambda authorizer (TOKEN or REQUEST) decides whether the
// request goes on. Its identity sources must be present and not empty (else 401 without calling it);
// its answer — a principal, an IAM policy and a context — is cached by those sources for its TTL and
// evaluated against this request's method ARN; what it allows goes on with `$context.authorizer` set.

import type { LambdaAuthorizer } from '../definition/model.js';
import { requestEventSource } from '../integrations/lambda-proxy.js';
import type { IntegrationDeps } from '../integrations/types.js';
import { proxyEvent } from '../lambda/proxy-event.js';
import type { Deployment } from './context.js';
import { lastHeaderValue } from './media-types.js';
import { requestSourceValue } from './parameter-mapping.js';
import { TtlCache } from './ttl-cache.js';
import { GatewayError, type RequestContext } from './types.js';

/** A policy statement as evaluated (an authorizer's, and the resource policy's core): effect, then the action and resource patterns, compiled. */
export interface Statement {
  readonly allow: boolean;
  /** Action patterns; NotAction's when `notAction` (the statement covers every other action). */
  readonly actions: readonly RegExp[];
  readonly notAction: boolean;
  /** Resource patterns; NotResource's when `notResource`. */
  readonly resources: readonly RegExp[];
  readonly notResource: boolean;
}

/** An authorizer's answer, checked: what is cached. */
interface Decision {
  readonly principalId: unknown;
  readonly statements: readonly Statement[];
  /** The context, its values as strings (§4.3: `$context.authorizer.<key>` is always a string). */
  readonly context: Readonly<Record<string, string>>;
  /** The API key of an apiKeySource AUTHORIZER API (§11 [D-keysrc]). */
  readonly usageIdentifierKey: string | undefined;
}

/** What an authorization gives the request: `$context.authorizer`, and the API key the authorizer named. */
export interface Authorization {
  readonly authorizer: Record<string, unknown>;
  readonly usageIdentifierKey: string | undefined;
}

/** Cached decisions by authorizer and identity values. */
export class AuthorizerCache extends TtlCache<Decision> {}

// The types' own statuses (401, 403, 500): an explicit one would select the spaced body of integration errors.
const unauthorized = (detail: string) => new GatewayError('UNAUTHORIZED', 'Unauthorized', undefined, detail);
/** §12.3: any other failure of the authorizer is a 500 whose message is null (AuthorizerConfigurationException). */
const configurationError = (detail: string) => new GatewayError('AUTHORIZER_CONFIGURATION_ERROR', 'null', undefined, `Authorizer error: ${detail}`);

/**
 * Runs the method's authorizer for this request and returns `$context.authorizer` (the principal,
 * the context's keys as strings and integrationLatency: ms, 0 when the decision was cached) and the
 * usageIdentifierKey it answered. Throws
 * the gateway error API Gateway answers with: UNAUTHORIZED 401, ACCESS_DENIED 403,
 * AUTHORIZER_CONFIGURATION_ERROR 500.
 */
export async function authorize(
  authorizer: LambdaAuthorizer,
  ctx: RequestContext,
  deployment: Deployment,
  deps: IntegrationDeps,
  cache: AuthorizerCache,
): Promise<Authorization> {
  const values: string[] = [];
  for (const source of authorizer.identitySources) {
    const v = identityValue(source.expression, ctx);
    const text = typeof v === 'string' ? v : v?.join(',');
    if (text === undefined || text === '') throw unauthorized(`identity source ${source.expression} is missing or empty`);
    values.push(text);
  }
  if (authorizer.type === 'TOKEN' && authorizer.validation && !authorizer.validation.test(values[0]!)) {
    throw unauthorized('the token does not match identityValidationExpression');
  }
  const methodArn = methodArnOf(ctx, deployment);
  // JSON keeps the values apart whatever they hold (a query value may decode to any character).
  const key = JSON.stringify([authorizer.name, values]);
  const caching = authorizer.ttlSeconds > 0 && authorizer.identitySources.length > 0;
  const now = Date.now();
  let decision = caching ? cache.get(key, now) : undefined;
  let latency = 0;
  if (decision === undefined) {
    const started = Date.now();
    decision = await ask(authorizer, ctx, deps, methodArn, values[0]);
    latency = Date.now() - started;
    if (caching) cache.set(key, decision, now + authorizer.ttlSeconds * 1000);
  }
  const verdict = evaluate(decision.statements, methodArn);
  if (verdict === 'deny') {
    throw new GatewayError('ACCESS_DENIED', 'User is not authorized to access this resource with an explicit deny', undefined, `the policy denies ${methodArn}`);
  }
  if (verdict === 'none') throw new GatewayError('ACCESS_DENIED', 'User is not authorized to access this resource', undefined, `the policy does not allow ${methodArn}`);
  return { authorizer: { principalId: decision.principalId, integrationLatency: latency, ...decision.context }, usageIdentifierKey: decision.usageIdentifierKey };
}

const HEADER_SOURCE = 'method.request.header.';

/**
 * An identity source's value. A header by its name in any case, as HTTP names compare (a client over
 * HTTP/2 sends `authorization`), the last one when repeated; the others as parameter mappings read them.
 */
function identityValue(expression: string, ctx: RequestContext): string | readonly string[] | undefined {
  if (!expression.startsWith(HEADER_SOURCE)) return requestSourceValue(expression, ctx);
  return lastHeaderValue(ctx.request.headers, expression.slice(HEADER_SOURCE.length));
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}` (§12.1; the request's path after the stage). */
export function methodArnOf(ctx: RequestContext, deployment: Deployment): string {
  const method = ctx.context['httpMethod'];
  return `arn:aws:execute-api:${deployment.region}:${deployment.accountId}:${deployment.apiId}/${deployment.stage}/${String(method)}/${ctx.route.path.replace(/^\//, '')}`;
}

/** Calls the function with the TOKEN or REQUEST event (§12.1, §12.2) and checks its answer (§12.3). */
async function ask(authorizer: LambdaAuthorizer, ctx: RequestContext, deps: IntegrationDeps, methodArn: string, token: string | undefined): Promise<Decision> {
  if (!authorizer.lambda) throw configurationError(`${authorizer.name}'s authorizerUri names a stage variable that is not set`);
  let event: Record<string, unknown>;
  if (authorizer.type === 'TOKEN') event = { type: 'TOKEN', authorizationToken: token, methodArn };
  else {
    const e = proxyEvent(requestEventSource(ctx, null, false));
    event = {
      type: 'REQUEST',
      methodArn,
      resource: e['resource'],
      path: e['path'],
      httpMethod: e['httpMethod'],
      headers: e['headers'],
      multiValueHeaders: e['multiValueHeaders'],
      queryStringParameters: e['queryStringParameters'],
      multiValueQueryStringParameters: e['multiValueQueryStringParameters'],
      pathParameters: e['pathParameters'],
      stageVariables: e['stageVariables'],
      requestContext: e['requestContext'],
    };
  }
  let result;
  try {
    result = await deps.lambda.invoke({
      functionName: authorizer.lambda.functionName,
      qualifier: authorizer.lambda.qualifier,
      payload: Buffer.from(JSON.stringify(event), 'utf8'),
      invocationType: 'RequestResponse',
    });
  } catch (err) {
    throw configurationError(`invoking ${authorizer.lambda.functionName} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  let answer: unknown;
  try {
    answer = JSON.parse(result.payload.toString('utf8'));
  } catch {
    throw configurationError('the answer is not JSON');
  }
  if (result.functionError !== undefined) {
    const message = answer !== null && typeof answer === 'object' ? (answer as Record<string, unknown>)['errorMessage'] : undefined;
    // The documented way to answer 401: fail with the message "Unauthorized" (§12.3).
    if (message === 'Unauthorized') throw unauthorized('the authorizer answered Unauthorized');
    throw configurationError(`the function failed: ${typeof message === 'string' ? message : result.payload.toString('utf8')}`);
  }
  return decisionOf(answer);
}

/** The answer's principal, policy and context (§12.3), or the configuration error a malformed one is. */
function decisionOf(answer: unknown): Decision {
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) throw configurationError('the answer is not an object');
  const a = answer as Record<string, unknown>;
  if (a['principalId'] === undefined || a['principalId'] === null) throw configurationError('the answer has no principalId');
  const policy = a['policyDocument'];
  if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) throw configurationError('Could not parse policy: no policyDocument object');
  const rawStatements = (policy as Record<string, unknown>)['Statement'];
  const list = Array.isArray(rawStatements) ? rawStatements : rawStatements !== null && typeof rawStatements === 'object' ? [rawStatements] : undefined;
  if (list === undefined) throw configurationError('Could not parse policy: no Statement');
  const statements = list.map((s): Statement => {
    if (s === null || typeof s !== 'object') throw configurationError('Could not parse policy: a statement is not an object');
    const st = s as Record<string, unknown>;
    const effect = st['Effect'];
    if (effect !== 'Allow' && effect !== 'Deny') throw configurationError(`Could not parse policy: Effect ${JSON.stringify(effect)}`);
    // IAM compares action names in any case, resource ARNs exactly.
    const notAction = st['NotAction'] !== undefined;
    const notResource = st['NotResource'] !== undefined;
    if ((notAction && st['Action'] !== undefined) || (notResource && st['Resource'] !== undefined)) {
      throw configurationError('Could not parse policy: a statement has Action or NotAction (Resource or NotResource), not both');
    }
    return {
      allow: effect === 'Allow',
      actions: patterns(st[notAction ? 'NotAction' : 'Action'], 'is'),
      notAction,
      resources: patterns(st[notResource ? 'NotResource' : 'Resource'], 's'),
      notResource,
    };
  });
  const context: Record<string, string> = {};
  const rawContext = a['context'];
  if (rawContext !== undefined && rawContext !== null) {
    if (typeof rawContext !== 'object' || Array.isArray(rawContext)) throw configurationError('context is not an object');
    for (const [k, v] of Object.entries(rawContext)) {
      // Only strings, numbers and booleans: an object or array value fails the authorization (§12.3).
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw configurationError(`context.${k} is not a string, number or boolean`);
      context[k] = String(v);
    }
  }
  const key = a['usageIdentifierKey'];
  return { principalId: a['principalId'], statements, context, usageIdentifierKey: typeof key === 'string' ? key : undefined };
}

/** An IAM string or list of strings as patterns: `*` any run of characters, `?` one (whole string; `flags` say the case). */
function patterns(v: unknown, flags: string): RegExp[] {
  const list = typeof v === 'string' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  if (list === undefined) throw configurationError('Could not parse policy: Action and Resource (or NotAction and NotResource) must be strings or lists of strings');
  return list.map((p) => wildcardPattern(p, flags));
}

/** An IAM pattern as a regular expression: `*` any run of characters, `?` one, the whole string. */
export function wildcardPattern(p: string, flags = ''): RegExp {
  return new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, flags);
}

/** Whether a statement is about execute-api:Invoke on this method's ARN (its Not* forms covering everything else). */
function covers(s: Statement, methodArn: string): boolean {
  return s.actions.some((a) => a.test('execute-api:Invoke')) !== s.notAction && s.resources.some((r) => r.test(methodArn)) !== s.notResource;
}

export type Verdict = 'allow' | 'deny' | 'none';

/**
 * An explicit Deny wins; else an Allow must match; statements on execute-api:Invoke and this method's ARN
 * that `applies` (the resource policy's principal and conditions; an authorizer's policy has none).
 */
export function evaluate<S extends Statement>(statements: readonly S[], methodArn: string, applies: (s: S) => boolean = () => true): Verdict {
  let allowed = false;
  for (const s of statements) {
    if (!covers(s, methodArn) || !applies(s)) continue;
    if (!s.allow) return 'deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'none';
}
