// examples/streaming-api over HTTP: a STREAM integration sends each event as the function writes it
// (API Gateway Developer Guide, response-transfer-mode-lambda); the same function behind a BUFFERED
// integration answers its metadata's status and headers without the body (ibid., the BUFFERED +
// Invoke row).

import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serveForTests } from '../support/http.js';

const definition = fileURLToPath(new URL('../../examples/streaming-api/openapi.yaml', import.meta.url));
const server = serveForTests(definition);

/** GET, with the body's pieces as they arrive. */
function pieces(path: string): Promise<{ status: number; headers: Record<string, unknown>; pieces: string[] }> {
  return new Promise((done, fail) => {
    get(`${server.url()}${path}`, (res) => {
      const seen: string[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => seen.push(chunk));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, pieces: seen }));
    }).on('error', fail);
  });
}

describe('examples/streaming-api', () => {
  it('GET /countdown: a text/event-stream, chunked, one event per piece', async () => {
    const r = await pieces('/countdown?from=3');
    expect(r.status).toBe(200);
    expect([r.headers['content-type'], r.headers['cache-control'], r.headers['transfer-encoding']]).toEqual(['text/event-stream', 'no-cache', 'chunked']);
    expect(r.pieces.join('')).toBe('data: 3\n\ndata: 2\n\ndata: 1\n\ndata: liftoff\n\n');
    // Events are 200 ms apart and sent as written: they arrive in several pieces (a buffered answer
    // would come in one; test/lambda/streaming-e2e.test.ts proves the order of arrival exactly).
    expect(r.pieces.length).toBeGreaterThan(1);
  });

  it('GET /countdown-buffered: the metadata\'s status and headers, no body', async () => {
    const r = await pieces('/countdown-buffered');
    expect([r.status, r.headers['content-type'], r.headers['content-length'], r.pieces]).toEqual([200, 'text/event-stream', '0', []]);
  });
});
