// The `restgate` command as a user runs it: bin/restgate.js on the built dist/.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'restgate.js');
const fixture = join(root, 'test', 'cli', 'fixture');

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

beforeAll(() => {
  // The command runs the compiled output, exactly as after `npm ci`.
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root });
});

interface Started {
  child: ChildProcess;
  url: string;
  banner: string;
  stdout: () => string;
}

async function start(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 15_000;
  while (!/\n {2}\S+ +http/.test(out)) {
    if (child.exitCode !== null) throw new Error(`restgate exited ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) throw new Error(`restgate did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const url = /serving "[^"]*" at (\S+)/.exec(out)![1]!;
  return { child, url, banner: out, stdout: () => out };
}

describe('restgate serve', () => {
  it('prints the base URL and every route, and serves them', async () => {
    const { url, banner } = await start(['serve', join(fixture, 'api.yaml'), '--port', '0']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dev$/);
    expect(banner).toContain(`  GET ${url}/slow\n`);
    expect(banner).toContain(`  GET ${url}/ping\n`);
    const res = await fetch(`${url}/ping`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"pong": true}');
  });

  it('--stage overrides the stage from the definition', async () => {
    const { url } = await start(['serve', join(fixture, 'api.yaml'), '--port', '0', '--stage', 'prod']);
    expect(url).toMatch(/\/prod$/);
    expect((await fetch(`${url}/ping`)).status).toBe(200);
  });

  it('SIGTERM stops accepting, finishes the request in flight, and exits 0', async () => {
    const { child, url } = await start(['serve', join(fixture, 'api.yaml'), '--port', '0']);
    const inFlight = fetch(`${url}/slow?ms=400`).then(async (r) => ({ status: r.status, body: await r.text() }));
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(await inFlight).toEqual({ status: 200, body: '{"waited":400}' });
    expect(code).toBe(0);
    await expect(fetch(`${url}/ping`)).rejects.toThrow();
  });

  it('a broken definition fails at load with the JSON pointer of the culprit, exit 1', () => {
    let failure: { status: number | null; stderr: string } | undefined;
    try {
      execFileSync(process.execPath, [bin, 'serve', join(fixture, 'broken.json'), '--port', '0'], { stdio: 'pipe' });
    } catch (err) {
      const e = err as { status: number | null; stderr: Buffer };
      failure = { status: e.status, stderr: e.stderr.toString() };
    }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr).toContain('/paths/~1x/get/x-amazon-apigateway-integration/type');
  });

  it('a Lambda integration whose function file is missing fails at load, naming where it looked', () => {
    let stderr = '';
    try {
      execFileSync(process.execPath, [bin, 'serve', join(fixture, 'missing-function.json'), '--port', '0'], { stdio: 'pipe' });
    } catch (err) {
      stderr = (err as { stderr: Buffer }).stderr.toString();
    }
    const dir = join(fixture, 'functions');
    expect(stderr).toBe(
      `restgate: invalid definition\n  ${join(fixture, 'missing-function.json')}: /paths/~1x/get/x-amazon-apigateway-integration/uri: ` +
        `function nowhere not found (looked for ${dir}/nowhere.{ts,mts,js,mjs,cjs} or ${dir}/nowhere/index.*)\n`,
    );
  });

  it('usage errors exit 2 and print the usage', () => {
    let status: number | null = null;
    try {
      execFileSync(process.execPath, [bin, 'bogus'], { stdio: 'pipe' });
    } catch (err) {
      status = (err as { status: number | null }).status;
    }
    expect(status).toBe(2);
    expect(execFileSync(process.execPath, [bin, '--help']).toString()).toContain('Usage: restgate serve <definition>');
  });
});
