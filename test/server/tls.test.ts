// HTTPS serving (ServerOptions.tls; the CLI's --tls-cert and --tls-key): the same API over TLS with the
// given certificate (a self-signed one for 127.0.0.1 in fixtures/tls, valid until 2126).
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { startServer, type RunningServer } from '../../src/server/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/tls/${name}`, import.meta.url));
const cert = readFileSync(fixture('cert.pem'));
let server: RunningServer;
beforeAll(async () => {
  const definition = fileURLToPath(new URL('../gateway/fixtures/access-log/openapi.json', import.meta.url));
  server = await startServer({ definition, port: 0, host: '127.0.0.1', log: () => {}, tls: { cert, key: readFileSync(fixture('key.pem')) } });
});
afterAll(() => server.close());

function get(url: string): Promise<{ status: number; body: string; peer: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: cert }, (res) => {
      const peer = String((res.socket as TLSSocket).getPeerCertificate().subject?.CN);
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, peer }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS', () => {
  it('serves the stage at an https:// URL with the given certificate', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(await get(`${server.url}/hello`)).toEqual({ status: 200, body: 'hi', peer: '127.0.0.1' });
  });

  it('the CLI takes --tls-cert and --tls-key together, and says which file it cannot read', async () => {
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await expect(main(['serve', 'x.json', '--tls-cert', fixture('cert.pem')])).rejects.toThrow('--tls-cert and --tls-key go together');
      await expect(main(['serve', 'x.json', '--tls-cert', fixture('cert.pem'), '--tls-key', fixture('missing.pem')])).rejects.toThrow(`--tls-key: cannot read ${fixture('missing.pem')}: ENOENT`);
    } finally {
      spy.mockRestore();
    }
  });
});
