// bench/lib/calls.mjs, the call driver bench/instructions.mjs counts under valgrind: it must keep
// working against the built dist/ (run here natively, without valgrind).
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const driver = resolve(root, 'bench/lib/calls.mjs');
// A driver that hangs is killed rather than left behind.
const CHILD_TIMEOUT_MS = 20_000;

describe('bench/lib/calls.mjs', { timeout: CHILD_TIMEOUT_MS + 5_000 }, () => {
  it('sends N proxy requests through the pipeline and the function, every one answered 200, and logs Lambda lines', async () => {
    const { stdout } = await run(process.execPath, [driver, root, 'proxy', '30'], { timeout: CHILD_TIMEOUT_MS });
    const m = /^calls 30, log bytes (\d+)\n$/.exec(stdout);
    expect(m).not.toBeNull();
    // START, END and REPORT for the warm-up calls and the 30: well over 100 bytes each.
    expect(Number(m![1])).toBeGreaterThan(30 * 3 * 40);
  });

  it('sends MOCK requests, which log nothing', async () => {
    const { stdout } = await run(process.execPath, [driver, root, 'mock', '30'], { timeout: CHILD_TIMEOUT_MS });
    expect(stdout).toBe('calls 30, log bytes 0\n');
  });

  it('refuses an unknown route with its usage and exit code 2', async () => {
    const err = await run(process.execPath, [driver, root, 'custom', '30'], { timeout: CHILD_TIMEOUT_MS }).then(
      () => undefined,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toBe('usage: node bench/lib/calls.mjs ROOT proxy|mock N\n');
  });
});
