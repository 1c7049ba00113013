// The HTTP adapter's last step (src/server/http-adapter.ts writeResponse): what
// goes on the wire for a pipeline response, read back as raw header lines.
// §13.3 (aws-semantics.md): every response carries x-amzn-RequestId and
// x-amz-apigw-id; Content-Type defaults to application/json; Content-Length is
// the body's; a mapped Connection / Transfer-Encoding / Content-Length is not
// sent as mapped.

import { Agent, createServer, get, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { writeResponse } from '../../src/server/http-adapter.js';
import type { OutgoingResponse } from '../../src/pipeline/types.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** Serves `response` once and returns the status, the raw header pairs (minus Date) and the body bytes. */
async function wire(response: OutgoingResponse): Promise<{ status: number; headers: Array<[string, string]>; body: Buffer }> {
  server = createServer((_req, res) => writeResponse(res, response, { requestId: 'req-1', extendedRequestId: 'ext-1=' }));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  // A keep-alive client: the Connection header on the wire is then the server's own, not the mapped 'close'.
  const agent = new Agent({ keepAlive: true });
  return new Promise((resolve, reject) => {
    get({ port, host: '127.0.0.1', agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: Array<[string, string]> = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i] !== 'Date') headers.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        agent.destroy();
        resolve({ status: res.statusCode!, headers, body: Buffer.concat(chunks) });
      });
    }).on('error', reject);
  });
}

describe('writeResponse', () => {
  it('a name repeated in another case is sent under its first spelling, values in order; reserved ones replaced', async () => {
    const out = await wire({
      statusCode: 201,
      headers: [
        ['X-Multi', 'one'],
        ['Content-Type', 'text/plain'],
        ['x-multi', 'two'],
        ['Content-Length', '999'],
        ['Connection', 'close'],
        ['X-MULTI', 'three'],
        ['Transfer-Encoding', 'chunked'],
      ],
      body: Buffer.from('héllo'),
    });
    expect(out.status).toBe(201);
    expect(out.headers).toEqual([
      ['X-Multi', 'one'],
      ['X-Multi', 'two'],
      ['X-Multi', 'three'],
      ['Content-Type', 'text/plain'],
      ['x-amzn-RequestId', 'req-1'],
      ['x-amz-apigw-id', 'ext-1='],
      ['Content-Length', '6'],
      // §13.3: Connection: keep-alive, and no Keep-Alive line (node:http's own, which API Gateway does not send).
      ['Connection', 'keep-alive'],
    ]);
    expect(out.body.equals(Buffer.from('héllo'))).toBe(true);
  });

  it('a client that asks to close (or HTTP/1.0 without keep-alive) gets Connection: close and the connection ends', async () => {
    server = createServer((_req, res) => writeResponse(res, { statusCode: 200, headers: [], body: Buffer.from('ok') }, { requestId: 'r', extendedRequestId: 'e=' }));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    const exchange = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(request));
        let text = '';
        socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
        socket.on('end', () => resolve(text)); // the server closed it
        socket.on('error', reject);
      });
    for (const request of ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'GET / HTTP/1.0\r\nHost: x\r\n\r\n']) {
      const text = await exchange(request);
      const head = text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n').filter((l) => !l.startsWith('Date: '));
      expect(head.slice(1)).toEqual(['Content-Type: application/json', 'x-amzn-RequestId: r', 'x-amz-apigw-id: e=', 'Content-Length: 2', 'Connection: close']);
      expect(text.endsWith('\r\n\r\nok')).toBe(true);
    }
  });

  it('without a Content-Type the response says application/json; an empty body has Content-Length 0', async () => {
    const out = await wire({ statusCode: 204, headers: [], body: Buffer.alloc(0) });
    expect(out.status).toBe(204);
    expect(out.headers.slice(0, 3)).toEqual([
      ['Content-Type', 'application/json'],
      ['x-amzn-RequestId', 'req-1'],
      ['x-amz-apigw-id', 'ext-1='],
    ]);
    expect(out.body.length).toBe(0);
  });
});
