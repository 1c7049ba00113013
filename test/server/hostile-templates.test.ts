// Hostile mapping templates end with the API-configuration-error answer in
// bounded time and memory, and the server keeps answering other requests (§14 limits;
// engine budgets in docs/fidelity.md, "VTL engine").

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDefinition } from '../../src/definition/load.js';
import { DefinitionError } from '../../src/definition/model.js';
import { startServer, type RunningServer } from '../../src/server/index.js';

const HOSTILE: Record<string, string> = {
  // 1000^3 iterations: each loop is within the 1000 limit, the product is not.
  loops: '#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])x#end#end#end',
  // A string doubled past 10 MB.
  doubling: '#set($s = "0123456789abcdef")#foreach($i in [1..40])#set($s = "$s$s")#end$s.length()',
  // Unbounded macro recursion.
  recursion: '#macro(down $n)#down($n)#end#down(1)',
};

// Nesting too deep to compile is refused at load, naming the template.
const NESTED = `${'#if(true)'.repeat(2000)}deep${'#end'.repeat(2000)}`;

function mockRoute(responseTemplate: string) {
  return {
    get: {
      responses: { '200': { description: 'ok' } },
      'x-amazon-apigateway-integration': {
        type: 'mock',
        requestTemplates: { 'application/json': '{"statusCode": 200}' },
        responses: { default: { statusCode: '200', responseTemplates: { 'application/json': responseTemplate } } },
      },
    },
  };
}

let server: RunningServer;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'restgate-hostile-'));
  const paths: Record<string, unknown> = {
    '/ok': mockRoute('{"ok": true}'),
    // A header value node:http refuses to write (a newline), set through an override.
    '/badheader': mockRoute('#set($context.responseOverride.header.X = "a\nb")ok'),
  };
  for (const [name, template] of Object.entries(HOSTILE)) paths[`/${name}`] = mockRoute(template);
  const definition = {
    openapi: '3.0.1',
    info: { title: 'hostile', version: '1' },
    servers: [{ url: 'https://x.execute-api.us-east-1.amazonaws.com/{basePath}', variables: { basePath: { default: '/v1' } } }],
    paths,
  };
  await writeFile(join(dir, 'api.json'), JSON.stringify(definition));
  server = await startServer({ definition: join(dir, 'api.json'), port: 0, log: () => {} });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function get(path: string) {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), body: await res.text() };
}

describe('hostile templates', () => {
  for (const name of Object.keys(HOSTILE)) {
    it(`${name}: 500 Internal server error, and the next request is served`, async () => {
      const [hostile, ok] = await Promise.all([get(`/${name}`), get('/ok')]);
      expect(hostile).toEqual({ status: 500, type: 'ApiConfigurationException', body: '{"message": "Internal server error"}' });
      expect(ok).toEqual({ status: 200, type: null, body: '{"ok": true}' });
    });
  }
});

describe('a header the template makes that HTTP cannot carry', () => {
  it('is a 500 with its own reason phrase (not the reason of the status the template chose), and the server goes on', async () => {
    const res = await fetch(`${server.url}/badheader`);
    expect([res.status, res.statusText, res.headers.get('x')]).toEqual([500, 'Internal Server Error', null]);
    expect(await res.text()).toBe('{"message":"Internal server error"}');
    expect((await get('/ok')).status).toBe(200);
  });
});

describe('templates nested too deeply', () => {
  it('fail at load with the pointer of the template', async () => {
    const definition = {
      openapi: '3.0.1',
      info: { title: 'nested', version: '1' },
      paths: { '/n': mockRoute(NESTED) },
    };
    const error = await buildDefinition(definition).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).pointer).toBe('/paths/~1n/get/x-amazon-apigateway-integration/responses/default/responseTemplates/application~1json');
    expect((error as DefinitionError).problem).toContain('nesting is too deep');
  });
});
