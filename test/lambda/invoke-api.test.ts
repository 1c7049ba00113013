// The Invoke API (src/lambda/invoke-api.ts) served from a node:http server on
// port 0, called with the real @aws-sdk/client-lambda, and createRemoteInvoker /
// createInvoker pointed at it. Error bodies: `{"Type":"User","message":...}` with
// x-amzn-ErrorType, `Message` for ResourceNotFoundException and ServiceException
// [OBS-invoke-errors in docs/fidelity.md].
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyEvent } from '../../src/lambda/proxy-event.js';
import { proxySource } from '../support/proxy-source.js';
import { invokeForIntegration } from '../../src/lambda/gateway.js';
import { parseFunctionName } from '../../src/lambda/function-name.js';
import { handleInvokeApi } from '../../src/lambda/invoke-api.js';
import type { IntegrationRequest } from '../../src/pipeline/types.js';
import { createLocalInvoker, type LocalInvoker } from '../../src/lambda/local.js';
import { createRemoteInvoker } from '../../src/lambda/remote.js';
import { createInvoker } from '../../src/lambda/router.js';
import { LambdaServiceError } from '../../src/lambda/types.js';

const FUNCTIONS = resolve(import.meta.dirname, '../fixtures/functions');
let local: LocalInvoker;
let server: Server;
let url: string;
let sdk: LambdaClient;
const emptyDir = mkdtempSync(join(tmpdir(), 'restgate-nofunctions-'));

beforeAll(async () => {
  local = createLocalInvoker({ functionsDir: FUNCTIONS, log: () => {} });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const handled = handleInvokeApi(req, Buffer.concat(chunks), local);
      if (!handled) {
        res.writeHead(418).end('not an Invoke API request');
        return;
      }
      void handled.then((r) => res.writeHead(r.statusCode, r.headers).end(r.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sdk = new LambdaClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
});
afterAll(async () => {
  sdk.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  await local.close();
  rmSync(emptyDir, { recursive: true, force: true });
});

const text = (u: Uint8Array | undefined) => Buffer.from(u ?? new Uint8Array()).toString('utf8');

describe('SDK → restgate Invoke API', () => {
  it('RequestResponse: 200, payload, X-Amz-Executed-Version', async () => {
    const out = await sdk.send(new InvokeCommand({ FunctionName: 'counter', Payload: Buffer.from('{}') }));
    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(out.FunctionError).toBeUndefined();
    expect(JSON.parse(text(out.Payload))).toMatchObject({ count: expect.any(Number) });
  });

  it('ClientContext (X-Amz-Client-Context, base64 JSON) reaches a synchronous call as context.clientContext', async () => {
    // API_Invoke, ClientContext: "Up to 3,583 bytes of base64-encoded data about the invoking client to pass to the
    // function in the context object. Lambda passes the ClientContext object to your function for synchronous invocations only."
    const cc = { client: { installation_id: 'i-1' }, custom: { feature: 'on' } };
    const out = await sdk.send(new InvokeCommand({ FunctionName: 'client-context', Payload: Buffer.from('{}'), ClientContext: Buffer.from(JSON.stringify(cc)).toString('base64') }));
    expect(JSON.parse(text(out.Payload))).toEqual({ present: true, clientContext: { ...cc, touched: true } });
    // Through createRemoteInvoker (the other direction): the InvokeRequest's JSON text travels base64-encoded.
    const remote = createRemoteInvoker({ endpoint: url });
    try {
      const r = await remote.invoke({ functionName: 'client-context', payload: Buffer.from('{}'), clientContext: JSON.stringify(cc) });
      expect(JSON.parse(r.payload.toString('utf8'))).toEqual({ present: true, clientContext: { ...cc, touched: true } });
    } finally {
      await remote.close();
    }
  });

  it('a client context that is not base64 of a JSON object → 400 InvalidRequestContentException, nothing runs', async () => {
    // Observed (github.com/boto/boto3/issues/2153): "An error occurred (InvalidRequestContentException) when calling the
    // Invoke operation: Client context must be a valid Base64-encoded JSON object."
    for (const value of ['string', 'aGVsbG8=', Buffer.from('[1,2]').toString('base64'), Buffer.from('{"a":1}').toString('base64').replace(/=+$/, '') + '!']) {
      const res = await fetch(`${url}/2015-03-31/functions/client-context/invocations`, { method: 'POST', body: '{}', headers: { 'X-Amz-Client-Context': value } });
      expect(res.status).toBe(400);
      expect(res.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
      expect(await res.text()).toBe('{"Type":"User","message":"Client context must be a valid Base64-encoded JSON object."}');
    }
    const err = await sdk.send(new InvokeCommand({ FunctionName: 'client-context', Payload: Buffer.from('{}'), ClientContext: 'string' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'InvalidRequestContentException', message: 'Client context must be a valid Base64-encoded JSON object.' });
  });

  it('a function error: 200 with X-Amz-Function-Error: Unhandled and the error payload', async () => {
    const out = await sdk.send(new InvokeCommand({ FunctionName: 'throws', Payload: Buffer.from('{"plain":true}') }));
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(JSON.parse(text(out.Payload))).toEqual({ errorType: 'string', errorMessage: 'a plain string', trace: [] });
  });

  it('LogType Tail returns the base64 log tail', async () => {
    const out = await sdk.send(new InvokeCommand({ FunctionName: 'logger', LogType: 'Tail', Payload: Buffer.from('{}') }));
    const log = Buffer.from(out.LogResult!, 'base64').toString('utf8');
    // The first call starts an instance, whose INIT_START goes to the function's log but not the tail (tails of
    // cold calls Lambda returned hold none: docs/fidelity.md, Logs).
    expect(log).toMatch(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n/);
    expect(log).toContain('\tINFO\tplain line\n');
    expect(log).toMatch(/\nREPORT RequestId: [0-9a-f-]{36}\tDuration: /);
  });

  it('LogType Tail of a function with loggingConfig JSON: the JSON records and console lines the gateway prints', async () => {
    // The tail is the function's log as Lambda writes it: in the JSON format, platform.start / platform.report
    // (telemetry-schema-reference) around the runtime client's JSON console lines ([RIC] src/LogPatch.js).
    const printed: string[] = [];
    const config = { functions: { logger: { loggingConfig: { logFormat: 'JSON' as const } } }, stageVariables: {} };
    const jsonLocal = createLocalInvoker({ functionsDir: FUNCTIONS, log: (line) => printed.push(line), config });
    const jsonServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void handleInvokeApi(req, Buffer.concat(chunks), jsonLocal)?.then((r) => res.writeHead(r.statusCode, r.headers).end(r.body)));
    });
    await new Promise<void>((r) => jsonServer.listen(0, '127.0.0.1', r));
    const client = new LambdaClient({
      endpoint: `http://127.0.0.1:${(jsonServer.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
    try {
      const out = await client.send(new InvokeCommand({ FunctionName: 'logger', LogType: 'Tail', Payload: Buffer.from('{}') }));
      const lines = Buffer.from(out.LogResult!, 'base64').toString('utf8').split('\n').slice(0, -1);
      expect([printed[0]!.includes('"type":"platform.initStart"'), ...lines]).toEqual([true, ...printed.slice(1)]);
      const records = lines.map((l) => JSON.parse(l) as { type?: string; level?: string; message?: unknown; requestId?: string; record?: { requestId: string } });
      expect(records.map((r) => r.type ?? `${r.level} ${JSON.stringify(r.message)}`)).toEqual([
        'platform.start',
        'INFO "plain line"',
        'WARN "warned 42"',
        'ERROR "two\\nlines"',
        'INFO {"a":1}',
        'INFO undefined',
        'platform.report',
      ]);
      expect(new Set(records.map((r) => r.requestId ?? r.record?.requestId))).toEqual(new Set([out.$metadata.requestId]));
    } finally {
      client.destroy();
      await new Promise<void>((r) => jsonServer.close(() => r()));
      await jsonLocal.close();
    }
  });

  it('Event → 202, DryRun → 204', async () => {
    const ev = await sdk.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: Buffer.from('{}') }));
    expect(ev.StatusCode).toBe(202);
    const dry = await sdk.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));
    expect(dry.StatusCode).toBe(204);
  });

  it('function names may be ARNs (with qualifier)', async () => {
    const out = await sdk.send(
      new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:dirfn:$LATEST', Payload: Buffer.from('{}') }),
    );
    expect(JSON.parse(text(out.Payload))).toEqual({ from: 'dirfn/index.mjs' });
  });

  it("a function ARN in another region than the client's → ResourceNotFoundException (404); in the same region it is served", async () => {
    // Observed (alexcasalboni/aws-lambda-power-tuning#18, Tim-B/grunt-aws-lambda#83): "ResourceNotFoundException:
    // Functions from 'us-east-1' are not reachable in this region ('us-west-1')". The client's region is the one it
    // signs for (SigV4 credential scope).
    const west = new LambdaClient({ endpoint: url, region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    try {
      const err = (await west
        .send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:dirfn', Payload: Buffer.from('{}') }))
        .catch((e: unknown) => e)) as { name: string; message: string; $metadata: { httpStatusCode: number } };
      expect([err.name, err.message, err.$metadata.httpStatusCode]).toEqual([
        'ResourceNotFoundException',
        "Functions from 'us-east-1' are not reachable in this region ('eu-west-1')",
        404,
      ]);
      const out = await west.send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:dirfn', Payload: Buffer.from('{}') }));
      expect(JSON.parse(text(out.Payload))).toEqual({ from: 'dirfn/index.mjs' });
      // Names without a region (a name, a partial ARN) are served whatever the client's region.
      const partial = await west.send(new InvokeCommand({ FunctionName: '123456789012:function:dirfn', Payload: Buffer.from('{}') }));
      expect(JSON.parse(text(partial.Payload))).toEqual({ from: 'dirfn/index.mjs' });
    } finally {
      west.destroy();
    }
  });

  it('unknown function → ResourceNotFoundException (404)', async () => {
    const err = (await sdk.send(new InvokeCommand({ FunctionName: 'nope', Payload: Buffer.from('{}') })).catch((e: unknown) => e)) as {
      name: string;
      message: string;
      $metadata: { httpStatusCode: number };
    };
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.message).toBe('Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope');
    expect(err.$metadata.httpStatusCode).toBe(404);
  });

  it('a payload that is not UTF-8 → InvalidRequestContentException (400) in Jackson\'s words, for RequestResponse and Event', async () => {
    // Observed: "Could not parse request body into json: Could not parse payload into json: Invalid UTF-8 start byte
    // 0x97" (awsdocs/aws-lambda-developer-guide#382), "… start byte 0xab" (aws-cloudformation/cloudformation-guard#42),
    // "… Invalid UTF-8 middle byte 0x28" (aws-samples/aws-waf-ipset-auto-update-aws-ip-ranges#1).
    const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    const refused = async (payload: Buffer, type?: 'Event') =>
      (await sdk.send(new InvokeCommand({ FunctionName: 'echo', Payload: payload, InvocationType: type })).catch((e: unknown) => e)) as {
        name: string;
        message: string;
        $metadata: { httpStatusCode: number };
      };
    const prefix = 'Could not parse request body into json: Could not parse payload into json: ';
    for (const [payload, problem] of [
      [bytes('{"text":"', [0x97], '"}'), 'Invalid UTF-8 start byte 0x97'],
      [bytes('{"text":"', [0xab], '"}'), 'Invalid UTF-8 start byte 0xab'],
      [bytes('{"text":"', [0xf8, 0x80], '"}'), 'Invalid UTF-8 start byte 0xf8'],
      [bytes('{"text":"', [0xe2, 0x28, 0xa1], '"}'), 'Invalid UTF-8 middle byte 0x28'],
      [bytes('{"text":"ok ', [0xf0, 0x9f, 0x98, 0x22], '}'), 'Invalid UTF-8 middle byte 0x22'],
    ] as const) {
      for (const type of [undefined, 'Event'] as const) {
        const err = await refused(payload, type);
        expect([err.name, err.message, err.$metadata.httpStatusCode]).toEqual(['InvalidRequestContentException', prefix + problem, 400]);
      }
    }
    // Sequences Jackson decodes though UTF-8 forbids them (an overlong '/', a surrogate) reach the function as U+FFFD.
    const out = await sdk.send(new InvokeCommand({ FunctionName: 'echo', Payload: bytes('{"text":"', [0xc0, 0xaf], '|', [0xed, 0xa0, 0x80], '"}') }));
    expect((JSON.parse(text(out.Payload)) as { event: { text: string } }).event.text).toBe('\uFFFD\uFFFD|\uFFFD\uFFFD\uFFFD');
    // DryRun does not read the payload.
    const dry = await sdk.send(new InvokeCommand({ FunctionName: 'echo', Payload: bytes([0x97]), InvocationType: 'DryRun' }));
    expect(dry.StatusCode).toBe(204);
  });

  it('invalid JSON → InvalidRequestContentException (400)', async () => {
    const err = (await sdk.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('not json') })).catch((e: unknown) => e)) as {
      name: string;
      $metadata: { httpStatusCode: number };
    };
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['InvalidRequestContentException', 400]);
  });
});

describe('raw HTTP', () => {
  it('error bodies and headers are Lambda\'s', async () => {
    const res = await fetch(`${url}/2015-03-31/functions/nope/invocations`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    // `Message` for this type: the SDK model declares it, and AWS sends it (aarondfrancis/sidecar#23, #154).
    expect(await res.text()).toBe('{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"}');
  });

  it("an unsigned request's region is the runtime's: a function ARN in another region → 404", async () => {
    const res = await fetch(`${url}/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:ap-south-2:123456789012:function:echo')}/invocations`, {
      method: 'POST',
      body: '{}',
    });
    expect([res.status, res.headers.get('x-amzn-errortype')]).toEqual([404, 'ResourceNotFoundException']);
    expect(await res.text()).toBe(`{"Type":"User","Message":"Functions from 'ap-south-2' are not reachable in this region ('${local.region}')"}`);
  });

  it('x-amzn-RequestId is the invocation\'s request id: the context and the log lines carry the same one', async () => {
    const res = await fetch(`${url}/2015-03-31/functions/echo/invocations`, { method: 'POST', body: '{}', headers: { 'X-Amz-Log-Type': 'Tail' } });
    const id = res.headers.get('x-amzn-requestid');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await res.json()) as { context: { awsRequestId: string } }).context.awsRequestId).toBe(id);
    expect(Buffer.from(res.headers.get('x-amz-log-result')!, 'base64').toString()).toContain(`START RequestId: ${id} Version: $LATEST`);
  });

  it('names, qualifiers and LogType outside the API model\'s constraints → 400 ValidationException', async () => {
    // Patterns from the Lambda API model (FunctionName, Qualifier, LogType enum): docs/fidelity.md, "Lambda Invoke API".
    const call = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${url}/2015-03-31/functions/${path}`, { method: 'POST', body: '{}', headers });
      return { status: res.status, type: res.headers.get('x-amzn-errortype'), body: (await res.json()) as Record<string, string> };
    };
    const namePattern =
      '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
    expect(await call('bad%20name/invocations')).toEqual({
      status: 400,
      type: 'ValidationException',
      body: {
        Type: 'User',
        message: `1 validation error detected: Value 'bad name' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${namePattern}`,
      },
    });
    expect((await call('echo:/invocations')).body['message']).toContain("Value 'echo:' at 'functionName'");
    expect(await call('echo/invocations?Qualifier=a.b')).toEqual({
      status: 400,
      type: 'ValidationException',
      body: {
        Type: 'User',
        message: "1 validation error detected: Value 'a.b' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)",
      },
    });
    expect(await call('echo/invocations', { 'X-Amz-Log-Type': 'tail' })).toEqual({
      status: 400,
      type: 'ValidationException',
      body: { Type: 'User', message: "1 validation error detected: Value 'tail' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [None, Tail]" },
    });
    expect((await call(`${'a'.repeat(171)}/invocations`)).body['message']).toBe(
      `1 validation error detected: Value '${'a'.repeat(171)}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 170`,
    );
    // Within the constraints: an empty Qualifier, $LATEST, a dotted name that does not exist.
    expect((await call('echo/invocations?Qualifier=')).status).toBe(200);
    expect((await call('echo:$LATEST/invocations')).status).toBe(200);
    expect(await call('no.such.fn/invocations')).toEqual({
      status: 404,
      type: 'ResourceNotFoundException',
      body: { Type: 'User', Message: `Function not found: arn:aws:lambda:${local.region}:123456789012:function:no.such.fn` },
    });
  });

  it('a qualifier in the name that differs from ?Qualifier → 400 InvalidParameterValueException', async () => {
    // EventBridge Scheduler User Guide, troubleshooting "mismatching qualifiers" (docs/fidelity.md).
    const res = await fetch(`${url}/2015-03-31/functions/echo:7/invocations?Qualifier=8`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('InvalidParameterValueException');
    expect(await res.text()).toBe('{"Type":"User","message":"The derived qualifier from the function name does not match the specified qualifier."}');
    expect((await fetch(`${url}/2015-03-31/functions/echo:7/invocations?Qualifier=7`, { method: 'POST', body: '{}' })).status).toBe(200);
  });

  it('invalid JSON for a function whose init fails is still the 400, not the init error', async () => {
    for (const name of ['import-throws', 'noexport']) {
      const res = await fetch(`${url}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body: '{bad' });
      expect(res.status).toBe(400);
      expect(res.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
      expect(res.headers.get('x-amz-function-error')).toBeNull();
    }
    // Valid JSON gets the init error, as before.
    const ok = await fetch(`${url}/2015-03-31/functions/import-throws/invocations`, { method: 'POST', body: '{}' });
    expect([ok.status, ok.headers.get('x-amz-function-error')]).toEqual([200, 'Unhandled']);
  });

  it('too large → 413 RequestEntityTooLargeException', async () => {
    const big = JSON.stringify('x'.repeat(6 * 1024 * 1024));
    const res = await fetch(`${url}/2015-03-31/functions/echo/invocations`, { method: 'POST', body: big });
    expect(res.status).toBe(413);
    expect(res.headers.get('x-amzn-errortype')).toBe('RequestEntityTooLargeException');
    // The wording Lambda answers with now (pelmers/streetwarp-web#14, 2024; JupiterOne/sdk#565, 2021).
    expect(await res.json()).toEqual({ Type: 'User', message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' });
  });

  it('a bad X-Amz-Invocation-Type → 400 ValidationException', async () => {
    const res = await fetch(`${url}/2015-03-31/functions/echo/invocations`, { method: 'POST', body: '{}', headers: { 'X-Amz-Invocation-Type': 'Later' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('ValidationException');
  });

  it('success headers; other paths are not the Invoke API', async () => {
    const res = await fetch(`${url}/2015-03-31/functions/throws/invocations`, { method: 'POST', body: '{}', headers: { 'X-Amz-Log-Type': 'Tail' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(res.headers.get('x-amz-executed-version')).toBe('$LATEST');
    expect(res.headers.get('x-amz-log-result')).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect((await fetch(`${url}/v1/lambda`, { method: 'POST', body: '{}' })).status).toBe(418);
    expect((await fetch(`${url}/2015-03-31/functions/echo/invocations`)).status).toBe(418);
  });

  it('parseFunctionName', () => {
    expect(parseFunctionName('image')).toEqual({ functionName: 'image', qualifier: undefined });
    expect(parseFunctionName('image:live')).toEqual({ functionName: 'image', qualifier: 'live' });
    expect(parseFunctionName('123456789012:function:image')).toEqual({ functionName: 'image', qualifier: undefined });
    expect(parseFunctionName('arn:aws:lambda:eu-west-1:123456789012:function:image:7')).toEqual({ functionName: 'image', qualifier: '7', region: 'eu-west-1' });
  });
});

describe('createRemoteInvoker → restgate Invoke API', () => {
  it('invokes, carries function errors and log tails, maps service errors', async () => {
    const remote = createRemoteInvoker({ endpoint: url });
    try {
      const ok = await remote.invoke({ functionName: 'dirfn', payload: Buffer.from('{}') });
      expect([ok.statusCode, ok.payload.toString(), ok.functionError, ok.executedVersion]).toEqual([200, '{"from":"dirfn/index.mjs"}', undefined, '$LATEST']);
      const failed = await remote.invoke({ functionName: 'throws', payload: Buffer.from('{"message":"m"}'), logType: 'Tail' });
      expect(failed.functionError).toBe('Unhandled');
      expect(JSON.parse(failed.payload.toString())).toMatchObject({ errorType: 'BudgetExhausted', errorMessage: 'm' });
      expect(Buffer.from(failed.logResult!, 'base64').toString()).toContain('ERROR\tInvoke Error \t{"errorType":"BudgetExhausted"');
      const err = await remote.invoke({ functionName: 'nope', payload: Buffer.from('{}') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LambdaServiceError);
      expect(err).toMatchObject({ errorType: 'ResourceNotFoundException', statusCode: 404, message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope' });
    } finally {
      await remote.close();
    }
  });

  it('a proxy event the gateway built reaches a remote endpoint as its JSON (the compact form is for local workers only)', async () => {
    const remote = createRemoteInvoker({ endpoint: url });
    try {
      const source = proxySource({ resource: '/{proxy+}', path: '/a', headers: ['constructor', 'x'] });
      const request = {
        uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:echo-proxy/invocations',
        integration: { httpMethod: 'POST', timeoutInMillis: 29_000 },
      } as unknown as IntegrationRequest;
      const result = await invokeForIntegration(request, { lambda: remote }, source);
      expect(result.statusCode).toBe(200);
      expect((JSON.parse(result.payload.toString()) as { body: string }).body).toBe(JSON.stringify(proxyEvent(source)));
    } finally {
      await remote.close();
    }
  });

  it('an unreachable endpoint is a LambdaServiceError, not a crash', async () => {
    const remote = createRemoteInvoker({ endpoint: 'http://127.0.0.1:9' });
    try {
      const err = await remote.invoke({ functionName: 'x', payload: Buffer.from('{}') }).catch((e: unknown) => e);
      expect(err).toMatchObject({ errorType: 'ServiceException', statusCode: 502 });
    } finally {
      await remote.close();
    }
  });
});

describe('createInvoker routing', () => {
  it('per-function lambdaEndpoint, then local files, then the global endpoint', async () => {
    const router = createInvoker({
      functionsDir: FUNCTIONS,
      log: () => {},
      lambdaEndpoint: url,
      config: { functions: { echo: { lambdaEndpoint: url } }, stageVariables: {} },
    });
    const onlyRemote = createInvoker({ functionsDir: emptyDir, log: () => {}, config: { functions: {}, stageVariables: {}, lambdaEndpoint: url } });
    const nowhere = createInvoker({ log: () => {} });
    try {
      expect(router.targetOf('echo')).toBe(url);
      expect(router.targetOf('counter')).toBe('local');
      expect(router.targetOf('elsewhere')).toBe(url);
      // counter runs in this router's own local runtime: a fresh instance, count 1
      expect(JSON.parse((await router.invoke({ functionName: 'counter', payload: Buffer.from('{}') })).payload.toString())).toMatchObject({ count: 1 });
      expect(router.local?.stats('echo').instances).toBe(0);
      const echoed = JSON.parse((await router.invoke({ functionName: 'echo', payload: Buffer.from('{"x":1}') })).payload.toString());
      expect(echoed.event).toEqual({ x: 1 });
      expect(router.local?.stats('echo').instances).toBe(0); // served remotely

      expect(onlyRemote.has('dirfn')).toBe(true);
      expect(onlyRemote.targetOf('dirfn')).toBe(url);
      expect((await onlyRemote.invoke({ functionName: 'dirfn', payload: Buffer.from('{}') })).payload.toString()).toBe('{"from":"dirfn/index.mjs"}');

      expect(nowhere.has('x')).toBe(false);
      await expect(nowhere.invoke({ functionName: 'x', payload: Buffer.from('{}') })).rejects.toMatchObject({ errorType: 'ResourceNotFoundException', statusCode: 404 });
    } finally {
      await Promise.all([router.close(), onlyRemote.close(), nowhere.close()]);
    }
  });
});
