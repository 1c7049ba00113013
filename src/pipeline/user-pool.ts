// Method request, authorize with a Cognito user pool (§12.4): the header carries a JWT the pool
// issued. API Gateway checks its signature against the pool's keys, its expiry and its issuer (one of
// the authorizer's providerARNs); a method without scopes takes an ID token, one with scopes an access
// token granting one of them; an identityValidationExpression is matched against the token's `aud`.
// Any failure is 401 Unauthorized. What passes becomes `$context.authorizer.claims`, every value a
// string as REST APIs give them. Verified tokens are cached for the authorizer's TTL.
//
// The pool's keys: restgate.config's `userPools.<id>.jwks` (a JWKS file, read at start, or a URL),
// else the pool's public JWKS at `<issuer>/.well-known/jwks.json`, fetched on first use.

import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import type { UserPool, UserPoolAuthorizer } from '../definition/model.js';
import { lastHeaderValue } from './media-types.js';
import { TtlCache } from './ttl-cache.js';
import { GatewayError, type RequestContext } from './types.js';

const HEADER_SOURCE = 'method.request.header.';
/** How long a remote key set is kept before it is fetched again, and the wait for it. */
const REMOTE_KEYS_MAX_AGE_MS = 10 * 60_000;
const REMOTE_KEYS_TIMEOUT_MS = 5_000;

type JoseModule = typeof import('jose');
let jose: Promise<JoseModule> | undefined;
/** jose loads with the first user pool (start-up time: most APIs have none). */
const loadJose = (): Promise<JoseModule> => (jose ??= import('jose'));

/** Where a pool's keys come from: a JSON Web Key Set already read, or a URL serving one. */
export type UserPoolKeySource = { readonly jwks: unknown } | { readonly url: string };

/** The key sets of the user pools, by pool id; a pool not given one is fetched from its issuer. */
export class UserPoolKeys {
  private readonly sets = new Map<string, Promise<JWTVerifyGetKey>>();

  constructor(private readonly sources: Readonly<Record<string, UserPoolKeySource>> = {}) {}

  /** Where `pool`'s keys are read from (for messages). */
  origin(pool: UserPool): string {
    const source = this.sources[pool.id];
    if (source === undefined) return `${pool.issuer}/.well-known/jwks.json`;
    return 'url' in source ? source.url : `restgate.config's userPools.${pool.id}.jwks`;
  }

  keysOf(pool: UserPool): Promise<JWTVerifyGetKey> {
    let set = this.sets.get(pool.id);
    if (set === undefined) {
      const source = this.sources[pool.id] ?? { url: `${pool.issuer}/.well-known/jwks.json` };
      set = loadJose().then((j) =>
        'url' in source
          ? j.createRemoteJWKSet(new URL(source.url), { cacheMaxAge: REMOTE_KEYS_MAX_AGE_MS, timeoutDuration: REMOTE_KEYS_TIMEOUT_MS })
          : j.createLocalJWKSet(source.jwks as Parameters<JoseModule['createLocalJWKSet']>[0]),
      );
      // A set that cannot be made (a malformed JWKS) is made again next time, and fails the same way.
      set.catch(() => this.sets.delete(pool.id));
      this.sets.set(pool.id, set);
    }
    return set;
  }
}

/** Checks a JSON Web Key Set's shape (at start, for a file): a `keys` list of objects. Returns the problem, if any. */
export function jwksProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'is not a JSON Web Key Set (an object with "keys")';
  const keys = (value as Record<string, unknown>)['keys'];
  if (!Array.isArray(keys) || !keys.every((k) => k !== null && typeof k === 'object' && !Array.isArray(k))) return 'has no "keys" list of JSON Web Keys';
  return undefined;
}

/** A token that passed verify(): its payload, and its claims as `$context.authorizer.claims` shows them. */
interface Verified {
  readonly payload: JWTPayload;
  readonly claims: Record<string, string>;
}

/** Verified tokens by authorizer and token. */
export class VerifiedTokens extends TtlCache<Verified> {}

const unauthorized = (detail: string) => new GatewayError('UNAUTHORIZED', 'Unauthorized', undefined, detail);

/**
 * Authorizes the request with `authorizer`'s user pools and `scopes` (the method's authorizationScopes)
 * and returns `$context.authorizer`: `{claims}`. Throws UNAUTHORIZED 401 for anything but a valid token.
 */
export async function authorizeWithUserPool(
  authorizer: UserPoolAuthorizer,
  scopes: readonly string[],
  ctx: RequestContext,
  keys: UserPoolKeys,
  cache: VerifiedTokens,
): Promise<Record<string, unknown>> {
  const source = authorizer.identitySources[0]!.expression;
  const value = lastHeaderValue(ctx.request.headers, source.slice(HEADER_SOURCE.length));
  if (value === undefined || value === '') throw unauthorized(`identity source ${source} is missing or empty`);
  // Clients send the token alone or after the OAuth "Bearer " scheme; both reach the pool's check (docs/fidelity.md).
  const token = /^bearer /i.test(value) ? value.slice(7).trim() : value;
  const key = JSON.stringify([authorizer.name, token]);
  const now = Date.now();
  let verified = authorizer.ttlSeconds > 0 ? cache.get(key, now) : undefined;
  if (verified === undefined) {
    const payload = await verify(authorizer, token, keys);
    verified = { payload, claims: restClaims(payload) };
    if (authorizer.ttlSeconds > 0) cache.set(key, verified, now + authorizer.ttlSeconds * 1000);
  } else if (typeof verified.payload.exp === 'number' && verified.payload.exp * 1000 <= now) {
    throw unauthorized('the token has expired');
  }
  const { payload, claims } = verified;
  checkUse(payload, scopes);
  if (authorizer.validation && !(typeof payload.aud === 'string' && authorizer.validation.test(payload.aud))) {
    throw unauthorized("the token's aud does not match identityValidationExpression");
  }
  // A copy: `$context.authorizer` is the request's to change (a template's $context), the cached claims are not.
  return { claims: { ...claims } };
}

/** The token's signature, expiry and issuer: the payload, or UNAUTHORIZED saying what failed. */
async function verify(authorizer: UserPoolAuthorizer, token: string, keys: UserPoolKeys): Promise<JWTPayload> {
  const j = await loadJose();
  let iss: unknown;
  try {
    iss = j.decodeJwt(token).iss;
  } catch {
    throw unauthorized('the token is not a JWT');
  }
  const pool = authorizer.userPools.find((p) => p.issuer === iss);
  if (pool === undefined) throw unauthorized(`the token's issuer ${JSON.stringify(iss)} is none of ${authorizer.name}'s providerARNs`);
  let keySet: JWTVerifyGetKey;
  try {
    keySet = await keys.keysOf(pool);
  } catch (err) {
    throw unauthorized(`the keys of user pool ${pool.id} (${keys.origin(pool)}) are unusable: ${(err as Error).message}`);
  }
  try {
    const { payload } = await j.jwtVerify(token, keySet, { issuer: pool.issuer, algorithms: ['RS256'], requiredClaims: ['exp'] });
    return payload;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === 'ERR_JWT_EXPIRED') throw unauthorized('the token has expired');
    if (e.code === 'ERR_JWKS_NO_MATCHING_KEY' || e.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
      throw unauthorized(`the token is not signed by a key of user pool ${pool.id} (${keys.origin(pool)})`);
    }
    if (e.code === 'ERR_JWKS_TIMEOUT' || e.code === 'ERR_JOSE_GENERIC' || e.code === undefined || e.code === 'ERR_JWKS_INVALID') {
      throw unauthorized(`the keys of user pool ${pool.id} could not be read from ${keys.origin(pool)}: ${e.message ?? String(err)}`);
    }
    throw unauthorized(`the token is invalid: ${e.message ?? String(err)}`);
  }
}

/** No scopes: an ID token. Scopes: an access token whose `scope` grants one of them (§12.4). */
function checkUse(payload: JWTPayload, scopes: readonly string[]): void {
  const use = payload['token_use'];
  if (scopes.length === 0) {
    if (use !== 'id') throw unauthorized(`the method has no authorization scopes, so it takes an ID token; this one is token_use ${JSON.stringify(use)}`);
    return;
  }
  if (use !== 'access') throw unauthorized(`the method has authorization scopes, so it takes an access token; this one is token_use ${JSON.stringify(use)}`);
  const granted = typeof payload['scope'] === 'string' ? payload['scope'].split(' ') : [];
  if (!scopes.some((s) => granted.includes(s))) throw unauthorized(`the token grants none of the method's scopes (${scopes.join(', ')})`);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** Seconds since the epoch as REST APIs show `exp` and `iat` (Java's Date format): `Mon Jul 15 21:49:52 UTC 2019`. */
export function claimDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${time} UTC ${d.getUTCFullYear()}`;
}

/**
 * The claims as a REST API's `$context.authorizer.claims` holds them: strings. Numbers and booleans
 * as text, `exp` and `iat` as dates, a list's items joined with commas, an object as its JSON.
 */
export function restClaims(payload: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(payload)) {
    if (typeof v === 'string') out[name] = v;
    else if ((name === 'exp' || name === 'iat') && typeof v === 'number') out[name] = claimDate(v);
    else if (Array.isArray(v)) out[name] = v.map((x: unknown) => (x !== null && typeof x === 'object' ? JSON.stringify(x) : String(x))).join(',');
    else if (v !== null && typeof v === 'object') out[name] = JSON.stringify(v);
    else out[name] = String(v);
  }
  return out;
}
