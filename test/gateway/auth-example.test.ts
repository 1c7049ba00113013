// examples/auth-api over HTTP: the answers its README shows, exactly (§11, §12; docs/fidelity.md "Authorizers", "API keys").
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mintToken } from '../../src/user-pool-token.js';
import { serveForTests } from '../support/http.js';

const definition = fileURLToPath(new URL('../../examples/auth-api/openapi.yaml', import.meta.url));
const { call } = serveForTests(definition);
const answer = async (path: string, headers: Record<string, string> = {}) => {
  const r = await call('GET', path, headers);
  return [r.status, r.body.toString('utf8')];
};

describe('examples/auth-api', () => {
  it('GET /orders: no token 401; a user allowed, with the authorizer principal and context; blocked 403; anything else 401', async () => {
    expect(await answer('/orders')).toEqual([401, '{"message":"Unauthorized"}']);
    expect(await answer('/orders', { Authorization: 'Bearer user-ann' })).toEqual([200, '{"user":"ann","plan":"free"}']);
    expect(await answer('/orders', { Authorization: 'Bearer blocked-bob' })).toEqual([403, '{"Message":"User is not authorized to access this resource with an explicit deny"}']);
    expect(await answer('/orders', { Authorization: 'Bearer nobody' })).toEqual([401, '{"message":"Unauthorized"}']);
  });

  it('GET /reports: no key 403 Forbidden; the configured key is served, its id in the request context', async () => {
    expect(await answer('/reports')).toEqual([403, '{"message":"Forbidden"}']);
    expect(await answer('/reports', { 'x-api-key': 'reports-key-0123456789' })).toEqual([200, '{"apiKeyId":"rk1"}']);
  });

  it('GET /profile: a token `restgate token` signed with the example key is served, its claims as strings; tampered 401', async () => {
    const { token } = await mintToken({
      pool: 'us-east-1_Example1',
      keyFile: fileURLToPath(new URL('../../examples/auth-api/example.signing-key.json', import.meta.url)),
      scopes: [],
      claims: { email: 'ann@example.com', 'cognito:groups': ['admin', 'ops'] },
      expiresIn: 3600,
    });
    expect(await answer('/profile', { Authorization: `Bearer ${token}` })).toEqual([200, '{"email":"ann@example.com","groups":"admin,ops"}']);
    expect(await answer('/profile', { Authorization: `Bearer ${token}-tampered` })).toEqual([401, '{"message":"Unauthorized"}']);
    expect(await answer('/profile')).toEqual([401, '{"message":"Unauthorized"}']);
  });
});
