// `restgate --version`: the package's version (package.json).
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('restgate --version', () => {
  it('prints "restgate VERSION" and exits 0, with -v too', async () => {
    for (const flag of ['--version', '-v']) {
      let out = '';
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
      try {
        expect(await main([flag])).toBe(0);
      } finally {
        spy.mockRestore();
      }
      expect(out).toBe(`restgate ${version}\n`);
    }
  });
});
