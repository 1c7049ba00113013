// HTTP and HTTP_PROXY integrations against a real local backend (§7.2–§7.6).
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from '../../src/integrations/http-client.js';
import { httpIntegration, remapResponseHeaders } from '../../src/integrations/http.js';
import { httpProxyIntegration, mergeProxyQuery } from '../../src/integrations/http-proxy.js';
import type { IntegrationDeps } from '../../src/integrations/types.js';
import { GatewayError, type EndpointResult, type IntegrationResult, type ProxyResult } from '../../src/pipeline/types.js';
import { type Backend, type BackendHandler, header, makeCtx, makeIntegration, makeIntegrationRequest, startBackend } from './fixtures.js';

let client: HttpClient;
let deps: IntegrationDeps;
const backends: Backend[] = [];

beforeAll(() => {
  client = createHttpClient();
  deps = { lambda: undefined as never, http: client };
});
afterAll(async () => {
  await client.close();
});
afterEach(async () => {
  while (backends.length) await backends.pop()!.close();
});

async function backend(handler: BackendHandler): Promise<Backend> {
  const b = await startBackend(handler);
  backends.push(b);
  return b;
}

function endpoint(r: IntegrationResult): EndpointResult {
  if (r.kind !== 'endpoint') throw new Error('expected endpoint result');
  return r;
}
function proxy(r: IntegrationResult): ProxyResult {
  if (r.kind !== 'proxy') throw new Error('expected proxy result');
  return r;
}
async function gatewayError(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error('expected a GatewayError');
}

describe('HTTP integration request (§7.3)', () => {
  it('sends mapped headers + API Gateway defaults, mapped query, body; integration httpMethod wins', async () => {
    const b = await backend((_req, res) => res.end('ok'));
    const integration = makeIntegration({ type: 'HTTP', httpMethod: 'PUT', uri: `${b.url}/items/42` });
    const ctx = makeCtx({
      method: 'POST',
      integration,
      headers: [
        ['Host', 'api.local:3000'],
        ['Content-Type', 'application/json; charset=utf-8'],
        ['X-Client-Only', 'not forwarded'],
      ],
    });
    const req = makeIntegrationRequest(integration, {
      body: '{"rendered":true}',
      headers: [
        ['X-Mapped', 'v1'],
        ['Via', 'dropped'],
        ['Expect', 'dropped'],
      ],
      querystring: [
        ['a b', 'c&d'],
        ['multi', '1'],
        ['multi', '2'],
      ],
    });
    const r = endpoint(await httpIntegration(req, ctx, deps));
    expect(r.statusCode).toBe(200);
    const seen = b.seen[0]!;
    expect(seen.method).toBe('PUT');
    expect(seen.url).toBe('/items/42?a%20b=c%26d&multi=1&multi=2');
    expect(seen.body.toString()).toBe('{"rendered":true}');
    const names = seen.headers.map(([k]) => k.toLowerCase());
    expect(names).not.toContain('x-client-only');
    expect(names).not.toContain('via');
    expect(names).not.toContain('expect');
    expect(header(seen.headers, 'X-Mapped')).toBe('v1');
    expect(header(seen.headers, 'Accept')).toBe('application/json');
    expect(header(seen.headers, 'User-Agent')).toBe('AmazonAPIGateway_abc123defg');
    expect(header(seen.headers, 'Content-Type')).toBe('application/json; charset=utf-8');
    expect(header(seen.headers, 'X-Amzn-Apigateway-Api-Id')).toBe('abc123defg');
    expect(header(seen.headers, 'X-Amzn-Trace-Id')).toMatch(/^Root=1-6553f100-[0-9a-f]{24}$/);
    expect(header(seen.headers, 'Content-Length')).toBe('17');
  });

  it('httpMethod ANY/unset → client method; no body for GET/HEAD/OPTIONS (§7.2, §7.3 [LS-http])', async () => {
    const b = await backend((_req, res) => res.end());
    for (const method of ['GET', 'OPTIONS', 'HEAD']) {
      const integration = makeIntegration({ type: 'HTTP', httpMethod: method === 'GET' ? 'ANY' : undefined, uri: `${b.url}/m` });
      const ctx = makeCtx({ method, integration, headers: [['Content-Type', 'text/plain']] });
      await httpIntegration(makeIntegrationRequest(integration, { body: 'ignored' }), ctx, deps);
    }
    expect(b.seen.map((s) => [s.method, s.body.length, header(s.headers, 'Content-Type') ?? null])).toEqual([
      ['GET', 0, null],
      ['OPTIONS', 0, null],
      ['HEAD', 0, null],
    ]);
  });

  it('mapped Accept / User-Agent replace the defaults', async () => {
    const b = await backend((_req, res) => res.end());
    const integration = makeIntegration({ type: 'HTTP', uri: `${b.url}/` });
    await httpIntegration(
      makeIntegrationRequest(integration, { headers: [['accept', 'text/xml'], ['User-Agent', 'mine']] }),
      makeCtx({ integration }),
      deps,
    );
    const h = b.seen[0]!.headers;
    expect(h.filter(([k]) => k.toLowerCase() === 'accept')).toEqual([['accept', 'text/xml']]);
    expect(header(h, 'user-agent')).toBe('mine');
  });
});

describe('HTTP integration response (§3.1, §7.3)', () => {
  it.each([
    [200, 'two'],
    [302, 'three'],
    [404, 'four'],
    [503, 'five'],
  ])('status %i passes with its body, raw headers and selection input = status string', async (status, body) => {
    const b = await backend((_req, res) => {
      res.writeHead(status, [
        ['X-Backend-Case', 'Kept'],
        ['Location', '/elsewhere'],
        ['Content-Type', 'text/plain'],
      ]);
      res.end(body);
    });
    const integration = makeIntegration({ type: 'HTTP', uri: `${b.url}/s` });
    const r = endpoint(await httpIntegration(makeIntegrationRequest(integration), makeCtx({ integration }), deps));
    expect([r.statusCode, r.selectionInput, r.body.toString(), r.contentType]).toEqual([status, String(status), body, 'text/plain']);
    expect(r.headers).toContainEqual(['X-Backend-Case', 'Kept']);
    expect(r.headers).toContainEqual(['Location', '/elsewhere']);
    expect(b.seen).toHaveLength(1); // 302 not followed
  });

  it('gzip-encoded backend bodies are decoded', async () => {
    const b = await backend((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Type': 'application/json' });
      res.end(gzipSync('{"zipped":true}'));
    });
    const integration = makeIntegration({ type: 'HTTP', uri: `${b.url}/z` });
    const r = endpoint(await httpIntegration(makeIntegrationRequest(integration), makeCtx({ integration }), deps));
    expect(r.body.toString()).toBe('{"zipped":true}');
  });
});

describe('connection handling and failures (§7.3, §7.6)', () => {
  it('reuses one keep-alive connection for sequential requests', async () => {
    const b = await backend((_req, res) => res.end('x'));
    const integration = makeIntegration({ type: 'HTTP', uri: `${b.url}/k` });
    for (let i = 0; i < 5; i++) await httpIntegration(makeIntegrationRequest(integration), makeCtx({ integration }), deps);
    expect(b.seen).toHaveLength(5);
    expect(b.connections).toBe(1);
    expect(new Set(b.seen.map((s) => s.connection))).toEqual(new Set([1]));
  });

  it('backend slower than timeoutInMillis → INTEGRATION_TIMEOUT "Endpoint request timed out" (§7.6)', async () => {
    const b = await backend((_req, res) => {
      setTimeout(() => res.end('late'), 2_000).unref();
    });
    const integration = makeIntegration({ type: 'HTTP', uri: `${b.url}/slow`, timeoutInMillis: 100 });
    const err = await gatewayError(httpIntegration(makeIntegrationRequest(integration), makeCtx({ integration }), deps));
    expect([err.type, err.message, err.statusCode]).toEqual(['INTEGRATION_TIMEOUT', 'Endpoint request timed out', undefined]);
  });

  it('headers sent but body stalls past the timeout → INTEGRATION_TIMEOUT', async () => {
    const b = await backend((_req, res) => {
      res.writeHead(200, { 'Content-Length': '10' });
      res.write('abc');
    });
    const integration = makeIntegration({ type: 'HTTP_PROXY', uri: `${b.url}/stall`, timeoutInMillis: 100 });
    const err = await gatewayError(httpProxyIntegration(makeIntegrationRequest(integration), makeCtx({ integration }), deps));
    expect(err.type).toBe('INTEGRATION_TIMEOUT');
  });

  it('connection refused → 500 API_CONFIGURATION_ERROR "Internal server error" (§7.3 [LS-http])', async () => {
    const b = await startBackend((_req, res) => res.end());
    const url = b.url;
    await b.close();
    const integration = makeIntegration({ type: 'HTTP', uri: `${url}/gone` });
    const err = await gatewayError(httpIntegration(makeIntegrationRequest(integration), makeCtx({ integration }), deps));
    expect([err.type, err.message]).toEqual(['API_CONFIGURATION_ERROR', 'Internal server error']);
  });

  it('invalid endpoint (bad scheme, unparsable, missing uri) → API_CONFIGURATION_ERROR (§7.3)', async () => {
    for (const uri of ['ftp://example.com/x', 'not a url', undefined]) {
      const integration = makeIntegration({ type: 'HTTP', uri });
      const err = await gatewayError(httpIntegration(makeIntegrationRequest(integration), makeCtx({ integration }), deps));
      expect([err.type, err.message]).toEqual(['API_CONFIGURATION_ERROR', 'Internal server error']);
    }
  });

  it('socket destroyed mid-response → INTEGRATION_FAILURE "Network error communicating with endpoint" (§7.3)', async () => {
    const b = await backend((_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const integration = makeIntegration({ type: 'HTTP', uri: `${b.url}/reset` });
    const err = await gatewayError(httpIntegration(makeIntegrationRequest(integration), makeCtx({ integration }), deps));
    expect([err.type, err.message, err.statusCode]).toEqual(['INTEGRATION_FAILURE', 'Network error communicating with endpoint', undefined]);
  });

  it('socket destroyed before any response → INTEGRATION_FAILURE', async () => {
    const b = await backend((req) => req.socket.destroy());
    const integration = makeIntegration({ type: 'HTTP', httpMethod: 'POST', uri: `${b.url}/reset` });
    const err = await gatewayError(httpIntegration(makeIntegrationRequest(integration, { body: 'x' }), makeCtx({ integration, method: 'POST' }), deps));
    expect(err.type).toBe('INTEGRATION_FAILURE');
  });

  it('a header value the wire cannot carry (newline) → API_CONFIGURATION_ERROR, never a crash', async () => {
    const b = await backend((_req, res) => res.end());
    const integration = makeIntegration({ type: 'HTTP', uri: `${b.url}/h` });
    const err = await gatewayError(
      httpIntegration(makeIntegrationRequest(integration, { headers: [['X-Bad', 'a\nb']] }), makeCtx({ integration }), deps),
    );
    expect([err.type, err.message]).toEqual(['API_CONFIGURATION_ERROR', 'Internal server error']);
    expect(b.seen).toHaveLength(0);
  });

  it('missing http client in deps → clear API_CONFIGURATION_ERROR, no crash', async () => {
    const integration = makeIntegration({ type: 'HTTP', uri: 'http://127.0.0.1:9/x' });
    const err = await gatewayError(httpIntegration(makeIntegrationRequest(integration), makeCtx({ integration }), { lambda: undefined as never }));
    expect(err.type).toBe('API_CONFIGURATION_ERROR');
    expect(err.detail).toMatch(/IntegrationDeps\.http/);
  });
});

describe('HTTP_PROXY (§7.4)', () => {
  it('forwards client method, headers (minus Host, Content-Encoding, hop-by-hop), merged query and body; mappings merged', async () => {
    const b = await backend((_req, res) => res.end());
    const integration = makeIntegration({ type: 'HTTP_PROXY', uri: `${b.url}/base/{proxy}` });
    const ctx = makeCtx({
      method: 'PATCH',
      integration,
      sourceIp: '10.9.8.7',
      headers: [
        ['Host', 'api.local:4010'],
        ['Content-Type', 'text/plain'],
        ['Content-Encoding', 'gzip'],
        ['Connection', 'keep-alive'],
        ['Authorization', 'Bearer t'],
        ['X-Dup', 'one'],
        ['X-Dup', 'two'],
        ['X-Override', 'client'],
      ],
      query: [
        ['q', '1'],
        ['q', '2'],
        ['z', 'é'],
      ],
      body: 'payload',
    });
    const req = makeIntegrationRequest(integration, {
      uri: `${b.url}/base/a/b`,
      body: 'payload',
      headers: [['x-override', 'mapped']],
      querystring: [
        ['q', '3'],
        ['extra', 'x'],
      ],
    });
    await httpProxyIntegration(req, ctx, deps);
    const seen = b.seen[0]!;
    expect(seen.method).toBe('PATCH');
    expect(seen.url).toBe('/base/a/b?q=1&q=2&q=3&z=%C3%A9&extra=x');
    expect(seen.body.toString()).toBe('payload');
    expect(header(seen.headers, 'Host')).toBe(`127.0.0.1:${b.port}`);
    expect(header(seen.headers, 'Content-Encoding')).toBeUndefined();
    expect(header(seen.headers, 'Authorization')).toBe('Bearer t');
    expect(seen.headers.filter(([k]) => k === 'X-Dup')).toEqual([
      ['X-Dup', 'one'],
      ['X-Dup', 'two'],
    ]);
    expect(seen.headers.filter(([k]) => k.toLowerCase() === 'x-override')).toEqual([['x-override', 'mapped']]);
    expect(header(seen.headers, 'X-Forwarded-For')).toBe('10.9.8.7');
    expect(header(seen.headers, 'X-Forwarded-Port')).toBe('4010');
    expect(header(seen.headers, 'X-Forwarded-Proto')).toBe('http');
    expect(header(seen.headers, 'User-Agent')).toBe('AmazonAPIGateway_abc123defg');
    expect(header(seen.headers, 'Content-Type')).toBe('text/plain');
  });

  it('returns backend status, headers and body as-is, dropping/remapping per §7.4 [LS-mresp]', async () => {
    const b = await backend((_req, res) => {
      res.writeHead(418, [
        ['Content-Type', 'application/xml'],
        ['X-Custom', 'A'],
        ['X-Custom', 'B'],
        ['Server', 'backend/1.0'],
        ['Via', '1.1 proxy'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
        ['Content-Encoding', 'gzip'],
      ]);
      res.end(gzipSync('<teapot/>'));
    });
    const integration = makeIntegration({ type: 'HTTP_PROXY', uri: `${b.url}/t` });
    const r = proxy(await httpProxyIntegration(makeIntegrationRequest(integration), makeCtx({ integration }), deps));
    expect(r.response.statusCode).toBe(418);
    expect(r.response.body.toString()).toBe('<teapot/>');
    const names = r.response.headers.map(([k]) => k);
    expect(names).not.toContain('Via');
    expect(names).not.toContain('Content-Encoding');
    expect(names).not.toContain('Server');
    expect(names).not.toContain('Date');
    expect(names).not.toContain('Connection');
    expect(r.response.headers).toContainEqual(['x-amzn-Remapped-Server', 'backend/1.0']);
    expect(r.response.headers.filter(([k]) => k === 'x-amzn-Remapped-Date')).toHaveLength(1);
    expect(r.response.headers).toContainEqual(['x-amzn-Remapped-Connection', 'keep-alive']);
    expect(r.response.headers.filter(([k]) => k === 'X-Custom' || k === 'Set-Cookie')).toEqual([
      ['X-Custom', 'A'],
      ['X-Custom', 'B'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ]);
    expect(r.response.headers).toContainEqual(['Content-Type', 'application/xml']);
  });

  it('redirects are returned, not followed', async () => {
    const b = await backend((_req, res) => {
      res.writeHead(301, { Location: '/new' });
      res.end();
    });
    const integration = makeIntegration({ type: 'HTTP_PROXY', uri: `${b.url}/old` });
    const r = proxy(await httpProxyIntegration(makeIntegrationRequest(integration), makeCtx({ integration }), deps));
    expect([r.response.statusCode, header(r.response.headers, 'location')]).toEqual([301, '/new']);
    expect(b.seen).toHaveLength(1);
  });
});

describe('remapResponseHeaders (§7.5)', () => {
  it('non-proxy remaps the long list, keeps order and other headers', () => {
    expect(
      remapResponseHeaders(
        [
          ['date', 'd'],
          ['X-A', '1'],
          ['www-authenticate', 'Basic'],
          ['User-Agent', 'u'],
          ['Transfer-Encoding', 'chunked'],
          ['Content-Encoding', 'gzip'],
        ],
        'HTTP',
      ),
    ).toEqual([
      ['x-amzn-Remapped-Date', 'd'],
      ['X-A', '1'],
      ['x-amzn-Remapped-WWW-Authenticate', 'Basic'],
      ['x-amzn-Remapped-User-Agent', 'u'],
      ['Content-Encoding', 'gzip'],
    ]);
  });
  it('HTTP_PROXY remaps only Connection, Content-Length, Date, Server', () => {
    expect(
      remapResponseHeaders(
        [
          ['WWW-Authenticate', 'Basic'],
          ['Content-Length', '3'],
        ],
        'HTTP_PROXY',
      ),
    ).toEqual([
      ['WWW-Authenticate', 'Basic'],
      ['x-amzn-Remapped-Content-Length', '3'],
    ]);
  });
});

describe('mergeProxyQuery (§7.4 [LS-iq])', () => {
  it('appends mapped values to the client group of the same name', () => {
    expect(
      mergeProxyQuery(
        [
          ['a', '1'],
          ['b', '2'],
          ['a', '3'],
        ],
        [
          ['b', 'm'],
          ['c', 'n'],
        ],
      ),
    ).toEqual([
      ['a', '1'],
      ['a', '3'],
      ['b', '2'],
      ['b', 'm'],
      ['c', 'n'],
    ]);
  });
});
