// Authorizers (§12): security schemes carrying x-amazon-apigateway-authorizer of type `token` or
// `request` (a Lambda function) or `cognito_user_pools` (§12.4), the one an operation's `security`
// names and, for a user pool, the scopes it lists; and IAM authorization (§12.5: an awsSigv4 scheme,
// or x-amazon-apigateway-auth AWS_IAM).

import { consume, fail, isObject, typeName, warn, type BuildContext } from './context.js';
import { lambdaUriTarget } from './integration.js';
import type { Authorizer, IdentitySource, UserPool } from './model.js';
import { ptr } from './pointer.js';

const X = 'x-amazon-apigateway-';
/** authorizerResultTtlInSeconds when not given, and its bounds (API Reference, Authorizer). */
const DEFAULT_TTL_S = 300;
const MAX_TTL_S = 3600;
const HEADER_SOURCE = /^method\.request\.header\.([^.\s,]+)$/;
/** A user pool's ARN (API Reference, Authorizer.providerARNs): its region and its id. */
const USER_POOL_ARN = /^arn:aws[a-z-]*:cognito-idp:([a-z0-9-]+):\d{12}:userpool\/([\w-]+_[0-9a-zA-Z]+)$/;
const REQUEST_SOURCE = /^(?:method\.request\.(?:header|querystring)\.[^\s,]+|stageVariables\.[A-Za-z0-9_]+|context\.[A-Za-z0-9_.]+)$/;

/** Every security scheme with x-amazon-apigateway-authorizer, by name. */
export function buildAuthorizers(ctx: BuildContext, schemes: Record<string, unknown>, schemesPointer: string): Map<string, Authorizer> {
  const out = new Map<string, Authorizer>();
  for (const [name, scheme] of Object.entries(schemes)) {
    if (!isObject(scheme) || scheme[`${X}authorizer`] === undefined) continue;
    const at = ptr(schemesPointer, name);
    out.set(name, buildAuthorizer(ctx, name, scheme, at));
  }
  return out;
}

function buildAuthorizer(ctx: BuildContext, name: string, scheme: Record<string, unknown>, at: string): Authorizer {
  const key = `${X}authorizer`;
  const pointer = ptr(at, key);
  const raw = scheme[key];
  if (!isObject(raw)) fail(ctx, pointer, `${key} must be an object, got ${typeName(raw)}`);
  const type = typeof raw.type === 'string' ? raw.type.toLowerCase() : undefined;
  if (type !== 'token' && type !== 'request' && type !== 'cognito_user_pools') {
    fail(ctx, ptr(pointer, 'type'), `the authorizer type must be token, request or cognito_user_pools, got ${JSON.stringify(raw.type)}`);
  }
  consume(ctx, scheme, key);
  if (scheme[`${X}authtype`] !== undefined) consume(ctx, scheme, `${X}authtype`); // a label for exports only
  const ttlSeconds = ttlOf(ctx, raw, pointer);
  if (type === 'cognito_user_pools') {
    const userPools = userPoolsOf(ctx, raw.providerARNs, ptr(pointer, 'providerARNs'));
    const identitySources = tokenSource(ctx, raw, scheme, pointer, at, 'a cognito_user_pools');
    return { name, type: 'COGNITO_USER_POOLS', pointer, ttlSeconds, identitySources, validation: validationOf(ctx, raw, pointer), userPools };
  }
  const kind = type === 'token' ? 'TOKEN' : 'REQUEST';

  const uri = raw.authorizerUri;
  if (typeof uri !== 'string' || uri === '') fail(ctx, ptr(pointer, 'authorizerUri'), `a ${type} authorizer needs an authorizerUri (the Lambda function's invocation uri)`);
  const lambda = lambdaUriTarget(ctx, uri, ptr(pointer, 'authorizerUri'), () =>
    fail(
      ctx,
      ptr(pointer, 'authorizerUri'),
      `authorizerUri must invoke a Lambda function (arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations), got '${uri}'`,
    ),
  );

  if (kind === 'TOKEN') return { name, type: kind, pointer, lambda, ttlSeconds, identitySources: tokenSource(ctx, raw, scheme, pointer, at, 'a token'), validation: validationOf(ctx, raw, pointer) };
  if (raw.identityValidationExpression !== undefined && raw.identityValidationExpression !== null && raw.identityValidationExpression !== '') {
    warn(ctx, ptr(pointer, 'identityValidationExpression'), 'identityValidationExpression applies to token and cognito_user_pools authorizers only; ignored');
  }
  return { name, type: kind, pointer, lambda, ttlSeconds, identitySources: requestSources(ctx, raw, pointer, ttlSeconds), validation: undefined };
}

/** authorizerResultTtlInSeconds: an integer from 0 to 3600, 300 when not given. */
function ttlOf(ctx: BuildContext, raw: Record<string, unknown>, pointer: string): number {
  const ttl = raw.authorizerResultTtlInSeconds;
  if (ttl === undefined || ttl === null) return DEFAULT_TTL_S;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL_S) {
    fail(ctx, ptr(pointer, 'authorizerResultTtlInSeconds'), `authorizerResultTtlInSeconds must be an integer from 0 to ${MAX_TTL_S}, got ${JSON.stringify(ttl)}`);
  }
  return ttl;
}

/** identityValidationExpression as a regular expression matched whole; undefined when not given. */
function validationOf(ctx: BuildContext, raw: Record<string, unknown>, pointer: string): RegExp | undefined {
  const expression = raw.identityValidationExpression;
  if (expression === undefined || expression === null || expression === '') return undefined;
  const vp = ptr(pointer, 'identityValidationExpression');
  if (typeof expression !== 'string') fail(ctx, vp, `identityValidationExpression must be a string (a regular expression), got ${typeName(expression)}`);
  try {
    return new RegExp(`^(?:${expression})$`);
  } catch (err) {
    fail(ctx, vp, `identityValidationExpression is not a valid regular expression: ${(err as Error).message}`);
  }
}

/** providerARNs: one or more user pool ARNs. */
function userPoolsOf(ctx: BuildContext, arns: unknown, pointer: string): UserPool[] {
  if (!Array.isArray(arns) || arns.length === 0) {
    const got = arns === undefined ? 'none' : Array.isArray(arns) ? 'an empty list' : typeName(arns);
    fail(ctx, pointer, `a cognito_user_pools authorizer needs providerARNs, a list of user pool ARNs (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID), got ${got}`);
  }
  return arns.map((arn, i) => {
    const m = typeof arn === 'string' ? USER_POOL_ARN.exec(arn) : null;
    if (!m) fail(ctx, ptr(pointer, i), `a user pool ARN looks like arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID, got ${JSON.stringify(arn)}`);
    const [, region, id] = m as unknown as [string, string, string];
    return { id, region, issuer: `https://cognito-idp.${region}.amazonaws.com/${id}` };
  });
}

/** A token or user pool authorizer's one header: identitySource, else the scheme's own header (`in: header`, `name`). */
function tokenSource(ctx: BuildContext, raw: Record<string, unknown>, scheme: Record<string, unknown>, pointer: string, at: string, kind: string): IdentitySource[] {
  const given = raw.identitySource;
  if (given !== undefined && given !== null && given !== '') {
    const sp = ptr(pointer, 'identitySource');
    if (typeof given !== 'string' || !HEADER_SOURCE.test(given.trim())) {
      fail(ctx, sp, `${kind} authorizer's identitySource must be one header, method.request.header.NAME, got ${JSON.stringify(given)}`);
    }
    return [{ expression: given.trim() }];
  }
  if (scheme.in === 'header' && typeof scheme.name === 'string' && scheme.name !== '') return [{ expression: `method.request.header.${scheme.name}` }];
  fail(ctx, at, `${kind} authorizer needs its header: identitySource (method.request.header.NAME), or the scheme's "in": "header" and "name"`);
}

/** A request authorizer's identitySource: a comma-separated list; required when results are cached. */
function requestSources(ctx: BuildContext, raw: Record<string, unknown>, pointer: string, ttlSeconds: number): IdentitySource[] {
  const given = raw.identitySource;
  const sp = ptr(pointer, 'identitySource');
  if (given === undefined || given === null || given === '') {
    if (ttlSeconds > 0) fail(ctx, sp, 'a request authorizer whose results are cached (authorizerResultTtlInSeconds above 0) needs an identitySource: its cache key');
    return [];
  }
  if (typeof given !== 'string') fail(ctx, sp, `identitySource must be a string of comma-separated expressions, got ${typeName(given)}`);
  return given.split(',').map((part) => {
    const expression = part.trim();
    if (!REQUEST_SOURCE.test(expression)) {
      fail(
        ctx,
        sp,
        `identitySource has '${expression}': each must be method.request.header.NAME, method.request.querystring.NAME, stageVariables.NAME or context.NAME (path parameters cannot be identity sources)`,
      );
    }
    return { expression };
  });
}

/**
 * The authorizer an operation's `security` names: the first requirement's scheme that is one (API
 * Gateway gives a method one authorizer), and the scopes that requirement lists (a user pool's
 * authorizationScopes; a Lambda authorizer has none).
 */
export function methodAuthorizer(
  ctx: BuildContext,
  security: unknown,
  pointer: string,
  authorizers: ReadonlyMap<string, Authorizer>,
): { authorizer: Authorizer | undefined; scopes: string[] } {
  let found: Authorizer | undefined;
  let scopes: string[] = [];
  if (!Array.isArray(security)) return { authorizer: undefined, scopes };
  security.forEach((requirement, i) => {
    if (!isObject(requirement)) return;
    for (const [name, listed] of Object.entries(requirement)) {
      const a = authorizers.get(name);
      if (a === undefined) continue;
      const at = ptr(pointer, i, name);
      if (found && found !== a) {
        warn(ctx, at, `a method has one authorizer: '${found.name}' is used, '${name}' is ignored`);
        continue;
      }
      found = a;
      if (!Array.isArray(listed) || !listed.every((x) => typeof x === 'string' && x !== '')) {
        fail(ctx, at, `a security requirement lists scopes: an array of strings, got ${typeName(listed)}`);
      }
      if (listed.length > 0 && a.type !== 'COGNITO_USER_POOLS') warn(ctx, at, `scopes apply to cognito_user_pools authorizers only; '${name}' ignores them`);
      else scopes = listed as string[];
    }
  });
  return { authorizer: found, scopes };
}

/**
 * Whether the operation's authorization is AWS_IAM (§12.5 [D-ext]): `x-amazon-apigateway-auth`
 * `{type: AWS_IAM}` (OpenAPI 3; `NONE` says none), or a security requirement naming a scheme whose
 * `x-amazon-apigateway-authtype` is `awsSigv4`.
 */
export function methodUsesIam(
  ctx: BuildContext,
  op: Record<string, unknown>,
  pointer: string,
  schemes: Record<string, unknown>,
): boolean {
  const authKey = `${X}auth`;
  let iam = false;
  if (op[authKey] !== undefined) {
    const at = ptr(pointer, authKey);
    const raw = op[authKey];
    const type = isObject(raw) && typeof raw.type === 'string' ? raw.type.toUpperCase() : undefined;
    if (type !== 'AWS_IAM' && type !== 'NONE') fail(ctx, ptr(at, 'type'), `${authKey} type must be AWS_IAM or NONE, got ${JSON.stringify(isObject(raw) ? raw.type : raw)}`);
    consume(ctx, op, authKey);
    iam = type === 'AWS_IAM';
  }
  const security = op.security;
  if (Array.isArray(security)) {
    for (const requirement of security) {
      if (!isObject(requirement)) continue;
      for (const name of Object.keys(requirement)) {
        const scheme = schemes[name];
        if (!isObject(scheme)) continue;
        const authtype = scheme[`${X}authtype`];
        if (typeof authtype === 'string' && authtype.toLowerCase() === 'awssigv4') {
          consume(ctx, scheme, `${X}authtype`);
          iam = true;
        }
      }
    }
  }
  if (iam) {
    warn(ctx, pointer, "AWS_IAM: requests need a SigV4 signature (unsigned ones get 403 Missing Authentication Token); it is checked against restgate.config's iamCredentials, and IAM policies are not evaluated");
  }
  return iam;
}
