// Cognito user pool authorizers over HTTP (§12.4; src/pipeline/user-pool.ts). Sources:
// - KC api-gateway-cognito-401-unauthorized: a token must be unexpired, signed by and issued for the
//   pool the authorizer names; without scopes on the method an ID token, with scopes an access token.
// - nx-plugin-for-aws#828 (an end-to-end test on AWS, OBS): a method without scopes refuses an access token.
// - serverless-patterns#2254 (a captured answer, OBS): the refusal is 401, content-length 26 ({"message":"Unauthorized"}),
//   x-amzn-ErrorType UnauthorizedException.
// - re:Post QUGzY5WYQBRx and QU-Z-UYrX_S6 (OBS): identityValidationExpression is matched against the token's aud.
// - Captured REST proxy events (OBS, docs/fidelity.md "Authorizers"): requestContext.authorizer is {claims}, every
//   claim a string: auth_time "1562705770", email_verified "true", exp and iat as "Mon Jul 15 21:49:52 UTC 2019".

import { mkdtempSync, cpSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPair, importJWK, SignJWT, type JWTPayload } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.js';
import { rawRequest, serveForTests, type RawAnswer } from '../support/http.js';

const fixture = fileURLToPath(new URL('./fixtures/cognito/', import.meta.url));
const { call } = serveForTests(join(fixture, 'openapi.json'));

const POOL1 = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1';
const POOL2 = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool2';
const signingKey = JSON.parse(readFileSync(join(fixture, 'test-signing-key.json'), 'utf8')) as { kid: string };
const now = () => Math.floor(Date.now() / 1000);

type SigningKey = Parameters<SignJWT['sign']>[0];
/** A token signed with `key` (default: the fixture pools' key), as Cognito issues them. */
async function token(claims: JWTPayload, key?: SigningKey, kid = signingKey.kid): Promise<string> {
  const k = key ?? (await importJWK(signingKey, 'RS256'));
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(k);
}
const idToken = (extra: JWTPayload = {}) =>
  token({
    sub: 'u-1',
    'cognito:groups': ['admin', 'editors'],
    email_verified: true,
    iss: POOL1,
    'cognito:username': 'alice',
    aud: 'client-good',
    token_use: 'id',
    auth_time: 1562705770,
    exp: now() + 3600,
    iat: 1563223792,
    email: 'alice@example.com',
    ...extra,
  });
const accessToken = (scope: string, extra: JWTPayload = {}) =>
  token({ sub: 'u-1', iss: POOL1, client_id: 'client-good', token_use: 'access', scope, exp: now() + 3600, iat: now(), username: 'alice', ...extra });

const claimsOf = (r: RawAnswer) => (JSON.parse(r.body.toString('utf8')) as { authorizer: { claims: Record<string, string> } }).authorizer.claims;
const refusal = (r: RawAnswer) => [r.status, r.body.toString('utf8'), r.headers['x-amzn-errortype'], r.headers['content-type'], r.headers['content-length']];
const UNAUTHORIZED = [401, '{"message":"Unauthorized"}', 'UnauthorizedException', 'application/json', '26'];

describe('Cognito user pool authorizer', () => {
  it('a valid ID token: the request goes on; requestContext.authorizer is {claims}, every claim a string as REST APIs give them', async () => {
    const r = await call('GET', '/claims', { Authorization: await idToken({ exp: 4102444800 }) });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString('utf8'))).toEqual({
      authorizer: {
        claims: {
          sub: 'u-1',
          'cognito:groups': 'admin,editors',
          email_verified: 'true',
          iss: POOL1,
          'cognito:username': 'alice',
          aud: 'client-good',
          token_use: 'id',
          auth_time: '1562705770',
          exp: 'Fri Jan 01 00:00:00 UTC 2100',
          iat: 'Mon Jul 15 20:49:52 UTC 2019',
          email: 'alice@example.com',
        },
      },
    });
  });

  it('the token alone or after "Bearer ", in a header of any case; a token of any pool the authorizer names', async () => {
    const t = await idToken();
    expect((await call('GET', '/claims', { Authorization: `Bearer ${t}` })).status).toBe(200);
    expect((await call('GET', '/claims', { authorization: t })).status).toBe(200);
    const second = await call('GET', '/claims', { Authorization: await idToken({ iss: POOL2 }) });
    expect([second.status, claimsOf(second)['iss']]).toEqual([200, POOL2]);
  });

  it('no token, an empty one, not a JWT, another issuer, another key, expired: 401 Unauthorized', async () => {
    const other = (await generateKeyPair('RS256')).privateKey;
    const refused = [
      await call('GET', '/claims'),
      await call('GET', '/claims', { Authorization: '' }),
      await call('GET', '/claims', { Authorization: 'not-a-jwt' }),
      await call('GET', '/claims', { Authorization: await idToken({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' }) }),
      await call('GET', '/claims', { Authorization: await token({ iss: POOL1, token_use: 'id', exp: now() + 60 }, other) }),
      await call('GET', '/claims', { Authorization: await token({ iss: POOL1, token_use: 'id', exp: now() + 60 }, other, 'unknown-kid') }),
      await call('GET', '/claims', { Authorization: await idToken({ exp: now() - 1 }) }),
      await call('GET', '/claims', { Authorization: `${await idToken()}x` }),
    ];
    for (const r of refused) expect(refusal(r)).toEqual(UNAUTHORIZED);
  });

  it('a method without scopes takes an ID token only: an access token is refused', async () => {
    expect(refusal(await call('GET', '/claims', { Authorization: await accessToken('api/read') }))).toEqual(UNAUTHORIZED);
  });

  it('a method with scopes takes an access token granting one of them; an ID token or other scopes are refused', async () => {
    const ok = await call('GET', '/scoped', { Authorization: await accessToken('openid api/admin') });
    expect([ok.status, claimsOf(ok)['scope'], claimsOf(ok)['token_use']]).toEqual([200, 'openid api/admin', 'access']);
    expect(refusal(await call('GET', '/scoped', { Authorization: await accessToken('openid api/write') }))).toEqual(UNAUTHORIZED);
    expect(refusal(await call('GET', '/scoped', { Authorization: await idToken() }))).toEqual(UNAUTHORIZED);
  });

  it("identityValidationExpression is matched against the token's aud, whole", async () => {
    expect((await call('GET', '/aud', { Authorization: await idToken({ aud: 'client-fine' }) })).status).toBe(200);
    expect(refusal(await call('GET', '/aud', { Authorization: await idToken({ aud: 'client-other' }) }))).toEqual(UNAUTHORIZED);
    expect(refusal(await call('GET', '/aud', { Authorization: await idToken({ aud: 'xclient-good' }) }))).toEqual(UNAUTHORIZED);
  });

  it('the identity source names the header; with TTL 0 each request is checked again', async () => {
    const t = await idToken();
    expect(refusal(await call('GET', '/fresh', { Authorization: t }))).toEqual(UNAUTHORIZED);
    expect((await call('GET', '/fresh', { 'X-Id-Token': t })).status).toBe(200);
  });

  it('a cached token is still refused once it expires', async () => {
    const t = await idToken({ exp: now() + 2 });
    expect((await call('GET', '/claims', { Authorization: t })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100));
    expect(refusal(await call('GET', '/claims', { Authorization: t }))).toEqual(UNAUTHORIZED);
  });

  it("a mapping template reads $context.authorizer.claims.<name> and claims['cognito:username']; there is no principalId", async () => {
    const r = await call('GET', '/template', { Authorization: await idToken(), Accept: 'application/json' });
    expect(r.status).toBe(200);
    expect(r.body.toString('utf8')).toBe('{"email": "alice@example.com", "username": "alice", "groups": "admin,editors", "principal": ""}');
  });
});

describe("a user pool's keys from a URL (restgate.config userPools.<id>.jwks)", () => {
  const dirs: string[] = [];
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) await new Promise((r) => s.close(r));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** The fixture API in a directory of its own, its config pointing the first pool at `jwks`. */
  async function serveWith(jwks: string) {
    const dir = mkdtempSync(join(tmpdir(), 'restgate-cognito-'));
    dirs.push(dir);
    cpSync(join(fixture, 'openapi.json'), join(dir, 'openapi.json'));
    cpSync(join(fixture, 'functions'), join(dir, 'functions'), { recursive: true });
    writeFileSync(join(dir, 'restgate.config.json'), JSON.stringify({ userPools: { 'us-east-1_Pool1': { jwks } } }));
    const lines: string[] = [];
    const server = await startServer({ definition: join(dir, 'openapi.json'), port: 0, host: '127.0.0.1', log: (l) => lines.push(l) });
    return { server, lines };
  }

  it('a pool the config does not list is named at start, with where its keys will come from', async () => {
    const { server, lines } = await serveWith('http://127.0.0.1:9/jwks.json');
    await server.close();
    expect(lines).toContain(
      'restgate: user pool eu-west-1_Pool2 is not in restgate.config\'s userPools: tokens are checked against its public keys, fetched from https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool2/.well-known/jwks.json on first use (for tests without Cognito: restgate token --pool eu-west-1_Pool2)',
    );
    expect(lines.some((l) => l.includes('us-east-1_Pool1 is not in'))).toBe(false);
  });

  it('fetched when a token needs them; unreachable keys refuse the token (401) and the log says why', async () => {
    let fetched = 0;
    const keysServer = createServer((_req, res) => {
      fetched++;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(readFileSync(join(fixture, 'jwks.json')));
    });
    servers.push(keysServer);
    await new Promise<void>((r) => keysServer.listen(0, '127.0.0.1', r));
    const { port } = keysServer.address() as AddressInfo;
    const { server } = await serveWith(`http://127.0.0.1:${port}/jwks.json`);
    try {
      const r = await rawRequest(`${server.url}/claims`, 'GET', { Authorization: await idToken() });
      expect([r.status, claimsOf(r)['cognito:username'], fetched]).toEqual([200, 'alice', 1]);
    } finally {
      await server.close();
    }

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const gone = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const down = await serveWith(`http://127.0.0.1:${gone}/jwks.json`);
    try {
      const r = await rawRequest(`${down.server.url}/claims`, 'GET', { Authorization: await idToken() });
      expect(refusal(r)).toEqual(UNAUTHORIZED);
      expect(down.lines.some((l) => l.includes(`UNAUTHORIZED: the keys of user pool us-east-1_Pool1 could not be read from http://127.0.0.1:${gone}/jwks.json`))).toBe(true);
    } finally {
      await down.server.close();
    }
  });
});
