// Limits and hostile requests at the HTTP adapter (§14): answered, never crashed on.

import { request as httpRequest } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';

let server: RunningServer;
let dir: string;

const definition = {
  openapi: '3.0.1',
  info: { title: 'limits', version: '1' },
  servers: [{ url: 'https://x.execute-api.us-east-1.amazonaws.com/{basePath}', variables: { basePath: { default: '/v1' } } }],
  paths: {
    '/echo': {
      post: {
        responses: { '200': { description: 'ok' } },
        'x-amazon-apigateway-integration': {
          type: 'mock',
          // The request body's length travels to the response template through the request
          // override map, which the response template can read (§4.5 [LS-iq]).
          requestTemplates: {
            'application/json': '#set($context.requestOverride.header.X-Size = "$input.body.length()"){"statusCode": 200}',
          },
          responses: {
            default: { statusCode: '200', responseTemplates: { 'application/json': '{"size": $context.requestOverride.header.X-Size}' } },
          },
        },
      },
    },
  },
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'restgate-limits-'));
  await writeFile(join(dir, 'api.json'), JSON.stringify(definition));
  server = await startServer({ definition: join(dir, 'api.json'), port: 0, log: () => {} });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with full control over headers and streaming (fetch would refuse some of these). */
function raw(method: string, path: string, headers: Record<string, string>, body?: { chunks: number; size: number }): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts).toString() }));
    });
    req.on('error', reject);
    if (!body) return void req.end();
    const chunk = Buffer.alloc(body.size, 0x61);
    let sent = 0;
    const pump = () => {
      while (sent < body.chunks) {
        sent += 1;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    // The server may answer and close before the whole body is sent: that is the point.
    req.on('error', () => {});
    pump();
  });
}

const TOO_LARGE = 'HTTP content length exceeded 10485760 bytes.';

describe('payload limit (§14 [D-limits, KG-10])', () => {
  it('a declared Content-Length over 10 MB → 413 plain text, before reading the body', async () => {
    const res = await raw('POST', '/v1/echo', { 'Content-Type': 'application/json', 'Content-Length': String(11 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toBe('text; charset=utf-8');
    expect(res.body).toBe(TOO_LARGE);
  });

  it('a chunked body that grows past 10 MB → 413, and the server keeps answering', async () => {
    const res = await raw('POST', '/v1/echo', { 'Content-Type': 'application/json' }, { chunks: 11, size: 1024 * 1024 });
    expect(res.status).toBe(413);
    expect(res.body).toBe(TOO_LARGE);
    const ok = await raw('POST', '/v1/echo', { 'Content-Type': 'application/json', 'Content-Length': '5' }, { chunks: 1, size: 5 });
    expect(ok).toMatchObject({ status: 200, body: '{"size": 5}' });
  });

  it('exactly 10 MB is accepted', async () => {
    const res = await raw('POST', '/v1/echo', { 'Content-Type': 'application/json' }, { chunks: 10, size: 1024 * 1024 });
    expect(res).toMatchObject({ status: 200, body: `{"size": ${10 * 1024 * 1024}}` });
  });
});

describe('header and URL limits (§14; answers UNCONFIRMED, docs/fidelity.md)', () => {
  it('20 KB of headers → 431 JSON', async () => {
    const res = await raw('POST', '/v1/echo', { 'X-Big': 'b'.repeat(20 * 1024) });
    expect(res.status).toBe(431);
    expect(res.body).toBe('{"message":"Request Header Fields Too Large"}');
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    // §13.3's Connection, without node:http's Keep-Alive line (as every gateway answer, test/server/write-response.test.ts).
    expect([res.headers['connection'], res.headers['keep-alive']]).toEqual([expect.stringMatching(/^(keep-alive|close)$/), undefined]);
  });

  it('a path of 10 000 characters is routed like any other: 403 Missing Authentication Token', async () => {
    const res = await raw('GET', `/v1/${'p'.repeat(10_000)}`, {});
    expect(res.status).toBe(403);
    expect(res.body).toBe('{"message":"Missing Authentication Token"}');
  });

  it('a URL over 10 240 characters → 414 JSON', async () => {
    const res = await raw('GET', `/v1/${'p'.repeat(11_000)}`, {});
    expect(res.status).toBe(414);
    expect(res.body).toBe('{"message":"Request-URI Too Long"}');
  });
});
