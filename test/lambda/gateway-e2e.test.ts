// Lambda behind the whole gateway (startServer, real HTTP): proxy events agree
// with $context, failures become API Gateway's answers, and one failing
// function never disturbs the next request. The server also serves the Invoke API.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';

const FUNCTIONS = resolve(import.meta.dirname, '../fixtures/functions');
const fn = (name: string) =>
  `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${name}/invocations`;
const proxy = (name: string, extra: Record<string, unknown> = {}) => ({
  responses: { '200': { description: 'ok' } },
  'x-amazon-apigateway-integration': { type: 'aws_proxy', httpMethod: 'POST', uri: fn(name), ...extra },
});

const definition = {
  openapi: '3.0.1',
  info: { title: 'lambda-e2e', version: '1' },
  servers: [{ url: 'https://abc.execute-api.us-east-1.amazonaws.com/{basePath}', variables: { basePath: { default: '/v1' } } }],
  'x-amazon-apigateway-binary-media-types': ['image/png'],
  paths: {
    '/echo/{proxy+}': { 'x-amazon-apigateway-any-method': proxy('echo-proxy') },
    '/crash': { get: proxy('exits') },
    '/signal': { get: proxy('signals') },
    '/slow': { get: proxy('loops', { timeoutInMillis: 300 }) },
    '/picture': { get: proxy('proxy-binary') },
    '/answer': { post: proxy('proxy-answer') },
    '/budget': {
      post: {
        responses: { '200': { description: 'ok' }, '402': { description: 'no money' } },
        'x-amazon-apigateway-integration': {
          type: 'aws',
          httpMethod: 'POST',
          uri: fn('throws'),
          responses: {
            default: { statusCode: '200' },
            'no budget.*': { statusCode: '402', responseTemplates: { 'application/json': '{"reason":"$input.path(\'$.errorMessage\')"}' } },
          },
        },
      },
    },
  },
};

/** One request over a fresh socket; the raw bytes of the answer (the server closes nothing: we read until the body's end). */
function rawPost(port: number, path: string, body: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
      const end = data.indexOf('\r\n\r\n');
      if (end === -1) return;
      const length = /\r\ncontent-length: (\d+)/i.exec(data.slice(0, end));
      if (data.length >= end + 4 + (length ? Number(length[1]) : 0)) {
        socket.destroy();
        resolvePromise(data);
      }
    });
    socket.on('error', reject);
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error(`no complete answer within 5 s; got ${JSON.stringify(data)}`));
    });
    socket.write(`POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
}

let dir: string;
let server: RunningServer;
const lines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'restgate-lambda-e2e-'));
  writeFileSync(join(dir, 'api.json'), JSON.stringify(definition));
  writeFileSync(join(dir, 'restgate.config.json'), JSON.stringify({ functions: { loops: { timeout: 2 } }, stageVariables: { color: 'blue' } }));
  server = await startServer({ definition: join(dir, 'api.json'), functionsDir: FUNCTIONS, port: 0, log: (l) => lines.push(l) });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, init: { headers?: Record<string, string> | Array<[string, string]>; body?: string | Buffer } = {}) {
  const res = await fetch(`${server.url}${path}`, { method, headers: init.headers, body: init.body });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

describe('Lambda through the gateway', () => {
  it('the proxy event and $context agree (requestId, paths, stage, stage variables)', async () => {
    const r = await call('GET', '/echo/a/b?x=1&x=2', { headers: { 'X-Tag': 'one' } });
    expect(r.status).toBe(200);
    const event = JSON.parse(r.body.toString()) as Record<string, any>;
    expect(event['resource']).toBe('/echo/{proxy+}');
    expect(event['path']).toBe('/echo/a/b');
    expect(event['httpMethod']).toBe('GET');
    expect(event['pathParameters']).toEqual({ proxy: 'a/b' });
    expect(event['queryStringParameters']).toEqual({ x: '2' });
    expect(event['multiValueQueryStringParameters']).toEqual({ x: ['1', '2'] });
    expect(event['stageVariables']).toEqual({ color: 'blue' });
    expect(event['headers']['X-Tag']).toBe('one');
    expect(event['body']).toBeNull();
    const rc = event['requestContext'];
    expect(rc.requestId).toBe(r.headers.get('x-amzn-requestid'));
    expect(rc.extendedRequestId).toBe(r.headers.get('x-amz-apigw-id'));
    expect(rc.path).toBe('/v1/echo/a/b');
    expect(rc.stage).toBe('v1');
    expect(rc.resourcePath).toBe('/echo/{proxy+}');
    expect(rc.identity.sourceIp).toBe('127.0.0.1');
  });

  it('header and query names like constructor, toString and __proto__ are ordinary keys of the event (they once made a 500)', async () => {
    const r = await call('GET', '/echo/x?constructor=1&__proto__=2&__proto__=3', { headers: [['toString', 'y']] });
    expect(r.status).toBe(200);
    const event = JSON.parse(r.body.toString()) as Record<string, Record<string, unknown>>;
    expect(event['queryStringParameters']).toEqual(JSON.parse('{"constructor":"1","__proto__":"3"}'));
    expect(event['multiValueQueryStringParameters']).toEqual(JSON.parse('{"constructor":["1"],"__proto__":["2","3"]}'));
    // (fetch does not send a header named __proto__; test/lambda/integrations.test.ts covers one)
    expect(Object.getOwnPropertyDescriptor(event['headers'], 'toString')?.value).toBe('y');
    expect(Object.getOwnPropertyDescriptor(event['multiValueHeaders'], 'toString')?.value).toEqual(['y']);
  });

  it('binary request bodies arrive base64; binary answers are decoded for a binary Accept', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    const r = await call('POST', '/echo/up', { headers: { 'Content-Type': 'image/png' }, body: png });
    const event = JSON.parse(r.body.toString()) as Record<string, unknown>;
    expect([event['body'], event['isBase64Encoded']]).toEqual([png.toString('base64'), true]);
    const raw = await call('GET', '/picture', { headers: { Accept: 'image/png' } });
    expect(raw.body).toEqual(png);
    const text = await call('GET', '/picture', { headers: { Accept: 'application/json' } });
    expect(text.body.toString()).toBe(png.toString('base64'));
  });

  it('a 204 from the function goes out without a body or Content-Length (RFC 9110 §6.4.1, §8.6)', async () => {
    const raw = await rawPost(server.port, '/v1/answer', JSON.stringify({ statusCode: 204, body: 'dropped', headers: { 'X-A': '1' } }));
    const [head, rest] = raw.split('\r\n\r\n');
    expect(head!.split('\r\n')[0]).toBe('HTTP/1.1 204 No Content');
    expect(head).toContain('\r\nX-A: 1\r\n');
    expect(head!.toLowerCase()).not.toContain('content-length');
    expect(rest).toBe('');
  });

  it('a header HTTP cannot carry → the malformed-answer 502 (not a broken 500), and the server goes on', async () => {
    for (const headers of [{ 'X-A': 'a\r\nInjected: 1' }, { 'Bad Name': 'x' }]) {
      const res = await fetch(`${server.url}/answer`, { method: 'POST', body: JSON.stringify({ statusCode: 401, headers, body: 'no' }) });
      expect(res.status).toBe(502);
      expect(res.statusText).toBe('Bad Gateway');
      expect(res.headers.get('injected')).toBeNull();
      expect(res.headers.get('x-amzn-errortype')).toBe('InternalServerErrorException');
      expect(await res.text()).toBe('{"message": "Internal server error"}');
    }
    const ok = await fetch(`${server.url}/answer`, { method: 'POST', body: JSON.stringify({ headers: { 'WWW-Authenticate': 'Basic' }, body: 'yes' }) });
    expect([ok.status, ok.headers.get('x-amzn-remapped-www-authenticate'), ok.headers.get('www-authenticate'), await ok.text()]).toEqual([200, 'Basic', null, 'yes']);
  });

  it('a crashing function → 502 Internal server error, and the next request is served', async () => {
    const r = await call('GET', '/crash');
    expect(r.status).toBe(502);
    expect(r.body.toString()).toBe('{"message": "Internal server error"}');
    expect((await call('GET', '/echo/after')).status).toBe(200);
    expect(lines.some((l) => /\tINFO\tabout to exit$/.test(l))).toBe(true);
  });

  it('a function that signals its own process (or group) to death → 502 Internal server error; the gateway lives on (src/lambda/own-signals.ts)', async () => {
    for (const query of ['signal=SIGTERM', 'signal=SIGKILL&group=1', 'abort=1']) {
      const r = await call('GET', `/signal?${query}`);
      expect([r.status, r.body.toString()]).toEqual([502, '{"message": "Internal server error"}']);
      expect((await call('GET', '/echo/after-signal')).status).toBe(200);
    }
  });

  it('slower than timeoutInMillis → 504 Endpoint request timed out', async () => {
    const r = await call('GET', '/slow');
    expect(r.status).toBe(504);
    expect(r.body.toString()).toBe('{"message": "Endpoint request timed out"}');
    expect((await call('GET', '/echo/after-timeout')).status).toBe(200);
  });

  it('non-proxy: errorMessage selects the integration response', async () => {
    const r = await call('POST', '/budget', { headers: { 'Content-Type': 'application/json' }, body: '{"message":"no budget for you"}' });
    expect(r.status).toBe(402);
    expect(r.body.toString()).toBe('{"reason":"no budget for you"}');
    const other = await call('POST', '/budget', { headers: { 'Content-Type': 'application/json' }, body: '{"message":"other"}' });
    expect(other.status).toBe(200); // no match → default, body = the error payload (§6)
    expect(JSON.parse(other.body.toString())).toMatchObject({ errorType: 'BudgetExhausted', errorMessage: 'other' });
  });

  it('the same server answers the Lambda Invoke API', async () => {
    const sdk = new LambdaClient({ endpoint: server.origin, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    try {
      const out = await sdk.send(new InvokeCommand({ FunctionName: 'dirfn', Payload: Buffer.from('{}') }));
      expect([out.StatusCode, Buffer.from(out.Payload!).toString()]).toEqual([200, '{"from":"dirfn/index.mjs"}']);
      // Over the HTTP server's 10 MB limit: still Lambda's 413 (not API Gateway's text one), read by the SDK
      // as its error rather than a broken pipe.
      const huge = Buffer.from(JSON.stringify('x'.repeat(11 * 1024 * 1024)));
      const err = (await sdk.send(new InvokeCommand({ FunctionName: 'dirfn', Payload: huge })).catch((e: unknown) => e)) as {
        name: string;
        message: string;
        $metadata: { httpStatusCode: number };
      };
      expect([err.name, err.$metadata.httpStatusCode, err.message]).toEqual([
        'RequestEntityTooLargeException',
        413,
        'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
      ]);
      const raw = await fetch(`${server.origin}/2015-03-31/functions/dirfn/invocations`, { method: 'POST', body: huge, headers: { 'X-Amz-Invocation-Type': 'Event' } });
      expect([raw.status, raw.headers.get('x-amzn-errortype'), raw.headers.get('content-type')]).toEqual([413, 'RequestEntityTooLargeException', 'application/json']);
      expect(await raw.json()).toEqual({ Type: 'User', message: `${huge.length} byte payload is too large for the Event invocation type (limit 1048576 bytes)` });
      // API routes keep API Gateway's answer.
      const api = await fetch(`${server.url}/answer`, { method: 'POST', body: huge });
      expect([api.status, await api.text()]).toEqual([413, 'HTTP content length exceeded 10485760 bytes.']);
    } finally {
      sdk.destroy();
    }
  });
});
