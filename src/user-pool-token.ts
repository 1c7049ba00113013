// `restgate token`: a token for a Cognito user pool authorizer, signed with a local key, so that
// methods behind a user pool can be called in tests and CI without Cognito. The key is made on first
// use: a private JWK (keep it out of version control) and its public JSON Web Key Set, which
// restgate.config's `userPools.<pool id>.jwks` names. The claims are those Cognito puts in its ID
// and access tokens (Cognito Developer Guide, "Understanding the ID token" / "the access token").

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

export interface TokenOptions {
  /** The user pool id, REGION_ID. */
  readonly pool: string;
  /** The private key file (made with its JWKS beside it when missing). */
  readonly keyFile: string;
  /** Scopes: an access token granting them; none: an ID token. */
  readonly scopes: readonly string[];
  /** Claims added or replaced (values parsed as JSON where they are JSON). */
  readonly claims: Readonly<Record<string, unknown>>;
  /** Seconds until it expires. */
  readonly expiresIn: number;
  readonly now?: number;
}

export interface Token {
  readonly token: string;
  /** Set when the key was made now: where its public key set was written. */
  readonly madeJwks: string | undefined;
}

const POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9a-zA-Z]+$/;

/** The JWKS file beside a key file: `x.signing-key.json` → `x.jwks.json`, else `<name>.jwks.json`. */
export function jwksFileFor(keyFile: string): string {
  const name = basename(keyFile).replace(/\.signing-key\.json$|\.json$/, '');
  return join(dirname(keyFile), `${name}.jwks.json`);
}

export async function mintToken(o: TokenOptions): Promise<Token> {
  const region = POOL_ID.exec(o.pool)?.[1];
  if (region === undefined) throw new Error(`--pool expects a user pool id, REGION_ID (us-east-1_AbC123), got "${o.pool}"`);
  const jose = await import('jose');
  let madeJwks: string | undefined;
  if (!existsSync(o.keyFile)) {
    const { publicKey, privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
    const kid = randomUUID();
    await writeFile(o.keyFile, `${JSON.stringify({ ...(await jose.exportJWK(privateKey)), kid, alg: 'RS256' }, null, 2)}\n`, { mode: 0o600 });
    madeJwks = jwksFileFor(o.keyFile);
    await writeFile(madeJwks, `${JSON.stringify({ keys: [{ ...(await jose.exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] }, null, 2)}\n`);
  }
  const jwk = JSON.parse(await readFile(o.keyFile, 'utf8')) as { kid?: string; kty?: string; d?: string };
  if (jwk.kty !== 'RSA' || jwk.d === undefined) throw new Error(`${o.keyFile} is not a private RSA JSON Web Key`);
  const key = await jose.importJWK(jwk, 'RS256');
  const now = Math.floor((o.now ?? Date.now()) / 1000);
  const issuer = `https://cognito-idp.${region}.amazonaws.com/${o.pool}`;
  const sub = typeof o.claims['sub'] === 'string' ? o.claims['sub'] : randomUUID();
  const common = { sub, iss: issuer, auth_time: now, iat: now, exp: now + o.expiresIn, jti: randomUUID(), origin_jti: randomUUID(), event_id: randomUUID() };
  const base =
    o.scopes.length === 0
      ? { ...common, aud: 'restgate-client', token_use: 'id', 'cognito:username': 'restgate-user' }
      : { ...common, client_id: 'restgate-client', token_use: 'access', scope: o.scopes.join(' '), username: 'restgate-user' };
  const token = await new jose.SignJWT({ ...base, ...o.claims }).setProtectedHeader({ alg: 'RS256', kid: jwk.kid ?? '' }).sign(key);
  return { token, madeJwks };
}

/** `NAME=VALUE` pairs as claims; a value that is JSON (`true`, `42`, `["a"]`) is that value. */
export function parseClaims(items: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`--claim expects NAME=VALUE, got "${item}"`);
    const raw = item.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    out[item.slice(0, eq)] = value;
  }
  return out;
}
