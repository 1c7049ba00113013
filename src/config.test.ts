import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dirs: string[] = [];
function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'restgate-config-'));
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('returns defaults when no config file exists', async () => {
    expect(await loadConfig(dir({}))).toEqual({ functions: {}, stageVariables: {} });
  });

  it('reads JSON', async () => {
    const d = dir({
      'restgate.config.json': JSON.stringify({
        functions: { image: { timeout: 10, memorySize: 256, environment: { A: 'b' }, handler: 'src/app.main' } },
        stageVariables: { env: 'dev' },
        lambdaEndpoint: 'http://127.0.0.1:3001',
      }),
    });
    expect(await loadConfig(d)).toEqual({
      functions: { image: { timeout: 10, memorySize: 256, environment: { A: 'b' }, handler: 'src/app.main' } },
      stageVariables: { env: 'dev' },
      lambdaEndpoint: 'http://127.0.0.1:3001',
    });
  });

  it('reads YAML and fills missing sections', async () => {
    const d = dir({ 'restgate.config.yaml': 'functions:\n  echo:\n    reservedConcurrency: 2\n' });
    expect(await loadConfig(d)).toEqual({ functions: { echo: { reservedConcurrency: 2 } }, stageVariables: {} });
  });

  it('an empty YAML file means defaults', async () => {
    expect(await loadConfig(dir({ 'restgate.config.yml': '' }))).toEqual({ functions: {}, stageVariables: {} });
  });

  it('names the file and the JSON pointer of a bad value', async () => {
    const d = dir({ 'restgate.config.yaml': 'functions:\n  image:\n    timeout: 901\n' });
    const err = await loadConfig(d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).pointer).toBe('/functions/image/timeout');
    expect((err as Error).message).toBe(`${join(d, 'restgate.config.yaml')}: /functions/image/timeout: must be <= 900`);
  });

  it('maximumRetryAttempts is Lambda\'s 0..2', async () => {
    const d = dir({ 'restgate.config.json': '{"functions":{"a":{"maximumRetryAttempts":0}}}' });
    expect(await loadConfig(d)).toEqual({ functions: { a: { maximumRetryAttempts: 0 } }, stageVariables: {} });
    const d2 = dir({ 'restgate.config.json': '{"functions":{"a":{"maximumRetryAttempts":3}}}' });
    await expect(loadConfig(d2)).rejects.toThrow(`${join(d2, 'restgate.config.json')}: /functions/a/maximumRetryAttempts: must be <= 2`);
  });

  it('names unknown keys', async () => {
    const d = dir({ 'restgate.config.json': '{"functions":{"a":{"memory":256}}}' });
    await expect(loadConfig(d)).rejects.toThrow(`${join(d, 'restgate.config.json')}: /functions/a/memory: unknown key`);
  });

  it('rejects wrong types in stage variables and environment', async () => {
    const d = dir({ 'restgate.config.json': '{"functions":{"a":{"environment":{"N":1}}}}' });
    await expect(loadConfig(d)).rejects.toThrow('/functions/a/environment/N: must be string');
    const d2 = dir({ 'restgate.config.json': '{"stageVariables":[]}' });
    await expect(loadConfig(d2)).rejects.toThrow('/stageVariables: must be object');
  });

  it('rejects malformed handler strings and endpoints', async () => {
    const d = dir({ 'restgate.config.json': '{"functions":{"a":{"handler":"index"}}}' });
    await expect(loadConfig(d)).rejects.toThrow('/functions/a/handler: must look like `file.export`');
    const d2 = dir({ 'restgate.config.json': '{"functions":{"a":{"lambdaEndpoint":"localhost:3001"}}}' });
    await expect(loadConfig(d2)).rejects.toThrow('/functions/a/lambdaEndpoint: must be an http(s) URL');
  });

  it('reports syntax errors with the file name', async () => {
    const d = dir({ 'restgate.config.json': '{"functions":' });
    await expect(loadConfig(d)).rejects.toThrow(`${join(d, 'restgate.config.json')}: /: is not valid JSON`);
  });

  it('refuses two config files', async () => {
    const d = dir({ 'restgate.config.json': '{}', 'restgate.config.yaml': '{}' });
    await expect(loadConfig(d)).rejects.toThrow('more than one config file found');
  });
});
