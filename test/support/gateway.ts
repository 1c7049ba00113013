// Helpers for driving the request pipeline directly (no sockets): build an
// IncomingRequest, a Gateway from an inline definition, and a LambdaInvoker
// double whose answers a test scripts.

import { buildDefinition } from '../../src/definition/load.js';
import type { InvokeRequest, InvokeResult, LambdaInvoker } from '../../src/lambda/types.js';
import { createGateway, type Gateway } from '../../src/pipeline/run.js';
import type { IncomingRequest, OutgoingResponse, Pairs } from '../../src/pipeline/types.js';
import { parseQuery } from '../../src/server/http-adapter.js';

export interface RequestSpec {
  headers?: Pairs;
  body?: string | Buffer;
}

let counter = 0;
export function incoming(httpMethod: string, url: string, spec: RequestSpec = {}): IncomingRequest {
  const q = url.indexOf('?');
  const rawQuery = q === -1 ? '' : url.slice(q + 1);
  counter += 1;
  return {
    requestId: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    extendedRequestId: 'ca2IdHHqoAMFo6w=',
    startTime: Date.UTC(2026, 10, 25, 12, 0, 0),
    httpMethod,
    rawPath: q === -1 ? url : url.slice(0, q),
    rawQuery,
    query: parseQuery(rawQuery),
    headers: [['Host', 'abcdefghi.execute-api.us-east-1.amazonaws.com'], ...(spec.headers ?? [])],
    body: spec.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(spec.body) ? spec.body : Buffer.from(spec.body),
    sourceIp: '203.0.113.7',
    protocol: 'HTTP/1.1',
  };
}

/** A Lambda double: the test decides what each invocation returns. */
/** What a scripted invocation answers: the payload (text or bytes) and optionally other result fields. */
export type ScriptedAnswer = Partial<Omit<InvokeResult, 'payload'>> & { payload: Buffer | string };

export function scriptedLambda(answer: (event: unknown, request: InvokeRequest) => ScriptedAnswer): LambdaInvoker & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    has: () => true,
    close: async () => {},
    async invoke(request) {
      const event = JSON.parse(request.payload.toString('utf8') || 'null');
      calls.push(event);
      const a = answer(event, request);
      return {
        statusCode: 200,
        functionError: undefined,
        logResult: undefined,
        executedVersion: '$LATEST',
        ...a,
        payload: Buffer.isBuffer(a.payload) ? a.payload : Buffer.from(a.payload),
      };
    },
  };
}

/** A function error as the Node.js runtime reports it. */
export function functionError(errorMessage: string, errorType = 'Error'): ScriptedAnswer & { payload: string } {
  return {
    functionError: 'Unhandled',
    payload: JSON.stringify({ errorType, errorMessage, trace: [`${errorType}: ${errorMessage}`, '    at handler (index.mjs:1:1)'] }),
  };
}

export async function gatewayFor(document: unknown, lambda: LambdaInvoker = scriptedLambda(() => ({ payload: '{}' }))): Promise<Gateway> {
  const api = await buildDefinition(document);
  return createGateway(api, { lambda } as never);
}

export interface Shown {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Status, headers (lower-cased names) and body text of a pipeline response. */
export function show(response: OutgoingResponse): Shown {
  const headers: Record<string, string> = {};
  for (const [k, v] of response.headers) headers[k.toLowerCase()] = v;
  return { status: response.statusCode, headers, body: response.body.toString('utf8') };
}

/** A one-path OpenAPI 3.0 document around an operation. */
export function oas3(path: string, operations: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return {
    openapi: '3.0.1',
    info: { title: 'test', version: '1' },
    servers: [{ url: 'https://abcdefghi.execute-api.us-east-1.amazonaws.com/{basePath}', variables: { basePath: { default: '/test' } } }],
    paths: { [path]: operations },
    ...extra,
  };
}

export const LAMBDA_URI =
  'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:fn/invocations';

/** Method responses declaring each status. */
export function responses(...codes: string[]): Record<string, unknown> {
  return Object.fromEntries(codes.map((c) => [c, { description: c }]));
}
