// --watch and the definition (src/server/watch-definition.ts): an edited definition is served without a
// restart; one that does not load is reported with its pointer while the previous one keeps serving;
// restgate.config's gateway settings (here apiKeys) apply too, its function settings after a restart.

import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.js';
import { rawRequest } from '../support/http.js';

const dir = mkdtempSync(join(tmpdir(), 'restgate-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'openapi.json');

/** A MOCK API answering `text` at GET /hello (and, with `keyed`, requiring an API key there). */
function definition(text: string, keyed = false): string {
  return JSON.stringify({
    openapi: '3.0.1',
    info: { title: 'watched', version: '1' },
    servers: [{ url: 'https://example.com/{basePath}', variables: { basePath: { default: 'v1' } } }],
    paths: {
      '/hello': {
        get: {
          ...(keyed ? { security: [{ key: [] }] } : {}),
          responses: { '200': { description: 'ok' } },
          'x-amazon-apigateway-integration': {
            type: 'mock',
            requestTemplates: { 'application/json': '{"statusCode": 200}' },
            responses: { default: { statusCode: '200', responseTemplates: { 'application/json': text } } },
          },
        },
      },
    },
    components: { securitySchemes: { key: { type: 'apiKey', name: 'x-api-key', in: 'header' } } },
  });
}

/** Writes as editors often do: a temporary file renamed over the old one. */
function save(name: string, text: string): void {
  writeFileSync(join(dir, `.${name}.tmp`), text);
  renameSync(join(dir, `.${name}.tmp`), join(dir, name));
}

/** Polls GET /hello until its answer is `expected` (a reload takes a moment), returning the last answer. */
async function until(url: string, expected: [number, string], headers: Record<string, string> = {}): Promise<[number, string]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await rawRequest(`${url}/hello`, 'GET', headers);
    const got: [number, string] = [r.status, r.body.toString('utf8')];
    if ((got[0] === expected[0] && got[1] === expected[1]) || Date.now() > deadline) return got;
    await new Promise((res) => setTimeout(res, 50));
  }
}

describe('--watch: the definition', () => {
  it('an edit is served without a restart; a broken one is reported and the last good one still serves', async () => {
    writeFileSync(file, definition('one'));
    const lines: string[] = [];
    const server = await startServer({ definition: file, port: 0, host: '127.0.0.1', watch: true, log: (l) => lines.push(l) });
    try {
      expect(await until(server.url, [200, 'one'])).toEqual([200, 'one']);
      save('openapi.json', definition('two'));
      expect(await until(server.url, [200, 'two'])).toEqual([200, 'two']);
      expect(lines).toContain(`restgate: reloaded ${file} (1 routes)`);

      const broken = JSON.parse(definition('three')) as { paths: Record<string, { get: Record<string, unknown> }> };
      broken.paths['/hello']!.get['x-amazon-apigateway-integration'] = { type: 'nope' };
      save('openapi.json', JSON.stringify(broken));
      const deadline = Date.now() + 10_000;
      while (!lines.some((l) => l.startsWith('restgate: not reloaded')) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
      const report = lines.find((l) => l.startsWith('restgate: not reloaded'));
      expect(report).toMatch(new RegExp(`^restgate: not reloaded, still serving the previous definition: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: /paths/~1hello/get/x-amazon-apigateway-integration/type: `));
      expect(await until(server.url, [200, 'two'])).toEqual([200, 'two']);
    } finally {
      await server.close();
    }
  });

  it("restgate.config's apiKeys apply when it changes; a change to function settings is reported", async () => {
    writeFileSync(file, definition('keyed', true));
    writeFileSync(join(dir, 'restgate.config.json'), JSON.stringify({ apiKeys: [] }));
    const lines: string[] = [];
    const server = await startServer({ definition: file, port: 0, host: '127.0.0.1', watch: true, log: (l) => lines.push(l) });
    try {
      const key = { 'x-api-key': 'k-0123456789abcdefghij' };
      expect(await until(server.url, [403, '{"message":"Forbidden"}'], key)).toEqual([403, '{"message":"Forbidden"}']);
      save('restgate.config.json', JSON.stringify({ apiKeys: [{ value: key['x-api-key'] }], functions: { other: { timeout: 5 } } }));
      expect(await until(server.url, [200, 'keyed'], key)).toEqual([200, 'keyed']);
      expect(lines).toContain("restgate: restgate.config's function settings changed: restart restgate to apply them (the other settings apply now)");
    } finally {
      await server.close();
      rmSync(join(dir, 'restgate.config.json'));
    }
  });
});
