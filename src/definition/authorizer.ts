// Lambda authorizers (§12): security schemes carrying x-amazon-apigateway-authorizer of type
// `token` or `request`, and the one an operation's `security` names; and IAM authorization (§12.5:
// an awsSigv4 scheme, or x-amazon-apigateway-auth AWS_IAM). Cognito user pools are not implemented:
// their schemes are reported, and methods naming them are served without authorization.

import { consume, fail, isObject, typeName, warn, type BuildContext } from './context.js';
import { lambdaUriTarget } from './integration.js';
import type { Authorizer, IdentitySource } from './model.js';
import { ptr } from './pointer.js';

const X = 'x-amazon-apigateway-';
/** authorizerResultTtlInSeconds when not given, and its bounds (API Reference, Authorizer). */
const DEFAULT_TTL_S = 300;
const MAX_TTL_S = 3600;
const HEADER_SOURCE = /^method\.request\.header\.([^.\s,]+)$/;
const REQUEST_SOURCE = /^(?:method\.request\.(?:header|querystring)\.[^\s,]+|stageVariables\.[A-Za-z0-9_]+|context\.[A-Za-z0-9_.]+)$/;

/** A security scheme that names a Lambda authorizer, or why it does not count as one (reported once). */
export type SchemeAuthorizer = Authorizer | { readonly unsupported: string };

/** Every security scheme with x-amazon-apigateway-authorizer, by name. */
export function buildAuthorizers(ctx: BuildContext, schemes: Record<string, unknown>, schemesPointer: string): Map<string, SchemeAuthorizer> {
  const out = new Map<string, SchemeAuthorizer>();
  for (const [name, scheme] of Object.entries(schemes)) {
    if (!isObject(scheme) || scheme[`${X}authorizer`] === undefined) continue;
    const at = ptr(schemesPointer, name);
    out.set(name, buildAuthorizer(ctx, name, scheme, at));
  }
  return out;
}

function buildAuthorizer(ctx: BuildContext, name: string, scheme: Record<string, unknown>, at: string): SchemeAuthorizer {
  const key = `${X}authorizer`;
  const pointer = ptr(at, key);
  const raw = scheme[key];
  if (!isObject(raw)) fail(ctx, pointer, `${key} must be an object, got ${typeName(raw)}`);
  const type = typeof raw.type === 'string' ? raw.type.toLowerCase() : undefined;
  if (type !== 'token' && type !== 'request') {
    if (type === 'cognito_user_pools') return { unsupported: 'Cognito user pool authorizers are not implemented' };
    fail(ctx, ptr(pointer, 'type'), `the authorizer type must be token, request or cognito_user_pools, got ${JSON.stringify(raw.type)}`);
  }
  consume(ctx, scheme, key);
  if (scheme[`${X}authtype`] !== undefined) consume(ctx, scheme, `${X}authtype`); // a label for exports only
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

  let ttlSeconds = DEFAULT_TTL_S;
  const ttl = raw.authorizerResultTtlInSeconds;
  if (ttl !== undefined && ttl !== null) {
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL_S) {
      fail(ctx, ptr(pointer, 'authorizerResultTtlInSeconds'), `authorizerResultTtlInSeconds must be an integer from 0 to ${MAX_TTL_S}, got ${JSON.stringify(ttl)}`);
    }
    ttlSeconds = ttl;
  }

  const identitySources = kind === 'TOKEN' ? tokenSource(ctx, raw, scheme, pointer, at) : requestSources(ctx, raw, pointer, ttlSeconds);

  let validation: RegExp | undefined;
  const expression = raw.identityValidationExpression;
  if (expression !== undefined && expression !== null && expression !== '') {
    const vp = ptr(pointer, 'identityValidationExpression');
    if (typeof expression !== 'string') fail(ctx, vp, `identityValidationExpression must be a string (a regular expression), got ${typeName(expression)}`);
    if (kind === 'REQUEST') warn(ctx, vp, 'identityValidationExpression applies to token authorizers only; ignored');
    else {
      try {
        validation = new RegExp(`^(?:${expression})$`);
      } catch (err) {
        fail(ctx, vp, `identityValidationExpression is not a valid regular expression: ${(err as Error).message}`);
      }
    }
  }
  return { name, type: kind, pointer, lambda, ttlSeconds, identitySources, validation };
}

/** A token authorizer's one header: identitySource, else the scheme's own header (`in: header`, `name`). */
function tokenSource(ctx: BuildContext, raw: Record<string, unknown>, scheme: Record<string, unknown>, pointer: string, at: string): IdentitySource[] {
  const given = raw.identitySource;
  if (given !== undefined && given !== null && given !== '') {
    const sp = ptr(pointer, 'identitySource');
    if (typeof given !== 'string' || !HEADER_SOURCE.test(given.trim())) {
      fail(ctx, sp, `a token authorizer's identitySource must be one header, method.request.header.NAME, got ${JSON.stringify(given)}`);
    }
    return [{ expression: given.trim() }];
  }
  if (scheme.in === 'header' && typeof scheme.name === 'string' && scheme.name !== '') return [{ expression: `method.request.header.${scheme.name}` }];
  fail(ctx, at, 'a token authorizer needs its header: identitySource (method.request.header.NAME), or the scheme\'s "in": "header" and "name"');
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
 * The Lambda authorizer an operation's `security` names: the first requirement's scheme that is one
 * (API Gateway gives a method one authorizer). Schemes of kinds not implemented are reported here.
 */
export function methodAuthorizer(
  ctx: BuildContext,
  security: unknown,
  pointer: string,
  authorizers: ReadonlyMap<string, SchemeAuthorizer>,
): Authorizer | undefined {
  if (!Array.isArray(security)) return undefined;
  let found: Authorizer | undefined;
  security.forEach((requirement, i) => {
    if (!isObject(requirement)) return;
    for (const name of Object.keys(requirement)) {
      const a = authorizers.get(name);
      if (a === undefined) continue;
      const at = ptr(pointer, i, name);
      if ('unsupported' in a) {
        warn(ctx, at, `${a.unsupported}: this method is served without authorization`);
        continue;
      }
      if (found && found !== a) warn(ctx, at, `a method has one authorizer: '${found.name}' is used, '${name}' is ignored`);
      else found = a;
    }
  });
  return found;
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
    warn(ctx, pointer, 'AWS_IAM: requests need a SigV4-signed Authorization header (unsigned ones get 403 Missing Authentication Token); the signature itself is not verified');
  }
  return iam;
}
