// Optional restgate.config.(json|yaml|yml) beside the API definition: per-function
// Lambda settings, stage variables and remote Lambda endpoints. Validated with
// ajv; an invalid file is a clear error naming the file and the bad key.

import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jwksProblem } from './pipeline/user-pool.js';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';

/** How a local function instance runs: a worker thread in the gateway's process, or a child process. */
export type Isolation = 'worker' | 'process';

/** Lambda's Node.js runtimes: which runtime client restgate plays for a function (AWS_EXECUTION_ENV and its behaviour). */
export const LAMBDA_RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x'] as const;
export type LambdaRuntime = (typeof LAMBDA_RUNTIMES)[number];

export interface FunctionConfig {
  /** Lambda-style `file.export` (e.g. `src/app.handler`), relative to the function's code root. */
  handler?: string;
  /** Seconds, 1..900 (Lambda's range). Default 3. */
  timeout?: number;
  /** MB, 128..10240. Default 128. */
  memorySize?: number;
  environment?: Record<string, string>;
  /** Invoke this function on a Lambda Invoke API endpoint instead of running it locally. */
  lambdaEndpoint?: string;
  /** Maximum concurrent instances (0 = always throttled, like Lambda). Default 10 locally. */
  reservedConcurrency?: number;
  /** Local runtime only: 'worker' (default) or 'process' (own TZ, cwd, native-crash containment). */
  isolation?: Isolation;
  /** Retries of a failed asynchronous (Event) invocation, 0..2 like Lambda's MaximumRetryAttempts. Default 2. */
  maximumRetryAttempts?: number;
  /** Lambda's LoggingConfig (advanced logging controls): log format and, with JSON, the log levels. */
  loggingConfig?: LoggingConfig;
  /** The function's Lambda runtime (its Runtime setting). Default: the config's, else $RESTGATE_RUNTIME, else the Node major restgate runs on. */
  runtime?: LambdaRuntime;
}

export type LogFormat = 'Text' | 'JSON';
export type ApplicationLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
export type SystemLogLevel = 'DEBUG' | 'INFO' | 'WARN';

/**
 * Lambda's LoggingConfig (API_LoggingConfig), keys in camelCase. logFormat defaults to Text; the levels
 * filter JSON logs only, so they may be set only with logFormat JSON, where each defaults to INFO.
 */
export interface LoggingConfig {
  logFormat?: LogFormat;
  /** The lowest level of the function's own log lines Lambda keeps (AWS_LAMBDA_LOG_LEVEL in the function). */
  applicationLogLevel?: ApplicationLogLevel;
  /** The lowest level of Lambda's platform records kept (platform.start, platform.report, ...). */
  systemLogLevel?: SystemLogLevel;
}

/** An API key as a usage plan of this API and stage would hold it (§11). */
export interface ApiKeyConfig {
  /** What clients send (the x-api-key header, or an authorizer's usageIdentifierKey). */
  value: string;
  /** $context.identity.apiKeyId; default a stable pseudo id derived from the value. */
  id?: string;
  /** A disabled key is refused like an unknown one. Default true. */
  enabled?: boolean;
  /** Its usage plan's throttle: rateLimit requests per second, bursts of burstLimit (429 Too Many Requests beyond). */
  throttle?: { rateLimit: number; burstLimit: number };
  /** Its usage plan's quota: limit requests per UTC DAY, WEEK (from Sunday) or MONTH (429 Limit Exceeded beyond). */
  quota?: { limit: number; period: 'DAY' | 'WEEK' | 'MONTH'; offset?: number };
}

/** Where a Cognito user pool's signing keys come from (its JSON Web Key Set). */
export interface UserPoolConfig {
  /** A JWKS file (relative to the config's directory) or an http(s) URL serving one. */
  jwks: string;
  /** The file's key set, read and checked by loadConfig; undefined for a URL. */
  keys?: unknown;
}

/** An IAM principal whose requests AWS_IAM methods accept: its access key pair (and session token). */
export interface IamCredentialConfig {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** `$context.identity.userArn` (and, its account, `accountId`). */
  userArn?: string;
}

export interface RestgateConfig {
  functions: Record<string, FunctionConfig>;
  stageVariables: Record<string, string>;
  /** The API keys of the usage plans attached to this API and stage: what methods requiring a key accept. */
  apiKeys?: ApiKeyConfig[];
  /** SigV4 signatures of AWS_IAM methods are checked against these (none: not checked). */
  iamCredentials?: IamCredentialConfig[];
  /** The stage's access logging: a line per request in `format`, its `$context` variables filled in (API Gateway's accessLogSettings.format). */
  accessLog?: { format: string };
  /** The stage's default method throttling: every method gets its own bucket of these limits (429 Too Many Requests beyond). */
  throttle?: { rateLimit: number; burstLimit: number };
  /** Method throttling by `METHOD /resource/path` (e.g. `GET /pets/{id}`), over the stage's default. */
  methodThrottle?: Record<string, { rateLimit: number; burstLimit: number }>;
  /** Requests are served as if they came through this interface VPC endpoint (a private API's): `$context.identity.vpceId`, `vpcId`, and the resource policy's aws:SourceVpce, aws:SourceVpc. */
  vpcEndpoint?: { vpceId: string; vpcId?: string };
  /** The keys of the Cognito user pools authorizers name, by pool id (default: the pool's public JWKS). */
  userPools?: Record<string, UserPoolConfig>;
  /** Default Invoke API endpoint for functions that are not found locally. */
  lambdaEndpoint?: string;
  /** Default isolation of local function instances (each function may override it). */
  isolation?: Isolation;
  /** Default Lambda runtime of local functions (each function may override it). */
  runtime?: LambdaRuntime;
}

export const CONFIG_FILE_NAMES = ['restgate.config.json', 'restgate.config.yaml', 'restgate.config.yml'] as const;

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    /** JSON pointer of the offending key ('' for the whole file). */
    readonly pointer: string,
    readonly problem: string,
  ) {
    super(`${file}: ${pointer || '/'}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** A user pool id: REGION_ID, as in its ARN. */
const USER_POOL_ID = '^[a-z]{2}(-[a-z]+)+-\\d+_[0-9a-zA-Z]+$';

/** A usage plan's, a stage's or a method's throttle (API Reference, ThrottleSettings). */
const throttleSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['rateLimit', 'burstLimit'],
  properties: { rateLimit: { type: 'number', minimum: 0 }, burstLimit: { type: 'integer', minimum: 0 } },
} as const;

const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

/** Lambda's LoggingConfig: enums as in the API; levels only with logFormat JSON (log-level filtering needs the JSON format). */
const loggingConfig = {
  type: 'object',
  additionalProperties: false,
  properties: {
    logFormat: { type: 'string', enum: ['Text', 'JSON'] },
    applicationLogLevel: { type: 'string', enum: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] },
    systemLogLevel: { type: 'string', enum: ['DEBUG', 'INFO', 'WARN'] },
  },
  if: { not: { required: ['logFormat'], properties: { logFormat: { const: 'JSON' } } } },
  then: { properties: { applicationLogLevel: false, systemLogLevel: false } },
} as const;

/** restgate.config's JSON Schema (draft-07); `restgate.config.schema.json` at the package root is this, for editors. */
export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    functions: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          handler: { type: 'string', pattern: '^[^.]+\\..+$' },
          timeout: { type: 'number', minimum: 1, maximum: 900 },
          memorySize: { type: 'integer', minimum: 128, maximum: 10240 },
          environment: stringMap,
          lambdaEndpoint: { type: 'string', pattern: '^https?://' },
          reservedConcurrency: { type: 'integer', minimum: 0, maximum: 1000 },
          isolation: { type: 'string', enum: ['worker', 'process'] },
          maximumRetryAttempts: { type: 'integer', minimum: 0, maximum: 2 },
          loggingConfig,
          runtime: { type: 'string', enum: LAMBDA_RUNTIMES },
        },
      },
    },
    stageVariables: stringMap,
    apiKeys: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['value'],
        properties: {
          value: { type: 'string', minLength: 1 },
          id: { type: 'string', minLength: 1 },
          enabled: { type: 'boolean' },
          throttle: throttleSchema,
          quota: {
            type: 'object',
            additionalProperties: false,
            required: ['limit', 'period'],
            properties: { limit: { type: 'integer', minimum: 0 }, period: { type: 'string', enum: ['DAY', 'WEEK', 'MONTH'] }, offset: { type: 'integer', minimum: 0 } },
          },
        },
      },
    },
    iamCredentials: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['accessKeyId', 'secretAccessKey'],
        properties: {
          accessKeyId: { type: 'string', minLength: 1 },
          secretAccessKey: { type: 'string', minLength: 1 },
          sessionToken: { type: 'string', minLength: 1 },
          userArn: { type: 'string', pattern: '^arn:aws[a-z-]*:(iam|sts)::\\d{12}:' },
        },
      },
    },
    accessLog: { type: 'object', additionalProperties: false, required: ['format'], properties: { format: { type: 'string', minLength: 1 } } },
    throttle: throttleSchema,
    methodThrottle: {
      type: 'object',
      propertyNames: { pattern: '^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) /' },
      additionalProperties: throttleSchema,
    },
    vpcEndpoint: {
      type: 'object',
      additionalProperties: false,
      required: ['vpceId'],
      properties: { vpceId: { type: 'string', pattern: '^vpce-[0-9a-z]+$' }, vpcId: { type: 'string', pattern: '^vpc-[0-9a-z]+$' } },
    },
    userPools: {
      type: 'object',
      propertyNames: { pattern: USER_POOL_ID },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['jwks'],
        properties: { jwks: { type: 'string', minLength: 1 } },
      },
    },
    lambdaEndpoint: { type: 'string', pattern: '^https?://' },
    isolation: { type: 'string', enum: ['worker', 'process'] },
    runtime: { type: 'string', enum: LAMBDA_RUNTIMES },
  },
} as const;

// ajv and yaml load only when a config file exists (start-up time, see bench).
const require = createRequire(import.meta.url);
let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (!compiled) {
    const { Ajv } = require('ajv') as typeof import('ajv');
    compiled = new Ajv({ allErrors: false, strict: true }).compile(CONFIG_SCHEMA);
  }
  return compiled;
}

export function defaultConfig(): RestgateConfig {
  return { functions: {}, stageVariables: {} };
}

function describe(error: ErrorObject): { pointer: string; problem: string } {
  let pointer = error.instancePath;
  let problem = error.message ?? 'is invalid';
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    pointer = `${pointer}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    problem = 'unknown key';
  } else if (error.keyword === 'pattern' && pointer.endsWith('/handler')) {
    problem = 'must look like `file.export` (e.g. `index.handler`)';
  } else if (error.keyword === 'pattern' && pointer.endsWith('lambdaEndpoint')) {
    problem = 'must be an http(s) URL';
  } else if (error.keyword === 'pattern' && pointer === '/methodThrottle') {
    const name = (error as ErrorObject & { propertyName?: string }).propertyName ?? '';
    pointer = `${pointer}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    problem = 'a method is named METHOD /resource/path, e.g. GET /pets/{id}';
  } else if (error.keyword === 'pattern' && pointer === '/userPools') {
    const id = (error as ErrorObject & { propertyName?: string }).propertyName ?? '';
    pointer = `${pointer}/${id.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    problem = 'a user pool id looks like REGION_ID (us-east-1_AbC123)';
  } else if (error.keyword === 'false schema' && /\/loggingConfig\/(application|system)LogLevel$/.test(pointer)) {
    problem = 'can only be set with logFormat JSON (Lambda filters log levels in the JSON format only)';
  }
  return { pointer, problem };
}

/** Validates an already parsed config object; `file` names it in errors. */
export function validateConfig(value: unknown, file: string): RestgateConfig {
  if (value === null || value === undefined) return defaultConfig();
  const validate = validator();
  if (!validate(value)) {
    const first = validate.errors?.[0];
    const { pointer, problem } = first ? describe(first) : { pointer: '', problem: 'is invalid' };
    throw new ConfigError(file, pointer, problem);
  }
  const v = value as Partial<RestgateConfig> & { $schema?: string };
  const config: RestgateConfig = { functions: v.functions ?? {}, stageVariables: v.stageVariables ?? {} };
  if (v.lambdaEndpoint !== undefined) config.lambdaEndpoint = v.lambdaEndpoint;
  if (v.isolation !== undefined) config.isolation = v.isolation;
  if (v.runtime !== undefined) config.runtime = v.runtime;
  if (v.apiKeys !== undefined) config.apiKeys = v.apiKeys;
  if (v.userPools !== undefined) config.userPools = v.userPools;
  if (v.iamCredentials !== undefined) config.iamCredentials = v.iamCredentials;
  if (v.vpcEndpoint !== undefined) config.vpcEndpoint = v.vpcEndpoint;
  if (v.throttle !== undefined) config.throttle = v.throttle;
  if (v.accessLog !== undefined) config.accessLog = v.accessLog;
  if (v.methodThrottle !== undefined) config.methodThrottle = v.methodThrottle;
  return config;
}

/** Reads `restgate.config.(json|yaml|yml)` in `definitionDir`; defaults when none exists. */
export async function loadConfig(definitionDir: string): Promise<RestgateConfig> {
  const present = CONFIG_FILE_NAMES.map((n) => join(definitionDir, n)).filter((p) => existsSync(p));
  if (present.length === 0) return defaultConfig();
  const file = present[0]!;
  if (present.length > 1) {
    throw new ConfigError(file, '', `more than one config file found (${present.join(', ')}); keep only one`);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, '', `cannot be read: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = file.endsWith('.json') ? JSON.parse(text) : (await import('yaml')).parse(text);
  } catch (err) {
    throw new ConfigError(file, '', `is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  const config = validateConfig(value, file);
  if (config.userPools) await readUserPoolKeys(config.userPools, definitionDir, file);
  return config;
}

/** Reads each user pool's JWKS file (a URL is fetched when a token needs it): a missing or malformed one is an error at its key. */
async function readUserPoolKeys(pools: Record<string, UserPoolConfig>, dir: string, file: string): Promise<void> {
  for (const [id, pool] of Object.entries(pools)) {
    if (/^https?:\/\//.test(pool.jwks)) continue;
    const at = `/userPools/${id}/jwks`;
    let keys: unknown;
    try {
      keys = JSON.parse(await readFile(resolve(dir, pool.jwks), 'utf8'));
    } catch (err) {
      throw new ConfigError(file, at, `the JSON Web Key Set ${pool.jwks} cannot be read: ${(err as Error).message}`);
    }
    const problem = jwksProblem(keys);
    if (problem !== undefined) throw new ConfigError(file, at, `${pool.jwks} ${problem}`);
    pool.keys = keys;
  }
}
