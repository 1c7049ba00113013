// CORS the REST way (§13.1 [D-cors]; D-ext gatewayResponse pages), checked by a
// real browser: a page on one origin calls examples/cors-api on another origin
// with preflighted requests and reads the answers.
//
// Needs Chromium at /usr/bin/chromium (Debian package `chromium`).

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/index.js';

const CHROMIUM = '/usr/bin/chromium';
const definition = fileURLToPath(new URL('../examples/cors-api/openapi.yaml', import.meta.url));

let api: RunningServer;
let site: Server;
let siteOrigin: string;
let userDataDir: string;
let context: BrowserContext;
let page: Page;
const apiLog: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install the Debian package "chromium" (apt-get install -y chromium)`);
  }
  api = await startServer({ definition, port: 0, host: '127.0.0.1', log: (line) => apiLog.push(line) });
  site = createServer((req, res) => {
    const body = '<!doctype html><html><head><title>cors page</title></head><body>page</body></html>';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  userDataDir = await mkdtemp(join(tmpdir(), 'restgate-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${siteOrigin}/`);
});

afterAll(async () => {
  await context?.close();
  await api?.close();
  if (site) await new Promise<void>((resolve) => site.close(() => resolve()));
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

interface FetchOutcome {
  ok: boolean;
  status?: number;
  body?: string;
  contentType?: string | null;
  error?: string;
}

/** Run fetch() inside the page (origin siteOrigin) against the API. */
function browserFetch(url: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<FetchOutcome> {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const r = await fetch(url, { ...init, mode: 'cors' });
        return { ok: true, status: r.status, body: await r.text(), contentType: r.headers.get('content-type') };
      } catch (e) {
        return { ok: false, error: String(e) };
      }
    },
    { url, init },
  );
}

describe('CORS example in a headless browser (§13.1; D-cors)', () => {
  it('page and API are on different origins', () => {
    expect(new URL(api.url).origin).not.toBe(siteOrigin);
    expect(page.url()).toBe(`${siteOrigin}/`);
  });

  it('preflighted PUT with JSON and a custom header succeeds and the page reads the answer', async () => {
    const r = await browserFetch(`${api.url}/notes`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-Request-Tag': 'from-browser' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(r).toEqual({
      ok: true,
      status: 200,
      body: '{"stored":true,"method":"PUT","resource":"/notes"}',
      contentType: 'application/json',
    });
  });

  it('a validation error is readable cross-origin thanks to the DEFAULT_4XX gateway response (§9.3, §10)', async () => {
    const missingHeader = await browserFetch(`${api.url}/notes`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(missingHeader).toEqual({
      ok: true,
      status: 400,
      body: '{"message":"Missing required request parameters: [X-Request-Tag]","type":"BAD_REQUEST_PARAMETERS"}',
      contentType: 'application/json',
    });
    const badBody = await browserFetch(`${api.url}/notes`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-Request-Tag': 't' },
      body: JSON.stringify({ text: '' }),
    });
    expect(badBody).toMatchObject({ ok: true, status: 400, body: '{"message":"Invalid request body","type":"BAD_REQUEST_BODY"}' });
  });

  it('simple GET (no preflight) reads the mapped Access-Control-Allow-Origin response', async () => {
    const r = await browserFetch(`${api.url}/notes`, { method: 'GET' });
    expect(r).toEqual({ ok: true, status: 200, body: '{"notes":[{"id":1,"text":"hello"}]}', contentType: 'application/json' });
  });

  it('unknown path: GET reads the 403 via DEFAULT_4XX; a preflighted PUT is blocked (no OPTIONS method there)', async () => {
    const get = await browserFetch(`${api.url}/nope`, { method: 'GET' });
    expect(get).toEqual({
      ok: true,
      status: 403,
      body: '{"message":"Missing Authentication Token","type":"MISSING_AUTHENTICATION_TOKEN"}',
      contentType: 'application/json',
    });
    const put = await browserFetch(`${api.url}/nope`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(put.ok).toBe(false);
    expect(put.error).toMatch(/TypeError/);
  });
});
