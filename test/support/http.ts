// Shared test helpers: raw HTTP requests (no fetch, so no header is added or
// hidden) and catching the GatewayError a step throws.

import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { GatewayError } from '../../src/pipeline/types.js';
import { startServer, type RunningServer } from '../../src/server/index.js';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function rawRequest(url: string, method: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Serves `definition` on a free port for the test file (started before its tests, closed after,
 * logs dropped). `url()` is the server's base URL; `call` sends a raw request to a path below it.
 */
export function serveForTests(definition: string): {
  url(): string;
  call(method: string, path: string, headers?: Record<string, string>, body?: string | Buffer): Promise<RawAnswer>;
} {
  let server: RunningServer | undefined;
  beforeAll(async () => {
    server = await startServer({ definition, port: 0, host: '127.0.0.1', log: () => {} });
  });
  afterAll(async () => {
    await server?.close();
  });
  const url = (): string => {
    if (!server) throw new Error('the server is not started yet (use it inside a test)');
    return server.url;
  };
  return { url, call: (method, path, headers = {}, body) => rawRequest(`${url()}${path}`, method, headers, body) };
}

/** The GatewayError `fn` throws; fails the test when it throws nothing or something else. */
export function thrownGatewayError(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error('expected a GatewayError');
}
