// The stage's access log (restgate.config accessLog.format; API Gateway Developer Guide, "Variables for
// access logging"; src/pipeline/access-log.ts): one line per request, its $context variables and the
// access-log-only ones filled in, `-` where a variable has no value.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAccessLogFormat } from '../../src/pipeline/access-log.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { rawRequest } from '../support/http.js';

const lines: string[] = [];
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ definition: fileURLToPath(new URL('./fixtures/access-log/openapi.json', import.meta.url)), port: 0, host: '127.0.0.1', log: (l) => lines.push(l) });
});
afterAll(() => server.close());

/** The access log line of the request whose id the response names. */
function lineFor(requestId: string): Record<string, string> {
  const line = lines.find((l) => l.startsWith(`{"requestId":"${requestId}"`));
  if (!line) throw new Error(`no access log line for ${requestId} in:\n${lines.join('\n')}`);
  return JSON.parse(line) as Record<string, string>;
}

describe('access log', () => {
  it('a served request: its $context values, status, response length, integration status and latencies', async () => {
    const r = await rawRequest(`${server.url}/hello`, 'GET');
    const line = lineFor(String(r.headers['x-amzn-requestid']));
    expect(line).toMatchObject({ ip: '127.0.0.1', caller: '-', httpMethod: 'GET', resourcePath: '/hello', status: '200', protocol: 'HTTP/1.1', responseLength: '2', integrationStatus: '200', error: '-', type: '-' });
    expect(line['requestTime']).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Number(line['integrationLatency'])).toBeGreaterThanOrEqual(0);
    expect(Number(line['responseLatency'])).toBeGreaterThanOrEqual(Number(line['integrationLatency']));
  });

  it('a gateway response: its status, error message and response type; no integration', async () => {
    const r = await rawRequest(`${server.url}/nowhere`, 'GET');
    expect(lineFor(String(r.headers['x-amzn-requestid']))).toMatchObject({
      resourcePath: '-',
      status: '403',
      responseLength: '42',
      integrationStatus: '-',
      integrationLatency: '-',
      error: 'Missing Authentication Token',
      type: 'MISSING_AUTHENTICATION_TOKEN',
    });
  });

  it('the format: text kept as written, a trailing dot is text, unknown variables print -', () => {
    const f = compileAccessLogFormat('$context.status. [$context.nope] $context.error.responseType-x');
    const request = { startTime: 0 } as never;
    expect(f({ request, response: { statusCode: 204, headers: [], body: Buffer.alloc(0) }, end: 5 })).toBe('204. [-] --x');
  });
});
