import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, ConfigError, loadConfig } from './config.js';

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

  it('loggingConfig is Lambda\'s LoggingConfig: logFormat Text | JSON, applicationLogLevel TRACE..FATAL, systemLogLevel DEBUG | INFO | WARN', async () => {
    // docs.aws.amazon.com/lambda/latest/api/API_LoggingConfig.html: the enums, as the API spells them.
    const loggingConfig = { logFormat: 'JSON', applicationLogLevel: 'TRACE', systemLogLevel: 'WARN' };
    const d = dir({ 'restgate.config.json': JSON.stringify({ functions: { a: { loggingConfig }, b: { loggingConfig: { logFormat: 'Text' } } } }) });
    expect(await loadConfig(d)).toEqual({ functions: { a: { loggingConfig }, b: { loggingConfig: { logFormat: 'Text' } } }, stageVariables: {} });
    for (const [bad, pointer] of [
      [{ logFormat: 'json' }, 'logFormat'],
      [{ logFormat: 'JSON', applicationLogLevel: 'VERBOSE' }, 'applicationLogLevel'],
      [{ logFormat: 'JSON', systemLogLevel: 'ERROR' }, 'systemLogLevel'],
    ] as const) {
      const d2 = dir({ 'restgate.config.yaml': `functions:\n  a:\n    loggingConfig: ${JSON.stringify(bad)}\n` });
      await expect(loadConfig(d2)).rejects.toThrow(
        `${join(d2, 'restgate.config.yaml')}: /functions/a/loggingConfig/${pointer}: must be equal to one of the allowed values`,
      );
    }
    const d3 = dir({ 'restgate.config.json': '{"functions":{"a":{"loggingConfig":{"logGroup":"/custom"}}}}' });
    await expect(loadConfig(d3)).rejects.toThrow(`${join(d3, 'restgate.config.json')}: /functions/a/loggingConfig/logGroup: unknown key`);
  });

  it('loggingConfig levels need logFormat JSON: with Text, or without a format (Text by default), they are a load-time error', async () => {
    // Developer Guide, monitoring-cloudwatchlogs-log-level: "To use log-level filtering, your function must be
    // configured to use the JSON log format. The default log format ... is currently plain text."
    for (const [loggingConfig, pointer] of [
      [{ logFormat: 'Text', applicationLogLevel: 'DEBUG' }, 'applicationLogLevel'],
      [{ systemLogLevel: 'WARN' }, 'systemLogLevel'],
    ] as const) {
      const d = dir({ 'restgate.config.json': JSON.stringify({ functions: { a: { loggingConfig } } }) });
      const err = await loadConfig(d).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).pointer).toBe(`/functions/a/loggingConfig/${pointer}`);
      expect((err as Error).message).toBe(
        `${join(d, 'restgate.config.json')}: /functions/a/loggingConfig/${pointer}: can only be set with logFormat JSON (Lambda filters log levels in the JSON format only)`,
      );
    }
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
  it("userPools: a JWKS file is read (relative to the config) and kept as the pool's keys; a URL is kept to be fetched", async () => {
    const jwks = { keys: [{ kty: 'RSA', kid: 'k1', n: 'AQAB', e: 'AQAB' }] };
    const d = dir({
      'keys.json': JSON.stringify(jwks),
      'restgate.config.json': JSON.stringify({ userPools: { 'us-east-1_Abc1': { jwks: 'keys.json' }, 'eu-west-2_X9': { jwks: 'https://example.com/jwks.json' } } }),
    });
    expect((await loadConfig(d)).userPools).toEqual({
      'us-east-1_Abc1': { jwks: 'keys.json', keys: jwks },
      'eu-west-2_X9': { jwks: 'https://example.com/jwks.json' },
    });
  });

  it('userPools: a bad pool id, a missing or malformed JWKS file are errors at their key', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ 'restgate.config.json': JSON.stringify({ userPools: { Pool1: { jwks: 'k.json' } } }) }, '/userPools/Pool1: a user pool id looks like REGION_ID (us-east-1_AbC123)'],
      [{ 'restgate.config.json': JSON.stringify({ userPools: { 'us-east-1_A': {} } }) }, "/userPools/us-east-1_A: must have required property 'jwks'"],
      [{ 'restgate.config.json': JSON.stringify({ userPools: { 'us-east-1_A': { jwks: 'k.json' } } }) }, '/userPools/us-east-1_A/jwks: the JSON Web Key Set k.json cannot be read: ENOENT'],
      [{ 'k.json': '{"keys": 1}', 'restgate.config.json': JSON.stringify({ userPools: { 'us-east-1_A': { jwks: 'k.json' } } }) }, '/userPools/us-east-1_A/jwks: k.json has no "keys" list of JSON Web Keys'],
      [{ 'k.json': '[]', 'restgate.config.json': JSON.stringify({ userPools: { 'us-east-1_A': { jwks: 'k.json' } } }) }, '/userPools/us-east-1_A/jwks: k.json is not a JSON Web Key Set (an object with "keys")'],
    ];
    for (const [files, message] of cases) {
      const d = dir(files);
      await expect(loadConfig(d)).rejects.toThrow(`${join(d, 'restgate.config.json')}: ${message}`);
    }
  });
  it("apiKeys[]: a usage plan's throttle and quota, their fields checked", async () => {
    const keys = [{ value: 'k1', throttle: { rateLimit: 0.5, burstLimit: 10 }, quota: { limit: 100, period: 'WEEK', offset: 3 } }];
    expect((await loadConfig(dir({ 'restgate.config.json': JSON.stringify({ apiKeys: keys }) }))).apiKeys).toEqual(keys);
    const cases: Array<[unknown, string]> = [
      [{ value: 'k', throttle: { rateLimit: 5 } }, "/apiKeys/0/throttle: must have required property 'burstLimit'"],
      [{ value: 'k', throttle: { rateLimit: -1, burstLimit: 1 } }, '/apiKeys/0/throttle/rateLimit: must be >= 0'],
      [{ value: 'k', quota: { limit: 5, period: 'YEAR' } }, '/apiKeys/0/quota/period: must be equal to one of the allowed values'],
      [{ value: 'k', quota: { limit: 1.5, period: 'DAY' } }, '/apiKeys/0/quota/limit: must be integer'],
    ];
    for (const [key, message] of cases) {
      const d = dir({ 'restgate.config.json': JSON.stringify({ apiKeys: [key] }) });
      await expect(loadConfig(d)).rejects.toThrow(`${join(d, 'restgate.config.json')}: ${message}`);
    }
  });
  it('iamCredentials: access key pairs, an optional session token and user ARN; checked', async () => {
    const creds = [{ accessKeyId: 'AKID', secretAccessKey: 's', sessionToken: 't', userArn: 'arn:aws:iam::111122223333:user/alice' }];
    expect((await loadConfig(dir({ 'restgate.config.json': JSON.stringify({ iamCredentials: creds }) }))).iamCredentials).toEqual(creds);
    const d = dir({ 'restgate.config.json': JSON.stringify({ iamCredentials: [{ accessKeyId: 'AKID' }] }) });
    await expect(loadConfig(d)).rejects.toThrow(`${join(d, 'restgate.config.json')}: /iamCredentials/0: must have required property 'secretAccessKey'`);
  });
  it('throttle, methodThrottle and vpcEndpoint: checked at their keys', async () => {
    const ok = { throttle: { rateLimit: 10, burstLimit: 5 }, methodThrottle: { 'GET /pets/{id}': { rateLimit: 1, burstLimit: 1 } }, vpcEndpoint: { vpceId: 'vpce-1a2b3c4d', vpcId: 'vpc-2f09a348' } };
    expect(await loadConfig(dir({ 'restgate.config.json': JSON.stringify(ok) }))).toMatchObject(ok);
    const cases: Array<[unknown, string]> = [
      [{ methodThrottle: { 'pets/{id}': { rateLimit: 1, burstLimit: 1 } } }, '/methodThrottle/pets~1{id}: a method is named METHOD /resource/path, e.g. GET /pets/{id}'],
      [{ throttle: { rateLimit: 1 } }, "/throttle: must have required property 'burstLimit'"],
      [{ vpcEndpoint: { vpceId: 'endpoint-1' } }, '/vpcEndpoint/vpceId: must match pattern "^vpce-[0-9a-z]+$"'],
    ];
    for (const [config, message] of cases) {
      const d = dir({ 'restgate.config.json': JSON.stringify(config) });
      await expect(loadConfig(d)).rejects.toThrow(`${join(d, 'restgate.config.json')}: ${message}`);
    }
  });
  it('restgate.config.schema.json (for editors: "$schema") is the schema configs are checked with (node scripts/config-schema.mjs writes it)', () => {
    const file = JSON.parse(readFileSync(new URL('../restgate.config.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    expect(file).toEqual({ $schema: 'http://json-schema.org/draft-07/schema#', title: 'restgate.config', ...JSON.parse(JSON.stringify(CONFIG_SCHEMA)) });
  });
});
