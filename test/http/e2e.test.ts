// HTTP, HTTP_PROXY and MOCK integrations end to end through startServer, with a
// real local backend (§3.1, §3.4, §3.5, §4.4, §7.1–§7.7, §9.1).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { type Backend, header, startBackend } from './fixtures.js';

let backend: Backend;
let refusedPort: number;
let server: RunningServer;
let dir: string;
const clientAgent = new Agent({ keepAlive: false });

const J = 'application/json';

function http(uri: string, extra: Record<string, unknown> = {}) {
  return { type: 'http', uri, httpMethod: 'GET', ...extra };
}

function definition() {
  const str = { schema: { type: 'string' } };
  const ok200 = { '200': { description: 'ok', headers: { 'X-Backend': str, 'X-Name': str, 'X-Static': str } } };
  const statusResponses = {
    '2\\d{2}': {
      statusCode: '200',
      responseParameters: {
        'method.response.header.X-Backend': 'integration.response.header.X-Backend',
        'method.response.header.X-Name': 'integration.response.body.name',
        'method.response.header.X-Static': "'fixed'",
      },
    },
    '3\\d{2}': { statusCode: '302', responseParameters: { 'method.response.header.Location': 'integration.response.header.Location' }, responseTemplates: { [J]: '' } },
    '4\\d{2}': { statusCode: '404', responseTemplates: { [J]: '{"error":"not found","status":"$input.path(\'$.status\')"}' } },
    default: { statusCode: '500', responseTemplates: { [J]: '{"error":"backend failed"}' } },
  };
  return {
    openapi: '3.0.1',
    info: { title: 'http-e2e', version: '1' },
    servers: [{ url: 'https://x.execute-api.us-east-1.amazonaws.com/{basePath}', variables: { basePath: { default: 'dev' } } }],
    paths: {
      '/items/{id}': {
        get: {
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'X-Tag', in: 'header', schema: { type: 'string' } },
            { name: 'q', in: 'query', schema: { type: 'string' } },
          ],
          responses: { ...ok200, '302': { description: 'r', headers: { Location: str } }, '404': { description: 'nf' }, '500': { description: 'err' } },
          'x-amazon-apigateway-integration': http('http://${stageVariables.backend}/items/{itemId}', {
            requestParameters: {
              'integration.request.path.itemId': 'method.request.path.id',
              'integration.request.querystring.tag': 'method.request.header.X-Tag',
              'integration.request.querystring.all': 'method.request.multivaluequerystring.q',
              'integration.request.header.X-Request-Id': 'context.requestId',
              'integration.request.header.X-Stage-Var': 'stageVariables.flavour',
              'integration.request.header.X-Static': "'static-value'",
            },
            responses: statusResponses,
          }),
        },
      },
      '/create': {
        post: {
          responses: ok200,
          'x-amazon-apigateway-integration': http('http://${stageVariables.backend}/create', {
            httpMethod: 'POST',
            requestParameters: { 'integration.request.header.X-User': 'method.request.body.user.name' },
            requestTemplates: { [J]: '{"wrapped":$input.json(\'$\')}' },
            responses: { default: { statusCode: '200' } },
          }),
        },
      },
      '/slow': {
        get: { responses: ok200, 'x-amazon-apigateway-integration': http('http://${stageVariables.backend}/slow', { timeoutInMillis: 100, responses: { default: { statusCode: '200' } } }) },
      },
      '/refused': {
        get: { responses: ok200, 'x-amazon-apigateway-integration': http(`http://127.0.0.1:${refusedPort}/x`, { responses: { default: { statusCode: '200' } } }) },
      },
      '/reset': {
        get: { responses: ok200, 'x-amazon-apigateway-integration': http('http://${stageVariables.backend}/reset', { responses: { default: { statusCode: '200' } } }) },
      },
      '/proxy/{proxy+}': {
        'x-amazon-apigateway-any-method': {
          parameters: [{ name: 'proxy', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {},
          'x-amazon-apigateway-integration': {
            type: 'http_proxy',
            httpMethod: 'ANY',
            uri: 'http://${stageVariables.backend}/p/{proxy}',
            requestParameters: {
              'integration.request.path.proxy': 'method.request.path.proxy',
              'integration.request.header.X-Mapped': "'yes'",
              'integration.request.querystring.added': "'1'",
            },
          },
        },
      },
      '/mock-cdk': {
        options: {
          responses: { '204': { description: 'pre', headers: { 'Access-Control-Allow-Origin': { schema: { type: 'string' } } } } },
          'x-amazon-apigateway-integration': {
            type: 'mock',
            requestTemplates: { [J]: '{statusCode: 200}' },
            responses: { default: { statusCode: '204', responseParameters: { 'method.response.header.Access-Control-Allow-Origin': "'*'" } } },
          },
        },
      },
      '/mock-status': {
        post: {
          responses: { '200': { description: 'a' }, '202': { description: 'b' }, '409': { description: 'c' } },
          'x-amazon-apigateway-integration': {
            type: 'mock',
            requestTemplates: { [J]: '{"statusCode": $input.json(\'$.code\')}' },
            responses: {
              '-1': { statusCode: '202', responseTemplates: { [J]: '{"negative":true}' } },
              '4\\d{2}': { statusCode: '409', responseTemplates: { [J]: '{"client":"$context.requestId"}' } },
              default: { statusCode: '200', responseTemplates: { [J]: '{"default":true}' } },
            },
          },
        },
      },
      '/mock-nomatch': {
        get: {
          responses: { '200': { description: 'a' } },
          'x-amazon-apigateway-integration': {
            type: 'mock',
            requestTemplates: { [J]: '{"statusCode": 418}' },
            responses: { '2\\d{2}': { statusCode: '200' } },
          },
        },
      },
      '/mock-bad': {
        get: {
          responses: { '200': { description: 'a' } },
          'x-amazon-apigateway-integration': {
            type: 'mock',
            requestTemplates: { [J]: '{"status": "ok"}' },
            responses: { default: { statusCode: '200' } },
          },
        },
      },
    },
  };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  raw: string[];
  body: string;
}

function call(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}${path}`, { method, headers, agent: clientAgent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: res.rawHeaders, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  backend = await startBackend((req, res, body) => {
    const url = req.url ?? '';
    if (url.startsWith('/items/ok')) {
      res.writeHead(200, { 'X-Backend': 'items', 'Content-Type': J });
      res.end('{"name":"widget"}');
    } else if (url.startsWith('/items/moved')) {
      res.writeHead(302, { Location: 'http://elsewhere/x' });
      res.end();
    } else if (url.startsWith('/items/missing')) {
      res.writeHead(404, { 'Content-Type': J });
      res.end('{"status":"gone"}');
    } else if (url.startsWith('/items/broken')) {
      res.writeHead(503);
      res.end('down');
    } else if (url.startsWith('/create')) {
      res.writeHead(201, { 'Content-Type': J });
      res.end(body);
    } else if (url.startsWith('/slow')) {
      setTimeout(() => {
        if (!res.destroyed) res.end('late');
      }, 1_500).unref();
    } else if (url.startsWith('/reset')) {
      res.writeHead(200, { 'Content-Length': '50' });
      res.write('part');
      setTimeout(() => res.socket?.destroy(), 10);
    } else if (url.startsWith('/p/')) {
      res.writeHead(207, [
        ['Content-Type', 'text/plain'],
        ['X-Echo-Method', req.method ?? ''],
        ['Server', 'tiny'],
        ['X-Multi', '1'],
        ['X-Multi', '2'],
      ]);
      res.end(`echo:${body.toString()}`);
    } else {
      res.writeHead(500);
      res.end();
    }
  });
  const closed = await startBackend((_q, r) => r.end());
  refusedPort = closed.port;
  await closed.close();

  dir = mkdtempSync(join(tmpdir(), 'restgate-http-'));
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(definition(), null, 2));
  server = await startServer({
    definition: file,
    port: 0,
    host: '127.0.0.1',
    stageVariables: { backend: `127.0.0.1:${backend.port}`, flavour: 'mint' },
    log: () => {},
  });
});

afterAll(async () => {
  await server?.close();
  await backend?.close();
  clientAgent.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function lastSeen() {
  return backend.seen[backend.seen.length - 1]!;
}

describe('HTTP integration end to end', () => {
  it('2xx: mapped path/query/header from every source, stage variable uri, response header mapping (§7.1, §7.2, §3.5, §4.4)', async () => {
    const r = await call('GET', '/items/ok%20thing?q=a&q=b', { 'X-Tag': 'red' });
    expect(r.status).toBe(200);
    expect(r.body).toBe('{"name":"widget"}');
    expect(r.headers['x-backend']).toBe('items');
    expect(r.headers['x-name']).toBe('widget');
    expect(r.headers['x-static']).toBe('fixed');
    const seen = lastSeen();
    expect(seen.url).toBe('/items/ok%20thing?tag=red&all=a&all=b');
    expect(header(seen.headers, 'X-Stage-Var')).toBe('mint');
    expect(header(seen.headers, 'X-Static')).toBe('static-value');
    expect(header(seen.headers, 'X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(header(seen.headers, 'X-Request-Id')).toBe(r.headers['x-amzn-requestid']);
    expect(header(seen.headers, 'X-Tag')).toBeUndefined();
  });

  it('header mapping is case-sensitive (§7.1 OBS): x-tag does not feed method.request.header.X-Tag', async () => {
    // Node lower-cases nothing on the wire: we send the name exactly as given.
    await call('GET', '/items/ok', { 'x-tag': 'blue' });
    expect(lastSeen().url).toBe('/items/ok');
  });

  it('3xx: selected on "302", Location mapped, redirect not followed (§3.1)', async () => {
    const before = backend.seen.length;
    const r = await call('GET', '/items/moved');
    expect([r.status, r.headers.location, r.body]).toEqual([302, 'http://elsewhere/x', '']);
    expect(backend.seen.length).toBe(before + 1);
  });

  it('4xx: selected on "404", template reads the backend body (§3.1)', async () => {
    const r = await call('GET', '/items/missing');
    expect([r.status, r.body]).toEqual([404, '{"error":"not found","status":"gone"}']);
  });

  it('5xx: no pattern matches "503" → default response (§3.1)', async () => {
    const r = await call('GET', '/items/broken');
    expect([r.status, r.body]).toEqual([500, '{"error":"backend failed"}']);
  });

  it('POST: rendered template body, client Content-Type, body JSONPath header mapping (§7.3, §7.1)', async () => {
    const r = await call('POST', '/create', { 'Content-Type': J }, '{"user":{"name":"ann"}}');
    expect([r.status, r.body]).toEqual([200, '{"wrapped":{"user":{"name":"ann"}}}']);
    const seen = lastSeen();
    expect(seen.method).toBe('POST');
    expect(header(seen.headers, 'X-User')).toBe('ann');
    expect(header(seen.headers, 'Content-Type')).toBe(J);
    expect(header(seen.headers, 'User-Agent')).toMatch(/^AmazonAPIGateway_/);
  });

  it('invalid JSON body with a body mapping → 400 Invalid JSON in request body (§7.1)', async () => {
    const r = await call('POST', '/create', { 'Content-Type': J }, '{"user":');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({ message: 'Invalid JSON in request body' });
  });

  it('reuses one backend connection across client requests (§7.3 keep-alive)', async () => {
    const before = backend.connections;
    for (let i = 0; i < 4; i++) expect((await call('GET', '/items/ok')).status).toBe(200);
    expect(backend.connections).toBe(before);
  });

  it('slow backend → 504 {"message": "Endpoint request timed out"} (§7.6, §9.1)', async () => {
    const r = await call('GET', '/slow');
    expect(r.status).toBe(504);
    expect(r.body).toBe('{"message": "Endpoint request timed out"}');
    expect(r.headers['content-type']).toBe(J);
    expect(r.headers['x-amzn-errortype']).toBe('InternalServerErrorException');
    expect(r.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('connection refused → 500 {"message": "Internal server error"} (§7.3)', async () => {
    const r = await call('GET', '/refused');
    expect(r.status).toBe(500);
    expect(r.body).toBe('{"message": "Internal server error"}');
    expect(r.headers['content-type']).toBe(J);
  });

  it('socket destroyed mid-response → 504 {"message": "Network error communicating with endpoint"} (§7.3)', async () => {
    const r = await call('GET', '/reset');
    expect(r.status).toBe(504);
    expect(r.body).toBe('{"message": "Network error communicating with endpoint"}');
  });
});

describe('HTTP_PROXY end to end (§7.4)', () => {
  it('passes method, greedy path, query, headers, body; returns backend status/headers/body with remapping', async () => {
    const r = await call('PUT', '/proxy/a/b?x=1&x=2', { 'Content-Type': 'text/plain', 'X-Client': 'c' }, 'hello');
    expect(r.status).toBe(207);
    expect(r.body).toBe('echo:hello');
    expect(r.headers['x-echo-method']).toBe('PUT');
    expect(r.headers['x-multi']).toBe('1, 2');
    expect(r.headers['x-amzn-remapped-server']).toBe('tiny');
    expect(r.headers['content-type']).toBe('text/plain');
    const seen = lastSeen();
    expect(seen.method).toBe('PUT');
    expect(seen.url).toBe('/p/a/b?x=1&x=2&added=1');
    expect(header(seen.headers, 'X-Client')).toBe('c');
    expect(header(seen.headers, 'X-Mapped')).toBe('yes');
    expect(header(seen.headers, 'Host')).toBe(`127.0.0.1:${backend.port}`);
    expect(header(seen.headers, 'X-Forwarded-For')).toBe('127.0.0.1');
    expect(seen.body.toString()).toBe('hello');
  });
});

describe('MOCK end to end (§3.4, §7.7)', () => {
  it('CDK template {statusCode: 200} works (OBS LS-11967)', async () => {
    const r = await call('OPTIONS', '/mock-cdk');
    expect([r.status, r.headers['access-control-allow-origin'], r.body]).toEqual([204, '*', '']);
  });

  it('status from the template drives selection: -1, 4xx and default', async () => {
    const neg = await call('POST', '/mock-status', { 'Content-Type': J }, '{"code": -1}');
    expect([neg.status, neg.body]).toEqual([202, '{"negative":true}']);
    const four = await call('POST', '/mock-status', { 'Content-Type': J }, '{"code": 404}');
    expect(four.status).toBe(409);
    expect(four.body).toBe(`{"client":"${four.headers['x-amzn-requestid']}"}`);
    const ok = await call('POST', '/mock-status', { 'Content-Type': J }, '{"code": 200}');
    expect([ok.status, ok.body]).toEqual([200, '{"default":true}']);
  });

  it('non-integer statusCode from the template → 500 Internal server error', async () => {
    const r = await call('POST', '/mock-status', { 'Content-Type': J }, '{"code": "abc"}');
    expect([r.status, r.body]).toEqual([500, '{"message": "Internal server error"}']);
    const bad = await call('GET', '/mock-bad');
    expect([bad.status, bad.body]).toEqual([500, '{"message": "Internal server error"}']);
  });

  it('status matching no pattern and no default → 500 (§3.1)', async () => {
    const r = await call('GET', '/mock-nomatch');
    expect([r.status, r.body]).toEqual([500, '{"message": "Internal server error"}']);
  });
});
