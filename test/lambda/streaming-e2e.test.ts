// Response streaming through the whole server (real HTTP, raw sockets to see the chunked framing):
// AWS_PROXY integrations with responseTransferMode STREAM, and a streaming function behind a
// BUFFERED one. Sources: API Gateway Developer Guide, response-transfer-mode (STREAM for proxy
// integrations, timeouts up to 15 minutes, no compression) and response-transfer-mode-lambda (the
// metadata JSON, 8 NUL bytes within the first 16 KB, then the body; API Gateway sends nothing before
// them, a wrong format is a 500; BUFFERED + a streaming function: "the HTTP headers and status code
// but not the response body"; Transfer-Encoding: chunked when the metadata gives no length);
// response-streaming-troubleshoot (a stream cut by a timeout: curl error 18, the body ends without
// its final chunk). InvokeWithResponseStream: Lambda API Reference, API_InvokeWithResponseStream
// (RequestResponse or DryRun; PayloadChunk and InvokeComplete events, read here with the real
// @aws-sdk/client-lambda); a function that does not stream answers its JSON in one piece (observed:
// aws/aws-lambda-go#565). Choices where these are silent are in docs/fidelity.md ("Response streaming").
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvokeWithResponseStreamCommand, LambdaClient, type InvokeWithResponseStreamCommandOutput } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';

const FUNCTIONS = resolve(import.meta.dirname, '../fixtures/functions');
const ARN = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const buffered = (name: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${ARN(name)}/invocations`;
const streamed = (name: string) => `arn:aws:apigateway:us-east-1:lambda:path/2021-11-15/functions/${ARN(name)}/response-streaming-invocations`;
const op = (integration: Record<string, unknown>) => ({
  get: { responses: { '200': { description: 'ok' } }, 'x-amazon-apigateway-integration': { type: 'aws_proxy', httpMethod: 'POST', ...integration } },
});

/** HTTP_PROXY STREAM to the test backend, with the given integration timeout. */
const backendOp = (timeoutInMillis: number) => ({
  'x-amazon-apigateway-any-method': {
    parameters: [{ name: 'proxy', in: 'path', required: true, schema: { type: 'string' } }],
    responses: { '200': { description: 'ok' } },
    'x-amazon-apigateway-integration': {
      type: 'http_proxy',
      httpMethod: 'ANY',
      uri: 'http://127.0.0.1:BACKEND_PORT/{proxy}',
      requestParameters: { 'integration.request.path.proxy': 'method.request.path.proxy' },
      responseTransferMode: 'STREAM',
      timeoutInMillis,
    },
  },
});

const definition = {
  openapi: '3.0.1',
  info: { title: 'streaming-e2e', version: '1' },
  servers: [{ url: 'https://abc.execute-api.us-east-1.amazonaws.com/{basePath}', variables: { basePath: { default: '/v1' } } }],
  'x-amazon-apigateway-minimum-compression-size': 0,
  paths: {
    '/stream': op({ uri: streamed('streaming'), responseTransferMode: 'STREAM' }),
    '/stream-short': op({ uri: streamed('streaming'), responseTransferMode: 'STREAM', timeoutInMillis: 300 }),
    '/stream-buffered-function': op({ uri: streamed('proxy-answer'), responseTransferMode: 'STREAM' }),
    '/buffered': op({ uri: buffered('streaming') }),
    '/backend/{proxy+}': backendOp(400),
    '/backend-patient/{proxy+}': backendOp(29_000),
    '/nowhere': {
      get: {
        responses: { '200': { description: 'ok' } },
        // Port 9 (discard) on loopback: nothing listens there, the connection is refused.
        'x-amazon-apigateway-integration': { type: 'http_proxy', httpMethod: 'GET', uri: 'http://127.0.0.1:9/x', responseTransferMode: 'STREAM' },
      },
    },
  },
};

/**
 * The HTTP_PROXY backend: /handshake sends its head and "ready;", then "done" once `?file` exists;
 * /gzip a gzip body in two writes; /stalls "a", then nothing for 2 s.
 */
function startBackend(): Promise<Server> {
  const backend = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://backend');
    if (url.pathname === '/handshake') {
      res.writeHead(207, { 'Content-Type': 'text/plain', 'X-Backend': 'yes' });
      res.write('ready;');
      const poll = setInterval(() => {
        if (!existsSync(url.searchParams.get('file')!)) return;
        clearInterval(poll);
        res.end('done');
      }, 10);
    } else if (url.pathname === '/large') {
      // 64 MB, more than the sockets on both sides hold, honouring backpressure; notes when it is done.
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const block = Buffer.alloc(64 * 1024, 0x2e);
      let left = 1024;
      const more = (): void => {
        while (left > 0) {
          left--;
          if (!res.write(block)) return void res.once('drain', more);
        }
        res.end(() => (largeSentAt = performance.now()));
      };
      more();
    } else if (url.pathname === '/gzip') {
      const zipped = gzipSync('compressed by the backend');
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip', 'Content-Length': String(zipped.length) });
      res.write(zipped.subarray(0, 10));
      setTimeout(() => res.end(zipped.subarray(10)), 20);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('a');
      setTimeout(() => res.end('b'), 2000).unref();
    }
  });
  return new Promise((done) => backend.listen(0, '127.0.0.1', () => done(backend)));
}

interface Raw {
  /** Status line and headers, as sent. */
  readonly head: string;
  /** Everything after the head: the chunked framing, as sent. */
  readonly rest: string;
}

/**
 * GET over a fresh socket; everything the server sends until it closes the connection (Connection:
 * close). `gzip`: the client accepts gzip (the API compresses from 0 bytes on).
 */
function rawGet(port: number, path: string, onData?: (soFar: string) => void, gzip = false): Promise<Raw> {
  return new Promise((done, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
      onData?.(data);
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const end = data.indexOf('\r\n\r\n');
      done({ head: data.slice(0, end), rest: data.slice(end + 4) });
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no end within 10 s; got ${JSON.stringify(data)}`)));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n${gzip ? 'Accept-Encoding: gzip\r\n' : ''}Connection: close\r\n\r\n`);
  });
}

/**
 * A GET whose answer holds "ready;" until the server side sees `flag` exist: the flag is created here
 * only once "ready;" has arrived, so the answer completes only if its first bytes came before the rest.
 */
function handshakeGet(port: number, path: string, flag: string): Promise<Raw> {
  return rawGet(port, `${path}${path.includes('?') ? '&' : '?'}file=${encodeURIComponent(flag)}`, (soFar) => {
    if (soFar.includes('ready;') && !existsSync(flag)) writeFileSync(flag, '');
  });
}

/**
 * A chunked body: its bytes (latin1), and whether its final (zero-size) chunk came. How writes map
 * to chunks is not fixed (writes that come together may share one), so the body is compared
 * de-chunked; the framing itself must be well formed, and the last chunk is what tells a complete
 * body from one cut short. Undefined when the framing is broken.
 */
function dechunk(rest: string): { body: string; complete: boolean } | undefined {
  let body = '';
  for (let at = 0; at < rest.length; ) {
    const eol = rest.indexOf('\r\n', at);
    if (eol === -1 || !/^[0-9a-f]+$/i.test(rest.slice(at, eol))) return undefined;
    const size = parseInt(rest.slice(at, eol), 16);
    if (size === 0) return rest.slice(eol) === '\r\n\r\n' ? { body, complete: true } : undefined;
    if (rest.slice(eol + 2 + size, eol + 4 + size) !== '\r\n') return undefined;
    body += rest.slice(eol + 2, eol + 2 + size);
    at = eol + 4 + size;
  }
  return { body, complete: false };
}

/** The head's header lines without the ids that differ per request. */
function headers(raw: Raw): string[] {
  return raw.head
    .split('\r\n')
    .slice(1)
    .filter((l) => !/^(date|x-amzn-requestid|x-amz-apigw-id|x-amzn-trace-id):/i.test(l));
}

let dir: string;
let server: RunningServer;
let backend: Server;
/** When the backend's /large answer was all handed to its socket. */
let largeSentAt = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'restgate-streaming-e2e-'));
  backend = await startBackend();
  writeFileSync(join(dir, 'api.json'), JSON.stringify(definition).replaceAll('BACKEND_PORT', String((backend.address() as AddressInfo).port)));
  writeFileSync(join(dir, 'restgate.config.json'), JSON.stringify({ functions: { streaming: { timeout: 5 } } }));
  server = await startServer({ definition: join(dir, 'api.json'), functionsDir: FUNCTIONS, port: 0, log: () => {} });
});

afterAll(async () => {
  await server.close();
  backend.closeAllConnections();
  await new Promise((done) => backend.close(done));
  rmSync(dir, { recursive: true, force: true });
});

describe('AWS_PROXY with responseTransferMode STREAM', () => {
  it('the metadata becomes the head (status, headers, a Set-Cookie per cookie), the body goes chunked, uncompressed', async () => {
    const raw = await rawGet(server.port, '/v1/stream?mode=http', undefined, true);
    expect(raw.head.split('\r\n')[0]).toBe('HTTP/1.1 201 Created');
    expect(headers(raw)).toEqual(['x-kind: streamed', 'Set-Cookie: a=1', 'Content-Type: application/json', 'Connection: close', 'Transfer-Encoding: chunked']);
    expect(dechunk(raw.rest)).toEqual({ body: 'hello world', complete: true });
  });

  it('the documentation\'s pattern: HttpResponseStream.from, then pipeline() from a Readable', async () => {
    const raw = await rawGet(server.port, '/v1/stream?mode=pipeline');
    expect(raw.head.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(headers(raw)).toContain('Content-Type: text/plain');
    expect(dechunk(raw.rest)).toEqual({ body: 'one two three', complete: true });
  });

  it('metadata and delimiter written by hand, split across writes', async () => {
    const raw = await rawGet(server.port, '/v1/stream?mode=split-delimiter');
    expect(raw.head.split('\r\n')[0]).toBe('HTTP/1.1 203 Non-Authoritative Information');
    expect(headers(raw).slice(0, 3)).toEqual(['x-v: 1', 'x-v: 2', 'Content-Type: application/json']);
    expect(dechunk(raw.rest)).toEqual({ body: 'body', complete: true });
  });

  it('bytes reach the client while the function still runs', async () => {
    const raw = await handshakeGet(server.port, '/v1/stream?mode=handshake', join(dir, 'read-ready'));
    expect(raw.head.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(headers(raw)).toContain('Content-Type: text/plain');
    expect(dechunk(raw.rest)).toEqual({ body: 'ready;done', complete: true });
  });

  it('a client that reads slowly holds the function back (its write() returns false until the client catches up)', async () => {
    // 16 MB, more than the socket buffers hold: the client reads nothing for 300 ms after the first bytes.
    const raw = await new Promise<Raw>((done, reject) => {
      const socket = connect(server.port, '127.0.0.1');
      let data = '';
      let paused = false;
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        data += chunk;
        if (!paused) {
          paused = true;
          socket.pause();
          setTimeout(() => socket.resume(), 300);
        }
      });
      socket.on('error', reject);
      socket.on('close', () => done({ head: data.slice(0, data.indexOf('\r\n\r\n')), rest: data.slice(data.indexOf('\r\n\r\n') + 4) }));
      socket.write('GET /v1/stream?mode=paced&mb=16 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    });
    const body = dechunk(raw.rest)!;
    expect([raw.head.split('\r\n')[0], body.complete, body.body.length, body.body.slice(-11)]).toEqual(['HTTP/1.1 200 OK', true, 16 * 1024 * 1024 + 11, '\nwaits=some']);
  });

  it('a function error after the head cuts the body: no final chunk', async () => {
    const raw = await rawGet(server.port, '/v1/stream?mode=cut');
    expect(raw.head.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(dechunk(raw.rest)).toEqual({ body: 'first', complete: false });
  });

  it('the integration timeout covers the whole stream: after the head it cuts the body', async () => {
    const raw = await rawGet(server.port, '/v1/stream-short?mode=stalls');
    expect(raw.head.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(dechunk(raw.rest)).toEqual({ body: 'a', complete: false });
  });

  it('before the head: a timeout is the usual 504, a function error the usual 502', async () => {
    const timeout = await rawGet(server.port, '/v1/stream-short?mode=unfinished');
    expect([timeout.head.split('\r\n')[0], timeout.rest]).toEqual(['HTTP/1.1 504 Gateway Timeout', '{"message": "Endpoint request timed out"}']);
    const failed = await rawGet(server.port, '/v1/stream?mode=throws');
    expect([failed.head.split('\r\n')[0], failed.rest]).toEqual(['HTTP/1.1 502 Bad Gateway', '{"message": "Internal server error"}']);
  });

  it('a wrong format is a 500: metadata with other keys, no delimiter within 16 KB, a function that does not stream', async () => {
    for (const path of ['/v1/stream?mode=bad-metadata', '/v1/stream?mode=no-delimiter', '/v1/stream?mode=end-only', '/v1/stream-buffered-function']) {
      const raw = await rawGet(server.port, path);
      expect([path, raw.head.split('\r\n')[0], raw.rest]).toEqual([path, 'HTTP/1.1 500 Internal Server Error', '{"message": "Internal server error"}']);
    }
  });
});

describe('shutting down', () => {
  it('close() lets a response that is streaming finish first', async () => {
    const other = await startServer({ definition: join(dir, 'api.json'), functionsDir: FUNCTIONS, port: 0, log: () => {} });
    let closed: Promise<void> | undefined;
    const raw = await rawGet(other.port, '/v1/stream?mode=stalls', (soFar) => {
      // "a" has come; the function writes "b" 1.5 s later
      if (soFar.includes('1\r\na\r\n')) closed ??= other.close();
    });
    await closed;
    expect([raw.head.split('\r\n')[0], dechunk(raw.rest)]).toEqual(['HTTP/1.1 200 OK', { body: 'ab', complete: true }]);
  });
});

describe('HTTP_PROXY with responseTransferMode STREAM', () => {
  it('the backend\'s status and headers once they are in, then its body as it arrives', async () => {
    const raw = await handshakeGet(server.port, '/v1/backend/handshake', join(dir, 'read-ready-backend'));
    expect(raw.head.split('\r\n')[0]).toBe('HTTP/1.1 207 Multi-Status');
    expect(headers(raw).filter((h) => !/^x-amzn-Remapped-(Date|Connection)/i.test(h))).toEqual([
      'Content-Type: text/plain',
      'X-Backend: yes',
      'Keep-Alive: timeout=5', // the backend's, passed on as a buffered HTTP_PROXY integration does
      'Connection: close',
      'Transfer-Encoding: chunked',
    ]);
    expect(dechunk(raw.rest)).toEqual({ body: 'ready;done', complete: true });
  });

  it('a client that reads slowly slows the backend down: its 64 MB cannot all be sent before the client reads on', async () => {
    let resumedAt = 0;
    let bytes = 0;
    await new Promise<void>((done, reject) => {
      const socket = connect(server.port, '127.0.0.1');
      let paused = false;
      socket.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (!paused) {
          paused = true;
          socket.pause();
          setTimeout(() => {
            resumedAt = performance.now();
            socket.resume();
          }, 500);
        }
      });
      socket.on('error', reject);
      socket.on('close', () => done());
      socket.write('GET /v1/backend-patient/large HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    });
    expect(bytes).toBeGreaterThan(64 * 1024 * 1024);
    expect(largeSentAt).toBeGreaterThan(resumedAt);
  });

  it('a compressed body passes through as the backend sent it, with its Content-Encoding', async () => {
    const raw = await rawGet(server.port, '/v1/backend/gzip');
    expect(headers(raw)).toEqual(expect.arrayContaining(['Content-Encoding: gzip', 'Transfer-Encoding: chunked']));
    const body = dechunk(raw.rest);
    expect(body?.complete).toBe(true);
    expect(gunzipSync(Buffer.from(body!.body, 'latin1')).toString('utf8')).toBe('compressed by the backend');
  });

  it('a backend that refuses the connection: the buffered integration\'s 500 (§7.3), nothing streamed', async () => {
    const raw = await rawGet(server.port, '/v1/nowhere');
    expect([raw.head.split('\r\n')[0], raw.rest]).toEqual(['HTTP/1.1 500 Internal Server Error', '{"message": "Internal server error"}']);
  });

  it('the integration timeout covers the whole exchange: after the head it cuts the body', async () => {
    const raw = await rawGet(server.port, '/v1/backend/stalls');
    expect([raw.head.split('\r\n')[0], dechunk(raw.rest)]).toEqual(['HTTP/1.1 200 OK', { body: 'a', complete: false }]);
  });
});

describe('a streaming function behind a BUFFERED integration', () => {
  it('answers its metadata\'s status and headers, without the body', async () => {
    const raw = await rawGet(server.port, '/v1/buffered?mode=http-plain');
    expect(raw.head.split('\r\n')[0]).toBe('HTTP/1.1 202 Accepted');
    expect(headers(raw)).toEqual(['x-kind: streamed', 'Content-Type: application/json', 'Content-Length: 0', 'Connection: close']);
    expect(raw.rest).toBe('');
  });
});

/** Every event of an InvokeWithResponseStream answer: chunks as text (latin1), then InvokeComplete. */
async function events(out: InvokeWithResponseStreamCommandOutput): Promise<Array<string | Record<string, unknown>>> {
  const seen: Array<string | Record<string, unknown>> = [];
  for await (const e of out.EventStream!) {
    if (e.PayloadChunk) seen.push(Buffer.from(e.PayloadChunk.Payload!).toString('latin1'));
    if (e.InvokeComplete) seen.push({ ...e.InvokeComplete });
  }
  return seen;
}

describe('InvokeWithResponseStream (POST /2021-11-15/functions/NAME/response-streaming-invocations)', () => {
  let sdk: LambdaClient;
  beforeAll(() => {
    sdk = new LambdaClient({ endpoint: server.origin, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
  });
  afterAll(() => sdk.destroy());
  const send = (FunctionName: string, payload: unknown, extra: Record<string, unknown> = {}) =>
    sdk.send(new InvokeWithResponseStreamCommand({ FunctionName, Payload: Buffer.from(JSON.stringify(payload)), ...extra }));

  it('one PayloadChunk per write, then InvokeComplete; the stream\'s content type and the version in the headers', async () => {
    const out = await send('streaming', { mode: 'chunks' });
    expect([out.StatusCode, out.ResponseStreamContentType, out.ExecutedVersion]).toEqual([200, 'text/plain', '$LATEST']);
    expect(await events(out)).toEqual(['a', '\xff\x00', '{"n":1}', 'z', {}]);
  });

  it('a function error mid-stream: what was written, then InvokeComplete with ErrorCode and ErrorDetails; the log tail with Tail', async () => {
    const out = await send('streaming', { mode: 'throws' }, { LogType: 'Tail' });
    const seen = await events(out);
    expect(seen[0]).toBe('partial');
    const complete = seen[1] as { ErrorCode: string; ErrorDetails: string; LogResult: string };
    expect(seen).toHaveLength(2);
    expect(complete.ErrorCode).toBe('TypeError');
    expect(JSON.parse(complete.ErrorDetails)).toMatchObject({ errorType: 'TypeError', errorMessage: 'broke mid-stream' });
    expect(Buffer.from(complete.LogResult, 'base64').toString('utf8')).toMatch(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n[\s\S]*\tERROR\tInvoke Error \t[\s\S]*\nREPORT RequestId: /);
  });

  it('a function that does not stream answers its JSON as one PayloadChunk', async () => {
    const out = await send('proxy-answer', { body: '{"statusCode":200,"body":"hi"}' });
    expect(out.ResponseStreamContentType).toBe('application/json');
    expect(await events(out)).toEqual(['{"statusCode":200,"body":"hi"}', {}]);
  });

  it('refusals come before the stream, as Lambda errors: unknown function, Event invocations; DryRun is 204', async () => {
    const missing = (await send('no-such-function', {}).catch((e: unknown) => e)) as { name: string; $metadata: { httpStatusCode: number } };
    expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(['ResourceNotFoundException', 404]);
    const event = (await send('streaming', {}, { InvocationType: 'Event' }).catch((e: unknown) => e)) as { name: string; message: string };
    expect([event.name, event.message]).toEqual([
      'ValidationException',
      "1 validation error detected: Value 'Event' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [RequestResponse, DryRun]",
    ]);
    const dry = await send('streaming', {}, { InvocationType: 'DryRun' });
    expect(dry.StatusCode).toBe(204);
  });
});

describe('--lambda-endpoint with STREAM integrations (InvokeWithResponseStream to another restgate)', () => {
  let front: RunningServer;
  beforeAll(async () => {
    front = await startServer({ definition: join(dir, 'api.json'), functionsDir: join(dir, 'no-functions'), lambdaEndpoint: server.origin, port: 0, log: () => {} });
  });
  afterAll(async () => {
    await front.close();
  });

  it('streams the function through both gateways, and a failure after the head still cuts the body', async () => {
    const raw = await handshakeGet(front.port, '/v1/stream?mode=handshake', join(dir, 'read-ready-remote'));
    expect([raw.head.split('\r\n')[0], dechunk(raw.rest)]).toEqual(['HTTP/1.1 200 OK', { body: 'ready;done', complete: true }]);
    const cut = await rawGet(front.port, '/v1/stream?mode=cut');
    expect([cut.head.split('\r\n')[0], dechunk(cut.rest)]).toEqual(['HTTP/1.1 200 OK', { body: 'first', complete: false }]);
    const bad = await rawGet(front.port, '/v1/stream?mode=bad-metadata');
    expect([bad.head.split('\r\n')[0], bad.rest]).toEqual(['HTTP/1.1 500 Internal Server Error', '{"message": "Internal server error"}']);
  });
});
