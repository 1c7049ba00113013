// readBody (src/server/http-adapter.ts) over a real socket: a body with a declared length of 64 KiB
// or more is copied into one buffer as it arrives, smaller or chunked ones are gathered; either way
// the bytes are the ones sent, in order, and the 10 MB limit holds (§14).
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody, type BodyOutcome } from '../../src/server/http-adapter.js';

let port: number;
let last: Promise<BodyOutcome> | undefined;
const server = createServer((req: IncomingMessage, res) => {
  last = readBody(req, 1024 * 1024);
  void last.then((o) => {
    res.writeHead(o.ok ? 200 : 413);
    res.end();
  });
});

beforeAll(async () => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

/** Sends `parts` one write at a time (with a Content-Length when `declare`), and resolves with what readBody read. */
async function send(parts: Buffer[], declare: boolean): Promise<BodyOutcome> {
  const total = parts.reduce((n, p) => n + p.length, 0);
  await new Promise<void>((done, fail) => {
    const req = request({ port, method: 'POST', host: '127.0.0.1', headers: declare ? { 'Content-Length': String(total) } : { 'Transfer-Encoding': 'chunked' } }, (res) => {
      res.resume();
      res.on('end', () => done());
    });
    req.on('error', fail);
    for (const p of parts) req.write(p);
    req.end();
  });
  return last!;
}

/** `n` bytes that differ from one position to the next (a shifted copy would not match). */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

describe('readBody', () => {
  it('a declared body of 64 KiB and more arrives whole and in order, in many writes', async () => {
    const parts = [bytes(70_000, 1), bytes(1, 2), bytes(200_000, 3), bytes(33_333, 4)];
    const got = await send(parts, true);
    expect(got.ok).toBe(true);
    expect((got as { body: Buffer }).body.equals(Buffer.concat(parts))).toBe(true);
  });

  it('a small declared body and a chunked one are gathered the same way', async () => {
    const small = [bytes(100, 5), bytes(900, 6)];
    expect(((await send(small, true)) as { body: Buffer }).body.equals(Buffer.concat(small))).toBe(true);
    const chunked = [bytes(80_000, 7), bytes(80_000, 8)];
    expect(((await send(chunked, false)) as { body: Buffer }).body.equals(Buffer.concat(chunked))).toBe(true);
  });

  it('a chunked body past the limit is refused as too large', async () => {
    const got = await send([bytes(600_000, 9), bytes(600_000, 10)], false);
    expect(got).toEqual({ ok: false, reason: 'too-large' });
  });
});
