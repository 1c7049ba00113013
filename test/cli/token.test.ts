// `restgate token` (src/user-pool-token.ts): a token that a Cognito user pool authorizer configured with the
// key set it made accepts, end to end; the claims Cognito's ID and access tokens carry (Cognito Developer
// Guide, "Understanding the identity (ID) token" and "the access token").

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { startServer } from '../../src/server/index.js';
import { jwksFileFor, mintToken, parseClaims } from '../../src/user-pool-token.js';
import { rawRequest } from '../support/http.js';

const dir = mkdtempSync(join(tmpdir(), 'restgate-token-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const POOL = 'us-east-1_Pool1';
const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1';

/** Runs `restgate token ARGS`, returning its exit code, stdout and stderr. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await main(['token', ...args]), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('restgate token', () => {
  const keyFile = join(dir, 'restgate.signing-key.json');
  const jwksFile = join(dir, 'restgate.jwks.json');

  it('the first run makes the key (private, mode 600) and its key set, says where, and prints an ID token the key set verifies', async () => {
    const r = await run(['--pool', POOL, '--key', keyFile, '--claim', 'email=alice@example.com', '--claim', 'cognito:groups=["admin"]']);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `restgate: made a signing key (${keyFile}; keep it private) and its public key set (${jwksFile}): in restgate.config, "userPools": {"${POOL}": {"jwks": "${jwksFile}"}} (a path relative to the config)\n`,
    );
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const jwks = JSON.parse(readFileSync(jwksFile, 'utf8')) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys.map((k) => [k['kty'], k['alg'], k['use'], 'd' in k])).toEqual([['RSA', 'RS256', 'sig', false]]);
    const token = r.out.trim();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: jwks.keys[0]!['kid'] });
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks as never), { issuer: ISSUER });
    expect(Object.keys(payload)).toEqual(['sub', 'iss', 'auth_time', 'iat', 'exp', 'jti', 'origin_jti', 'event_id', 'aud', 'token_use', 'cognito:username', 'email', 'cognito:groups']);
    expect(payload).toMatchObject({ token_use: 'id', aud: 'restgate-client', 'cognito:username': 'restgate-user', email: 'alice@example.com', 'cognito:groups': ['admin'] });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('later runs reuse the key; --scope gives an access token; --expires its lifetime', async () => {
    const before = readFileSync(jwksFile, 'utf8');
    const r = await run(['--pool', POOL, '--key', keyFile, '--scope', 'api/read', '--scope', 'openid', '--expires', '60']);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(readFileSync(jwksFile, 'utf8')).toBe(before);
    const { payload } = await jwtVerify(r.out.trim(), createLocalJWKSet(JSON.parse(before) as never));
    expect(payload).toMatchObject({ token_use: 'access', scope: 'api/read openid', client_id: 'restgate-client', username: 'restgate-user' });
    expect(payload.exp! - payload.iat!).toBe(60);
  });

  it('bad arguments are clear errors', async () => {
    expect(await run([])).toEqual({ code: 2, out: '', err: 'restgate token: --pool POOL_ID is required\n' });
    await expect(run(['--pool', 'Pool1', '--key', keyFile])).rejects.toThrow('--pool expects a user pool id, REGION_ID (us-east-1_AbC123), got "Pool1"');
    await expect(run(['--pool', POOL, '--key', keyFile, '--expires', '0'])).rejects.toThrow('--expires expects a number of seconds, got "0"');
    await expect(run(['--pool', POOL, '--key', keyFile, '--claim', 'novalue'])).rejects.toThrow('--claim expects NAME=VALUE, got "novalue"');
    const notKey = join(dir, 'not-a-key.json');
    writeFileSync(notKey, '{"kty":"oct","k":"x"}');
    await expect(mintToken({ pool: POOL, keyFile: notKey, scopes: [], claims: {}, expiresIn: 60 })).rejects.toThrow(`${notKey} is not a private RSA JSON Web Key`);
  });

  it('the key set beside the key, and claims parsed as JSON where they are JSON', () => {
    expect(jwksFileFor('/a/restgate.signing-key.json')).toBe('/a/restgate.jwks.json');
    expect(jwksFileFor('/a/ci-key.json')).toBe('/a/ci-key.jwks.json');
    expect(parseClaims(['a=1', 'b=true', 'c=x y', 'd={"k":1}', 'e=a=b'])).toEqual({ a: 1, b: true, c: 'x y', d: { k: 1 }, e: 'a=b' });
  });

  it('a user pool authorizer configured with the key set accepts its tokens', async () => {
    const api = join(dir, 'api');
    const fixture = fileURLToPath(new URL('../gateway/fixtures/cognito/', import.meta.url));
    cpSync(join(fixture, 'openapi.json'), join(api, 'openapi.json'));
    cpSync(join(fixture, 'functions'), join(api, 'functions'), { recursive: true });
    writeFileSync(join(api, 'restgate.config.json'), JSON.stringify({ userPools: { [POOL]: { jwks: '../restgate.jwks.json' } } }));
    expect(existsSync(jwksFile)).toBe(true);
    const server = await startServer({ definition: join(api, 'openapi.json'), port: 0, host: '127.0.0.1', log: () => {} });
    try {
      const id = (await run(['--pool', POOL, '--key', keyFile, '--claim', 'email=bob@example.com'])).out.trim();
      const r = await rawRequest(`${server.url}/claims`, 'GET', { Authorization: `Bearer ${id}` });
      expect([r.status, (JSON.parse(r.body.toString('utf8')) as { authorizer: { claims: Record<string, string> } }).authorizer.claims['email']]).toEqual([200, 'bob@example.com']);
      const access = (await run(['--pool', POOL, '--key', keyFile, '--scope', 'api/read'])).out.trim();
      expect((await rawRequest(`${server.url}/scoped`, 'GET', { Authorization: access })).status).toBe(200);
      expect((await rawRequest(`${server.url}/claims`, 'GET', { Authorization: access })).status).toBe(401);
    } finally {
      await server.close();
    }
  });
});
