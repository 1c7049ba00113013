// The seed's image API end to end over HTTP: the four documented exchanges
// (../shared/seed/binary-files-in-lambda.txt) through the working OpenAPI 3.0
// and Swagger 2.0 definitions, the verbatim seed definitions answering as AWS
// does (§3.3), and hostile input.

import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const JPEG = await readFile(join(here, 'test-data', 'gradient.jpg'));
const EVERY_BYTE = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Harness {
  server: RunningServer;
  dataDir: string;
}

/** Serve a copy of one of the example definitions with its own data directory. */
async function serve(definition: string): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'restgate-image-'));
  const dataDir = join(dir, 'data', 'images');
  await copyFile(join(here, definition), join(dir, definition));
  await writeFile(join(dir, 'restgate.config.json'), JSON.stringify({ functions: { image: { environment: { IMAGE_DATA_DIR: dataDir } } } }));
  const server = await startServer({ definition: join(dir, definition), functionsDir: join(here, 'functions'), port: 0, log: () => {} });
  return { server, dataDir };
}

async function stop(h: Harness | undefined) {
  if (!h) return;
  await h.server.close();
  await rm(dirname(dirname(h.dataDir)), { recursive: true, force: true });
}

interface Answer {
  status: number;
  headers: Headers;
  body: Buffer;
}

async function call(h: Harness, method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<Answer> {
  const res = await fetch(`${h.server.url}${path}`, { method, headers, body });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

const putRaw = (h: Harness, key: string, bytes: Buffer) =>
  call(h, 'PUT', `/lambda?key=${encodeURIComponent(key)}`, { 'Content-Type': 'application/octet-stream', Accept: 'application/json' }, bytes);
const putBase64 = (h: Harness, key: string, bytes: Buffer) =>
  call(h, 'PUT', `/lambda?key=${encodeURIComponent(key)}`, { 'Content-Type': 'application/json', Accept: 'application/json' }, bytes.toString('base64'));
const getRaw = (h: Harness, key: string) =>
  call(h, 'GET', `/lambda?key=${encodeURIComponent(key)}`, { 'Content-Type': 'application/json', Accept: 'application/octet-stream' });
const getJson = (h: Harness, key: string) =>
  call(h, 'GET', `/lambda?key=${encodeURIComponent(key)}`, { 'Content-Type': 'application/json', Accept: 'application/json' });

for (const definition of ['openapi.json', 'swagger.json']) {
  describe(`the four documented exchanges through ${definition}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await serve(definition);
    });
    afterAll(() => stop(h));

    for (const [name, bytes] of [
      ['a real JPEG', JPEG],
      ['every byte value 0-255', EVERY_BYTE],
    ] as const) {
      it(`uploads raw bytes and base64 text, downloads raw bytes and base64 JSON: ${name}`, async () => {
        // Upload raw bytes: Content-Type application/octet-stream → 200.
        const raw = await putRaw(h, 'raw.bin', bytes);
        expect(raw.status).toBe(200);
        expect(raw.headers.get('content-type')).toBe('application/json');
        expect(raw.body.toString()).toBe(`{"imageKey":"raw.bin","size":${bytes.length}}`);

        // Upload base64 text: Content-Type application/json → 200.
        const text = await putBase64(h, 'text.bin', bytes);
        expect(text.status).toBe(200);
        expect(text.body.toString()).toBe(`{"imageKey":"text.bin","size":${bytes.length}}`);

        // Both uploads stored the same bytes.
        expect(await readFile(join(h.dataDir, 'raw.bin'))).toEqual(bytes);
        expect(await readFile(join(h.dataDir, 'text.bin'))).toEqual(bytes);

        // Download raw bytes: Accept application/octet-stream → 200 and the bytes.
        for (const key of ['raw.bin', 'text.bin']) {
          const got = await getRaw(h, key);
          expect(got.status).toBe(200);
          expect(got.body.equals(bytes)).toBe(true);
          expect(got.headers.get('content-length')).toBe(String(bytes.length));
          // No Content-Type is mapped for the method response: the default application/json, even on raw bytes (aws-semantics §13.3, OBS LS-6170).
          expect(got.headers.get('content-type')).toBe('application/json');
          expect(got.headers.get('x-amzn-requestid')).toMatch(UUID);
        }

        // Download base64 JSON: Accept application/json → 200 {"image": "<base64>"}.
        const json = await getJson(h, 'raw.bin');
        expect(json.status).toBe(200);
        expect(json.headers.get('content-type')).toBe('application/json');
        expect(json.body.toString()).toBe(`{"image":"${bytes.toString('base64')}"}`);
      });
    }

    it('answers a missing image with 404 and the function message (selection on errorMessage, §3.1)', async () => {
      const got = await getJson(h, 'nothing-here.jpg');
      expect(got.status).toBe(404);
      expect(got.body.toString()).toBe('{"message": "Image not found: nothing-here.jpg"}');
      // The same error with a binary Accept stays text: CONVERT_TO_TEXT on the error responses (§1.4).
      const raw = await getRaw(h, 'nothing-here.jpg');
      expect(raw.status).toBe(404);
      expect(raw.body.toString()).toBe('{"message": "Image not found: nothing-here.jpg"}');
    });

    it('rejects an upload whose Content-Type has no template: 415 (WHEN_NO_TEMPLATES, §2.2)', async () => {
      const got = await call(h, 'PUT', '/lambda?key=x.txt', { 'Content-Type': 'text/plain' }, 'hello');
      expect(got.status).toBe(415);
      expect(got.body.toString()).toBe('{"message":"Unsupported Media Type"}');
      expect(got.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    });
  });
}

describe('hostile keys and bodies', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await serve('openapi.json');
  });
  afterAll(() => stop(h));

  const invalidKey = '{"message": "Invalid key: use 1 to 255 letters, digits, \\".\\", \\"_\\" or \\"-\\", starting with a letter or digit"}';

  for (const [name, key] of [
    ['..', '..'],
    ['../escape', '../escape'],
    ['a slash', 'a/b'],
    ['NUL', 'a\u0000b'],
    ['a quote', 'a"b'],
    ['10 000 characters', 'k'.repeat(10_000)],
  ] as const) {
    it(`a key with ${name} gets 400 and touches nothing`, async () => {
      const before = await readdir(dirname(h.dataDir)).catch(() => []);
      const put = await putRaw(h, key, Buffer.from('x'));
      expect(put.status).toBe(400);
      expect(put.body.toString()).toBe(invalidKey);
      const get = await getRaw(h, key);
      expect(get.status).toBe(400);
      expect(get.body.toString()).toBe(invalidKey);
      expect(await readdir(dirname(h.dataDir)).catch(() => [])).toEqual(before);
    });
  }

  it('an upload above Lambda\'s 6 MB invoke limit gets 413 "Request Too Long" and stores nothing (§14 [KG-10])', async () => {
    const got = await putRaw(h, 'big.bin', Buffer.alloc(5 * 1024 * 1024, 7));
    expect(got.status).toBe(413);
    expect(got.body.toString()).toBe('{"message": "Request Too Long"}');
    expect(got.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    expect((await readdir(h.dataDir).catch(() => [] as string[])).filter((f) => f.startsWith('big'))).toEqual([]);
  });

  it('a JSON upload that is not base64 gets 400 and stores nothing', async () => {
    for (const text of ['not base64!', 'QUJD=', '"QUJD"']) {
      const got = await call(h, 'PUT', '/lambda?key=bad.bin', { 'Content-Type': 'application/json' }, text);
      expect(got.status).toBe(400);
      expect(got.body.toString()).toBe('{"message": "Invalid image: the body must be the image bytes or their base64 text"}');
    }
    expect((await readdir(h.dataDir).catch(() => [] as string[])).filter((f) => f.startsWith('bad'))).toEqual([]);
  });

  it('a missing key gets 400 with its own message', async () => {
    const got = await call(h, 'GET', '/lambda', { Accept: 'application/json' });
    expect(got.status).toBe(400);
    expect(got.body.toString()).toBe('{"message": "Invalid key: the \\"key\\" query parameter is required"}');
  });

  it('an upload cut off mid-body stores nothing, and the server keeps serving', async () => {
    const url = new URL(h.server.url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `PUT ${url.pathname}/lambda?key=partial.jpg HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${JPEG.length}\r\n\r\n`,
        );
        socket.write(JPEG.subarray(0, 500), () => setTimeout(() => socket.destroy(), 50));
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    const got = await getJson(h, 'partial.jpg');
    expect(got.status).toBe(404);
    const files = await readdir(h.dataDir).catch(() => [] as string[]);
    expect(files.filter((f) => f.includes('partial') || f.startsWith('.upload-'))).toEqual([]);
  });

  it('unmatched paths, stages and verbs → 403 Missing Authentication Token (§8, §9)', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['POST', '/lambda'],
      ['GET', ''],
    ] as const) {
      const got = await call(h, method, path, {});
      expect(got.status).toBe(403);
      expect(got.body.toString()).toBe('{"message":"Missing Authentication Token"}');
      expect(got.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
      expect(got.headers.get('content-type')).toBe('application/json');
      expect(got.headers.get('x-amzn-requestid')).toMatch(UUID);
    }
    const otherStage = await fetch(`${h.server.origin}/v2/lambda?key=a`);
    expect(otherStage.status).toBe(403);
  });
});

describe('the verbatim seed definitions answer as AWS does (§3.3)', () => {
  for (const definition of ['seed-openapi.json', 'seed-swagger.json']) {
    describe(definition, () => {
      let h: Harness;
      beforeAll(async () => {
        h = await serve(definition);
        await mkdir(h.dataDir, { recursive: true });
        await writeFile(join(h.dataDir, 'image.jpg'), JPEG);
      });
      afterAll(() => stop(h));

      it('a successful GET selects the default (500) response: "2\\d{2}" never matches the empty errorMessage [LS-12574, LS-12580]', async () => {
        const got = await getJson(h, 'image.jpg');
        expect(got.status).toBe(500);
        // The default response has no template: the function's result passes through.
        expect(got.body.toString()).toBe(`"${JPEG.toString('base64')}"`);
      });

      it('a raw upload has no octet-stream template: the base64 text passes through as the event, which Lambda rejects as not JSON', async () => {
        const got = await putRaw(h, 'raw.jpg', JPEG);
        expect(got.status).toBe(400);
        expect(got.headers.get('x-amzn-errortype')).toBe('BadRequestException');
        // Lambda's InvalidRequestContentException text; the parser's own words after the prefix differ from AWS's (Java) parser.
        expect(got.body.toString()).toMatch(/^\{"message": "Could not parse request body into json: /);
        expect(await readdir(h.dataDir)).toEqual(['image.jpg']);
      });

      it('a successful base64 upload is stored, and still answered with 500', async () => {
        const got = await putBase64(h, 'uploaded.jpg', EVERY_BYTE);
        expect(got.status).toBe(500);
        expect(got.body.toString()).toBe(`{"imageKey":"uploaded.jpg","size":256}`);
        expect(await readFile(join(h.dataDir, 'uploaded.jpg'))).toEqual(EVERY_BYTE);
      });
    });
  }
});
