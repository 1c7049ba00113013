// The local Lambda runtime: finds a function's code and settings, gives its
// instances Lambda's environment, and turns each call's outcome into what the
// Lambda Invoke API answers (payload, X-Amz-Function-Error, log tail) and the
// START/END/REPORT lines Lambda logs. Where calls run is the pool's business
// (./pool.ts); how an instance runs is ./instance.ts (worker thread by default,
// child process on request: docs/fidelity.md). Nothing a function does can
// take the gateway down.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAMBDA_RUNTIMES, type FunctionConfig, type Isolation, type RestgateConfig, type SystemLogLevel } from '../config.js';
import { randomHex, traceRoot } from '../ids.js';
import {
  MAX_RESPONSE_PAYLOAD,
  checkJsonPayload,
  exitPayload,
  functionArn,
  functionNotFound,
  payloadTooLarge,
  MAX_ASYNC_PAYLOAD,
  MAX_SYNC_PAYLOAD,
  responseTooLargePayload,
  throttled,
  timeoutPayload,
} from './errors.js';
import { ProcessInstance, WorkerInstance, clock, type InitReport, type Instance, type InstanceEvents, type Outcome } from './instance.js';
import { Pool, type Call, type FunctionStats, type PoolHost } from './pool.js';
import type { FunctionSpec } from './spec.js';
import { LambdaServiceError, type CheckedProxyAnswer, type InvokeRequest, type InvokeResult, type LambdaInvoker } from './types.js';

export type { FunctionStats } from './pool.js';

export interface LocalRuntimeOptions {
  functionsDir: string;
  config?: RestgateConfig;
  watch?: boolean;
  log?: (line: string) => void;
  /** Region used in ARNs and AWS_REGION (default: $AWS_REGION or us-east-1). */
  region?: string;
  /** Account id used in ARNs (default 123456789012). */
  accountId?: string;
  /** Idle instances are stopped after this long (default 5 minutes). */
  idleTimeoutMs?: number;
  /** Lambda's Init phase limit (default 10 s, INIT_LIMIT_MS); shorter in tests. */
  initLimitMs?: number;
  /**
   * How long calls wait on a warm instance behind its running call before they are placed again
   * (default MAX_WAIT_MS); longer in tests whose point is the placement, not a loaded machine's hiccups.
   */
  maxWaitMs?: number;
  /** The Node major whose Lambda runtime functions play when nothing chooses one (default: the one running). */
  nodeMajor?: number;
  /** Concurrent instances per function when the config sets no reservedConcurrency (default 10). */
  maxConcurrency?: number;
  /**
   * How instances run when neither the function's config nor the config's top level says:
   * 'worker' (default: a worker thread in the gateway's process) or 'process' (a child process each).
   */
  isolation?: Isolation;
  /**
   * Waits before the retries of a failed Event invocation (default: Lambda's one and
   * two minutes). Tests shorten them.
   */
  asyncRetryDelaysMs?: readonly number[];
}

/** The Invoke API's answer without a payload: 202 (Event accepted) or 204 (DryRun). */
function emptyAnswer(statusCode: 202 | 204): InvokeResult {
  return { statusCode, payload: Buffer.alloc(0), functionError: undefined, logResult: undefined, executedVersion: undefined };
}

/** Lambda retries a failed asynchronous invocation after about one minute, then two (invocation-async-error-handling). */
const ASYNC_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];
const DEFAULT_ASYNC_RETRIES = 2;

export interface LocalInvoker extends LambdaInvoker {
  /** Live instance counts for a function (diagnostics and tests). */
  stats(functionName: string): FunctionStats;
  /** Stops every instance of a function so the next call starts fresh code (what --watch does). */
  reload(functionName?: string): void;
}

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.cjs', '.cts'];
const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;
const DEFAULT_TIMEOUT_S = 3;
const DEFAULT_MEMORY_MB = 128;
const TAIL_BYTES = 4096;
const MB = 1024 * 1024;
/** How often the memory watch looks at the process (see watchMemory). */
const MEMORY_WATCH_MS = 100;
/**
 * A worker whose call kept its thread from its event loop this long cannot check its own memory: the
 * memory watch may stop it. Long enough that a slow synchronous call is not suspected lightly.
 */
const BLOCKED_MS = 500;
/** Growth beyond FAR_BEYOND times the allowed memory stops a worker blocked FAR_BEYOND_BLOCKED_MS (two looks) already. */
const FAR_BEYOND = 3;
const FAR_BEYOND_BLOCKED_MS = 2 * MEMORY_WATCH_MS;
/**
 * Growth (bytes) per look that counts as a runaway allocation: the watch stops a blocked worker only
 * while the process keeps growing this fast, two looks in a row, so that memory the gateway's own
 * garbage collection frees on paper but the allocator keeps (a one-time step) is not taken for it.
 */
const RUNAWAY_GROWTH = 16 * MB;

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `DIR/NAME.{ts,mts,js,mjs,cjs,cts}` or `DIR/NAME/index.*`; undefined when none exists. */
export function resolveFunctionFile(functionsDir: string, name: string): string | undefined {
  if (!NAME_RE.test(name)) return undefined;
  for (const ext of EXTENSIONS) {
    const p = resolve(functionsDir, name + ext);
    if (isFile(p)) return p;
  }
  for (const ext of EXTENSIONS) {
    const p = resolve(functionsDir, name, 'index' + ext);
    if (isFile(p)) return p;
  }
  return undefined;
}

// ---- the bootstrap file and tsx ---------------------------------------------

let bootstrapPromise: Promise<string> | undefined;

/**
 * dist: the compiled bootstrap.js beside this module (its imports are beside it
 * too); source: bootstrap.ts and what it imports, bundled once into the temp dir.
 */
function bootstrapFile(): Promise<string> {
  bootstrapPromise ??= (async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const js = join(here, 'bootstrap.js');
    if (isFile(js)) return js;
    const ts = join(here, 'bootstrap.ts');
    const hash = createHash('sha256');
    // Every module here that it could import: a hand-kept list went stale once a new import was added.
    for (const f of readdirSync(here).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts')).sort()) hash.update(f).update(readFileSync(join(here, f)));
    const outDir = join(tmpdir(), 'restgate');
    const out = join(outDir, `bootstrap-${hash.digest('hex').slice(0, 16)}.mjs`);
    if (!isFile(out)) {
      const { build } = await import('esbuild');
      const result = await build({ entryPoints: [ts], bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false, logLevel: 'silent' });
      mkdirSync(outDir, { recursive: true });
      const tmp = `${out}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(tmp, result.outputFiles[0]!.contents);
      renameSync(tmp, out);
    }
    return out;
  })();
  bootstrapPromise.catch(() => {
    bootstrapPromise = undefined;
  });
  return bootstrapPromise;
}

/**
 * tsx's ESM and CommonJS APIs, both registered for a TypeScript handler as the tsx command does: a `.ts`
 * file outside a `"type": "module"` package loads as CommonJS, which only the CommonJS hooks compile
 * (with the ESM ones alone, Node 20.19+ fails it as a require(esm) cycle).
 */
let tsxApiPaths: string[] | null | undefined;
function tsxApis(): string[] | undefined {
  if (tsxApiPaths === undefined) {
    try {
      const require = createRequire(import.meta.url);
      const esm = require.resolve('tsx/esm/api');
      const mjs = esm.replace(/\.cjs$/, '.mjs');
      tsxApiPaths = [existsSync(mjs) ? mjs : esm, require.resolve('tsx/cjs/api')];
    } catch {
      tsxApiPaths = null;
    }
  }
  return tsxApiPaths ?? undefined;
}

// ---- function specs ----------------------------------------------------------

/** Lambda's log levels, least severe first; a record is kept when its level is at or above the configured one. */
const LEVEL_RANK: Readonly<Record<SystemLogLevel, number>> = { DEBUG: 2, INFO: 3, WARN: 4 };

/**
 * The runtime played for a function whose config names none: $RESTGATE_RUNTIME (one of LAMBDA_RUNTIMES),
 * else the one of the Node major restgate runs on (nodejs20.x on Node 20, nodejs24.x on Node 24).
 */
function defaultRuntime(log: (line: string) => void, nodeMajor: number): { runtime: string; fromNode: boolean } {
  const env = process.env['RESTGATE_RUNTIME'];
  if (env !== undefined) {
    if ((LAMBDA_RUNTIMES as readonly string[]).includes(env)) return { runtime: env, fromNode: false };
    log(`restgate: RESTGATE_RUNTIME=${env} is not one of ${LAMBDA_RUNTIMES.join(', ')}: ignored`);
  }
  return { runtime: `nodejs${nodeMajor}.x`, fromNode: true };
}

function logStreamName(): string {
  const d = new Date();
  const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

function traceId(): string {
  const hex = randomHex(12);
  return `Root=${traceRoot()};Parent=${hex.slice(0, 16)};Sampled=0;Lineage=1:${hex.slice(16, 24)}:0`;
}

// ---- the runtime ---------------------------------------------------------------

class LocalRuntime implements LocalInvoker, PoolHost {
  readonly functionsDir: string;
  readonly idleTimeoutMs: number;
  readonly initLimitMs: number | undefined;
  readonly maxWaitMs: number | undefined;
  closed = false;
  private readonly config: RestgateConfig;
  readonly region: string;
  private readonly accountId: string;
  private readonly maxConcurrency: number;
  private readonly isolation: Isolation;
  private readonly defaultRuntime: { readonly runtime: string; readonly fromNode: boolean };
  /** Functions whose runtime hint was logged (hintRuntime). */
  private readonly hinted = new Set<string>();
  private readonly pools = new Map<string, Pool>();
  readonly log: (line: string) => void;
  private watcher: FSWatcher | undefined;
  private pendingReload = new Set<string>();
  private reloadTimer: NodeJS.Timeout | undefined;
  private readonly background = new Set<Promise<unknown>>();
  private readonly asyncRetryDelaysMs: readonly number[];
  /** Waits before Event retries: cut short (and the retry dropped) at close. */
  private readonly retryWaits = new Map<NodeJS.Timeout, () => void>();
  /** Instances alive (the memory watch's view). */
  private readonly watched = new Set<Instance<Call>>();
  private memoryWatch: NodeJS.Timeout | undefined;
  /** What the process held beyond the gateway's heap and external memory (bytes) when no call ran. */
  private idleBeyondGateway = heldBeyondGateway();
  /** The same at the watch's last look, and for how many looks in a row it grew by RUNAWAY_GROWTH. */
  private lastBeyondGateway = this.idleBeyondGateway;
  private growingLooks = 0;

  constructor(options: LocalRuntimeOptions) {
    this.functionsDir = resolve(options.functionsDir);
    this.config = options.config ?? { functions: {}, stageVariables: {} };
    this.region = options.region ?? process.env['AWS_REGION'] ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.idleTimeoutMs = options.idleTimeoutMs ?? 5 * 60_000;
    this.initLimitMs = options.initLimitMs;
    this.maxWaitMs = options.maxWaitMs;
    this.maxConcurrency = options.maxConcurrency ?? 10;
    this.isolation = options.isolation ?? this.config.isolation ?? 'worker';
    this.asyncRetryDelaysMs = options.asyncRetryDelaysMs ?? ASYNC_RETRY_DELAYS_MS;
    this.log = options.log ?? ((line) => process.stdout.write(line + '\n'));
    this.defaultRuntime = defaultRuntime(this.log, options.nodeMajor ?? Number(process.versions.node.split('.')[0]));
    if (options.watch) this.startWatching();
  }

  private functionConfig(name: string): FunctionConfig {
    return Object.prototype.hasOwnProperty.call(this.config.functions, name) ? this.config.functions[name]! : {};
  }

  /** Resolved specs, re-checked at most once a second (and at once after a --watch change). */
  private readonly specCache = new Map<string, { spec: FunctionSpec | undefined; at: number }>();

  private specFor(name: string): FunctionSpec | undefined {
    if (!NAME_RE.test(name)) return undefined;
    const now = Date.now();
    const hit = this.specCache.get(name);
    if (hit && now - hit.at < 1000) return hit.spec;
    const spec = this.resolveSpec(name);
    this.specCache.set(name, { spec, at: now });
    return spec;
  }

  private resolveSpec(name: string): FunctionSpec | undefined {
    if (!NAME_RE.test(name)) return undefined;
    const fc = this.functionConfig(name);
    const ownDir = join(this.functionsDir, name);
    let codeRoot: string;
    let handler: string;
    if (fc.handler !== undefined) {
      codeRoot = isDir(ownDir) ? ownDir : this.functionsDir;
      handler = fc.handler;
    } else {
      const file = resolveFunctionFile(this.functionsDir, name);
      if (file === undefined) return undefined;
      codeRoot = dirname(file);
      handler = `${basename(file, extname(file))}.handler`;
    }
    return {
      name,
      codeRoot,
      handler,
      timeoutS: fc.timeout ?? DEFAULT_TIMEOUT_S,
      memorySize: fc.memorySize ?? DEFAULT_MEMORY_MB,
      environment: fc.environment ?? {},
      concurrency: fc.reservedConcurrency ?? this.maxConcurrency,
      isolation: fc.isolation ?? this.isolation,
      runtime: fc.runtime ?? this.config.runtime ?? this.defaultRuntime.runtime,
      runtimeFromNode: fc.runtime === undefined && this.config.runtime === undefined && this.defaultRuntime.fromNode,
      jsonLogs:
        fc.loggingConfig?.logFormat === 'JSON'
          ? { applicationLogLevel: fc.loggingConfig.applicationLogLevel ?? 'INFO', systemLogLevel: fc.loggingConfig.systemLogLevel ?? 'INFO' }
          : undefined,
    };
  }

  has(functionName: string): boolean {
    return this.specFor(functionName) !== undefined;
  }

  stats(functionName: string): FunctionStats {
    return this.pools.get(functionName)?.stats() ?? { instances: 0, busy: 0, queued: 0 };
  }

  reload(functionName?: string): void {
    this.specCache.clear();
    if (functionName === undefined) for (const p of this.pools.values()) p.reload();
    else this.pools.get(functionName)?.reload();
  }

  private pool(name: string, spec: FunctionSpec): Pool {
    let pool = this.pools.get(name);
    // Specs are cached (specFor), so the same object means nothing changed.
    if (pool && pool.spec !== spec) {
      if (JSON.stringify(pool.spec) === JSON.stringify(spec)) {
        // Re-resolved but the same: keep the pool's object so the next calls skip this comparison.
        this.specCache.set(name, { spec: pool.spec, at: this.specCache.get(name)?.at ?? Date.now() });
      } else {
        // Code location or settings changed (e.g. a file appeared): retire the old pool.
        pool.reload();
        pool = undefined;
      }
    }
    if (!pool) {
      pool = new Pool(spec, this);
      this.pools.set(name, pool);
    }
    return pool;
  }

  private environment(spec: FunctionSpec): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env['NODE_OPTIONS'];
    // The function's log format and level are its own config's, not whatever the gateway runs with.
    delete env['AWS_LAMBDA_LOG_FORMAT'];
    delete env['AWS_LAMBDA_LOG_LEVEL'];
    for (const k of Object.keys(env)) if (k.startsWith('VITEST') || k === 'NODE_V8_COVERAGE' || k === 'RESTGATE_RUNTIME') delete env[k];
    Object.assign(env, {
      AWS_LAMBDA_FUNCTION_NAME: spec.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
      AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
      AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
      LAMBDA_TASK_ROOT: spec.codeRoot,
      LAMBDA_RUNTIME_DIR: dirname(fileURLToPath(import.meta.url)),
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      _HANDLER: spec.handler,
    });
    const jsonLogs = spec.jsonLogs;
    if (jsonLogs) {
      // What Lambda sets for the JSON format, and what the runtime client reads (LogPatch.js).
      env['AWS_LAMBDA_LOG_FORMAT'] = 'JSON';
      env['AWS_LAMBDA_LOG_LEVEL'] = jsonLogs.applicationLogLevel;
    }
    Object.assign(env, spec.environment);
    env['_RESTGATE_BOOT'] = JSON.stringify({ codeRoot: spec.codeRoot, handler: spec.handler, tsxApis: tsxApis() });
    return env;
  }

  async startInstance(spec: FunctionSpec, events: InstanceEvents<Call>): Promise<Instance<Call>> {
    const bootstrap = await bootstrapFile();
    const Kind = spec.isolation === 'process' ? ProcessInstance : WorkerInstance;
    const inst = new Kind<Call>(bootstrap, spec, this.environment(spec), events);
    this.watched.add(inst);
    void inst.exited.then(() => this.watched.delete(inst));
    this.memoryWatch ??= setInterval(this.watchMemory, MEMORY_WATCH_MS).unref();
    return inst;
  }

  /**
   * What a call allocates outside V8's heap (Buffers) has no limit of its own. An instance checks
   * itself while its event loop runs (bootstrap.ts, "the memory size, as a limit"); a call looping
   * synchronously keeps it from that, so this watch stops such an instance as Lambda stops an
   * environment over its memory size (Runtime.OutOfMemory):
   * - a process instance, whose resident memory /proc shows, when it is over its memory size;
   * - a worker instance, which shares this process, when its call has blocked its thread for
   *   BLOCKED_MS and what the process holds beyond the gateway's own heap and external memory has
   *   grown, since no call ran, by more than all worker instances may use, and is still growing
   *   (RUNAWAY_GROWTH per look, two looks in a row).
   */
  private readonly watchMemory = (): void => {
    if (this.watched.size === 0) {
      clearInterval(this.memoryWatch);
      this.memoryWatch = undefined;
      return;
    }
    const now = clock();
    const beyondGateway = heldBeyondGateway();
    let busy = false;
    let allowed = 0;
    const blocked: Array<{ inst: Instance<Call>; ms: number }> = [];
    for (const inst of this.watched) {
      const limit = inst.spec.memorySize * MB;
      if (inst instanceof ProcessInstance) {
        const resident = inst.headStart() === undefined ? undefined : inst.residentBytes();
        if (resident !== undefined && resident > limit) {
          this.log(`restgate: an instance of ${inst.spec.name} uses ${Math.round(resident / MB)} MB, over its memory size (${inst.spec.memorySize} MB): stopped as out of memory`);
          inst.killOutOfMemory(Math.round(resident / MB));
        }
        continue;
      }
      allowed += limit;
      if (inst.headStart() === undefined) continue;
      busy = true;
      const ms = inst.blockedFor(now);
      if (ms >= FAR_BEYOND_BLOCKED_MS) blocked.push({ inst, ms });
    }
    this.growingLooks = beyondGateway - this.lastBeyondGateway >= RUNAWAY_GROWTH ? this.growingLooks + 1 : 0;
    this.lastBeyondGateway = beyondGateway;
    if (!busy) {
      this.idleBeyondGateway = beyondGateway;
      return;
    }
    const grown = beyondGateway - this.idleBeyondGateway;
    if (grown <= allowed || blocked.length === 0 || this.growingLooks < 2) return;
    // Far beyond what is allowed, a shorter block is enough: a loop allocating a GB at a few GB/s would
    // otherwise end (and answer, holding it all) before it had blocked BLOCKED_MS.
    const enough = grown > FAR_BEYOND * allowed ? FAR_BEYOND_BLOCKED_MS : BLOCKED_MS;
    for (const { inst, ms } of blocked) {
      if (ms < enough) continue;
      this.log(
        `restgate: an instance of ${inst.spec.name} kept its thread busy for ${Math.round(ms)} ms while the process grew ${Math.round(grown / MB)} MB, more than its functions' memory sizes allow (${Math.round(allowed / MB)} MB): stopped as out of memory`,
      );
      inst.killOutOfMemory();
    }
  };

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    if (this.closed) throw new Error('the local Lambda runtime is closed');
    const name = request.functionName;
    const spec = this.specFor(name);
    const arn = functionArn(this.region, this.accountId, name, request.qualifier);
    if (!spec) throw functionNotFound(arn);
    const type = request.invocationType ?? 'RequestResponse';
    if (type === 'DryRun') {
      return emptyAnswer(204);
    }
    const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
    if (overLimit(request, limit, spec)) throw payloadTooLarge(request.payload.length, type);
    // A synchronous call's event is parsed by the instance, which refuses invalid JSON
    // before running anything (see run()); an asynchronous one must be refused before the 202.
    if (type === 'Event') checkJsonPayload(request.payload);
    if (spec.concurrency === 0) {
      if (type !== 'Event') throw throttled();
      // Lambda queues the event and retries throttled ones for up to 6 hours before dropping them:
      // the caller gets its 202 all the same. Here it never runs.
      this.log(`restgate: async invocation of ${name} throttled (reservedConcurrency 0): the event is dropped`);
      return emptyAnswer(202);
    }
    const pool = this.pool(name, spec);
    if (type === 'Event') {
      const run = this.runEvent(pool, request, arn).catch((err: unknown) => this.log(`restgate: async invocation of ${name} failed: ${String(err)}`));
      this.background.add(run);
      void run.finally(() => this.background.delete(run));
      return emptyAnswer(202);
    }
    return this.run(pool, request, arn);
  }

  /**
   * An Event invocation: run, and when the function fails, run again after Lambda's
   * waits, up to maximumRetryAttempts times. Every attempt has the same request id,
   * as on Lambda.
   */
  private async runEvent(pool: Pool, request: InvokeRequest, arn: string): Promise<void> {
    const name = request.functionName;
    const retries = this.functionConfig(name).maximumRetryAttempts ?? DEFAULT_ASYNC_RETRIES;
    // Not a copy of `request`: a ProxyEventRequest makes its payload in getters a spread would drop.
    const requestId = request.requestId ?? randomUUID();
    for (let n = 0; ; n++) {
      const result = await this.run(pool, request, arn, requestId);
      if (result.functionError === undefined || n >= retries || this.closed) return;
      const delay = this.asyncRetryDelaysMs[Math.min(n, this.asyncRetryDelaysMs.length - 1)] ?? 0;
      this.log(`restgate: async invocation ${requestId} of ${name} failed; retry ${n + 1} of ${retries} in ${delay / 1000} s`);
      if (!(await this.retryWait(delay))) return;
      const spec = this.specFor(name);
      if (!spec) return;
      pool = this.pool(name, spec); // the code may have been reloaded meanwhile
    }
  }

  /** Resolves true after `ms`, or false at once when the runtime closes. */
  private retryWait(ms: number): Promise<boolean> {
    return new Promise((resolveWait) => {
      const timer = setTimeout(() => {
        this.retryWaits.delete(timer);
        resolveWait(!this.closed);
      }, ms);
      timer.unref();
      this.retryWaits.set(timer, () => resolveWait(false));
    });
  }

  /** One call; `id` (default: the request's, else a new one) is its awsRequestId. */
  private run(pool: Pool, request: InvokeRequest, arn: string, id = request.requestId ?? randomUUID()): Promise<InvokeResult> {
    return new Promise<InvokeResult>((resolve, reject) => {
      pool.dispatch(new LocalCall(this, pool.spec, request, arn, id, resolve, reject));
    });
  }

  /**
   * A callback handler refused as nodejs24.x's client refuses it, where the runtime was not chosen
   * but followed the Node major restgate runs on: say once how to play the function's own runtime.
   */
  private hintRuntime(spec: FunctionSpec): void {
    if (!spec.runtimeFromNode || this.hinted.has(spec.name)) return;
    this.hinted.add(spec.name);
    this.log(
      `restgate: ${spec.name} runs as ${spec.runtime}, the runtime of the Node major restgate runs on, which has no callback handlers; if the function is deployed with an earlier runtime, set "runtime" (e.g. "nodejs22.x") for it in restgate.config`,
    );
  }

  /** The Invoke API's answer for a call's outcome, after logging END and REPORT (or their JSON records) as Lambda does. */
  answer(spec: FunctionSpec, call: LocalCall, outcome: Outcome, initMs: number | undefined, instanceMem: number): InvokeResult {
    const requestId = call.id;
    let payload: Buffer;
    let functionError: string | undefined;
    let status = '';
    let duration: number;
    let recordStatus: InvocationEnd['recordStatus'] = 'success';
    let errorType: string | undefined;
    let producedBytes = 0;
    let streamContentType: string | undefined;
    let proxyAnswer: CheckedProxyAnswer | undefined;
    switch (outcome.kind) {
      case 'invalid':
        checkJsonPayload(call.payload); // throws Lambda's InvalidRequestContentException
        throw new LambdaServiceError('InvalidRequestContentException', 'Could not parse request body into json', 400);
      case 'ok':
        duration = callDuration(call, outcome.durationMs);
        streamContentType = outcome.contentType;
        payload = streamContentType === undefined ? outcome.payload : call.streamedBody();
        producedBytes = outcome.jsonBytes ?? (streamContentType === undefined ? payload.length : call.streamedBytes);
        proxyAnswer = outcome.proxy;
        // A streamed answer's bytes went to the caller as they came (up to Lambda's 200 MB, not checked).
        if (producedBytes > MAX_RESPONSE_PAYLOAD && !call.forwardsChunks) {
          payload = Buffer.from(JSON.stringify(responseTooLargePayload()));
          functionError = 'Unhandled';
          proxyAnswer = undefined;
        }
        break;
      case 'error':
        // Lambda refuses invalid JSON before any environment runs; here the instance checks it, which
        // it cannot do when its init failed: the same 400 then, not the init error.
        checkJsonPayload(call.payload);
        duration = callDuration(call, outcome.durationMs);
        payload = Buffer.from(JSON.stringify(outcome.error));
        producedBytes = payload.length;
        functionError = 'Unhandled';
        if (outcome.initFailed === true) {
          // A failed init is the platform's error, not one the runtime reported for the call.
          errorType = outcome.error.errorType;
          status = `Status: error\tError Type: ${errorType}\t`;
          recordStatus = 'error';
        }
        if (outcome.error.errorType === 'Runtime.CallbackHandlerDeprecated') this.hintRuntime(spec);
        break;
      case 'timeout':
        duration = spec.timeoutS * 1000;
        payload = Buffer.from(JSON.stringify(timeoutPayload(requestId, spec.timeoutS)));
        functionError = 'Unhandled';
        status = 'Status: timeout\t';
        recordStatus = 'timeout';
        break;
      case 'exit': {
        checkJsonPayload(call.payload);
        duration = clock() - call.since;
        const p = exitPayload(requestId, outcome.code, outcome.signal, outcome.oom);
        payload = Buffer.from(JSON.stringify(p));
        functionError = 'Unhandled';
        status = `Status: error\tError Type: ${p['errorType']}\t`;
        recordStatus = 'error';
        errorType = String(p['errorType']);
        break;
      }
    }

    call.logStart();
    const maxMem = Math.max(outcome.kind === 'ok' || (outcome.kind === 'error' && outcome.mem !== undefined) ? outcome.mem! : instanceMem, 1);
    logEnd(call, spec, { requestId, duration, maxMem, initMs, status, recordStatus, errorType, producedBytes });
    if (outcome.kind === 'timeout') {
      call.emit(`${new Date().toISOString()} ${requestId} Task timed out after ${spec.timeoutS.toFixed(2)} seconds`);
    }
    let logResult: string | undefined;
    if (call.lines) {
      const all = Buffer.from(call.lines.join('\n') + '\n', 'utf8');
      logResult = all.subarray(Math.max(0, all.length - TAIL_BYTES)).toString('base64');
    }
    return { statusCode: 200, payload, functionError, logResult, executedVersion: '$LATEST', streamContentType, proxyAnswer };
  }

  private startWatching(): void {
    try {
      this.watcher = watch(this.functionsDir, { recursive: true }, (_event, filename) => {
        if (!filename) {
          this.pendingReload.add('*');
        } else {
          const rel = relative(this.functionsDir, resolve(this.functionsDir, filename.toString()));
          const first = rel.split(sep)[0] ?? '';
          const name = rel.includes(sep) ? first : basename(first, extname(first));
          this.pendingReload.add(this.pools.has(name) ? name : '*');
        }
        if (this.reloadTimer) clearTimeout(this.reloadTimer);
        this.reloadTimer = setTimeout(() => this.flushReload(), 50);
        this.reloadTimer.unref();
      });
      this.watcher.on('error', (e) => this.log(`restgate: watching ${this.functionsDir} failed: ${e.message}`));
    } catch (e) {
      this.log(`restgate: cannot watch ${this.functionsDir}: ${(e as Error).message}`);
    }
  }

  private flushReload(): void {
    const names = [...this.pendingReload];
    this.pendingReload.clear();
    if (names.includes('*')) this.reload();
    else for (const n of names) this.reload(n);
    this.log(`restgate: reloaded ${names.includes('*') ? 'all functions' : names.join(', ')}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [timer, cancel] of this.retryWaits) {
      clearTimeout(timer);
      cancel();
    }
    this.retryWaits.clear();
    this.watcher?.close();
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    if (this.memoryWatch) clearInterval(this.memoryWatch);
    this.memoryWatch = undefined;
    const exits = [...this.pools.values()].flatMap((p) => p.close());
    this.pools.clear();
    await Promise.all(exits);
  }
}

/**
 * Is the event larger than `limit` bytes? A worker instance takes the compact
 * event, so its JSON is made only when the compact form is near the limit. The
 * JSON writes each of the compact form's strings at most three times (a header
 * in headers and multiValueHeaders, the user agent in identity too; escaped the
 * same way each time) plus the event's keys, the X-Forwarded-* headers and
 * their punctuation (under 8 KB with the 10 KB of request headers API Gateway
 * accepts), and UTF-8 needs at most 3 bytes per UTF-16 unit.
 */
function overLimit(request: InvokeRequest, limit: number, spec: FunctionSpec): boolean {
  if (spec.isolation === 'worker') {
    const compact = request.compactEvent;
    if (compact !== undefined && (compact.length * 3 + 8192) * 3 <= limit) return false;
  }
  return request.payload.length > limit;
}

/** What the process holds beyond the gateway's own heap and external memory (bytes): the gateway's own growth (its heap, the request and response bodies it holds) is not a function's. */
function heldBeyondGateway(): number {
  const usage = process.memoryUsage();
  return usage.rss - usage.heapTotal - usage.external;
}

/** How an invocation ended, for its END and REPORT lines (or their JSON records). */
interface InvocationEnd {
  readonly requestId: string;
  readonly duration: number;
  readonly maxMem: number;
  readonly initMs: number | undefined;
  /** The text REPORT's `Status: …` part, '' for success. */
  readonly status: string;
  /** Telemetry API status and errorType, as the text REPORT line shows them. */
  readonly recordStatus: 'success' | 'timeout' | 'error';
  readonly errorType: string | undefined;
  /** Bytes the runtime answered with (platform.runtimeDone producedBytes). */
  readonly producedBytes: number;
}

/**
 * END and REPORT as Lambda logs them; in the JSON format the Telemetry API's platform.runtimeDone and
 * platform.report records, kept by the system log level: runtimeDone is DEBUG and report INFO when the
 * invocation succeeded, both WARN otherwise (docs/fidelity.md, "Lambda runtime and integrations").
 */
function logEnd(call: LocalCall, spec: FunctionSpec, end: InvocationEnd): void {
  const { requestId, duration, maxMem, initMs, recordStatus } = end;
  const billed = Math.max(1, Math.ceil(duration));
  const json = spec.jsonLogs;
  if (json === undefined) {
    call.emit(`END RequestId: ${requestId}`);
    call.emit(
      `REPORT RequestId: ${requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${billed} ms\tMemory Size: ${spec.memorySize} MB\tMax Memory Used: ${maxMem} MB\t${initMs !== undefined ? `Init Duration: ${initMs.toFixed(2)} ms\t` : ''}${end.status}`,
    );
    return;
  }
  const id = JSON.stringify(requestId);
  const failure = end.errorType !== undefined ? `,"errorType":${JSON.stringify(end.errorType)}` : '';
  const ok = recordStatus === 'success';
  const least = LEVEL_RANK[json.systemLogLevel];
  if ((ok ? LEVEL_RANK.DEBUG : LEVEL_RANK.WARN) >= least) {
    call.emit(
      platformRecord(
        'platform.runtimeDone',
        `{"requestId":${id},"status":"${recordStatus}","metrics":{"durationMs":${doubleMs(duration)},"producedBytes":${end.producedBytes}}${failure}}`,
      ),
    );
  }
  if ((ok ? LEVEL_RANK.INFO : LEVEL_RANK.WARN) >= least) {
    call.emit(
      platformRecord(
        'platform.report',
        `{"requestId":${id},"metrics":{"durationMs":${doubleMs(duration)},"billedDurationMs":${billed},"memorySizeMB":${spec.memorySize},` +
          `"maxMemoryUsedMB":${maxMem}${initMs !== undefined ? `,"initDurationMs":${doubleMs(initMs)}` : ''}},"status":"${recordStatus}"${failure}}`,
      ),
    );
  }
}

/**
 * The runtime version INIT_START names: Lambda's `nodejs:<major>.v<n>` (here always v0: restgate runs
 * the Node it runs on, not a Lambda runtime release) and an ARN of the documented shape whose 64 hex
 * digits are a digest of that version and the Node version, so they stay the same between runs.
 */
function runtimeVersionOf(runtime: string, region: string): { version: string; arn: string } {
  const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1] ?? process.versions.node.split('.')[0]!;
  const version = `nodejs:${major}.v0`;
  const digest = createHash('sha256').update(`${version} ${process.version}`).digest('hex');
  return { version, arn: `arn:aws:lambda:${region}::runtime:${digest}` };
}

/** One Telemetry API event as a JSON system log line: `{"time", "type", "record"}` (telemetry-schema-reference). */
function platformRecord(type: string, record: string): string {
  return `{"time":"${new Date().toISOString()}","type":"${type}","record":${record}}`;
}

/** A duration in ms as Lambda's records write it: a double to the microsecond, `1000.0` when whole. */
function doubleMs(ms: number): string {
  const rounded = Math.round(ms * 1000) / 1000;
  return Number.isInteger(rounded) ? rounded.toFixed(1) : String(rounded);
}

/**
 * A call's Duration: the handler's time as its instance measured it, else since the hand-over. A retried
 * init (InstanceCall.initRetry) ran in the call's Invoke phase and is part of it: observed REPORTs after
 * `INIT_REPORT … Phase: invoke` give a Duration that holds the init, and no Init Duration (docs/fidelity.md).
 */
function callDuration(call: LocalCall, measured: number | undefined): number {
  return call.initRetry === true || measured === undefined ? clock() - call.since : measured;
}

/** One call through the local runtime: what its instance needs, its log lines, and where its answer goes. */
class LocalCall implements Call {
  readonly traceId = traceId();
  seq = 0;
  since = 0;
  /** Its instance's init is a retry, in the call's Invoke phase (InstanceCall.initRetry). */
  initRetry?: boolean;
  /** Kept for the caller only when it asked for the log tail. */
  readonly lines: string[] | undefined;
  private started = false;
  /** What a streaming handler wrote, collected for a caller without onChunk (dropped past Lambda's buffered limit). */
  private streamed: Buffer[] | undefined;
  streamedBytes = 0;

  constructor(
    private readonly runtime: LocalRuntime,
    private readonly spec: FunctionSpec,
    private readonly request: InvokeRequest,
    readonly arn: string,
    readonly id: string,
    private readonly resolve: (result: InvokeResult) => void,
    private readonly reject: (err: unknown) => void,
  ) {
    this.lines = request.logType === 'Tail' ? [] : undefined;
  }

  /** The event's JSON (made now if the gateway built the event and nothing needed it yet). */
  get payload(): Buffer {
    return this.request.payload;
  }

  get compactEvent(): string | undefined {
    return this.request.compactEvent;
  }

  get clientContext(): string | undefined {
    return this.request.clientContext;
  }

  get acceptsProxyAnswer(): boolean {
    return this.request.acceptsProxyAnswer === true;
  }

  get forwardsChunks(): boolean {
    return this.request.onChunk !== undefined;
  }

  chunk(bytes: Buffer, contentType: string, taken: () => void): void {
    this.logStart();
    this.streamedBytes += bytes.length;
    if (this.request.onChunk) {
      const written = this.request.onChunk(bytes, contentType);
      if (written) written.then(taken, taken);
      else taken();
      return;
    }
    taken();
    if (this.streamedBytes > MAX_RESPONSE_PAYLOAD) this.streamed = undefined;
    else (this.streamed ??= []).push(bytes);
  }

  /** The collected bytes of a streaming handler's answer (empty when they were forwarded, none were written, or over the limit). */
  streamedBody(): Buffer {
    return this.streamed ? Buffer.concat(this.streamed) : Buffer.alloc(0);
  }

  emit(line: string): void {
    this.runtime.log(line);
    this.lines?.push(line);
  }

  /**
   * START comes before the function's first line written by the invocation, or with END: a call
   * refused for invalid JSON never ran and logs nothing, as on Lambda. Lines written during init
   * (a cold start's module code) come before it: Lambda's Invoke phase, which START opens, follows
   * the Init phase.
   */
  logStart(): void {
    if (this.started) return;
    this.started = true;
    const json = this.spec.jsonLogs;
    if (json === undefined) this.emit(`START RequestId: ${this.id} Version: $LATEST`);
    else if (LEVEL_RANK.INFO >= LEVEL_RANK[json.systemLogLevel]) {
      this.emit(platformRecord('platform.start', `{"requestId":${JSON.stringify(this.id)},"version":"$LATEST"}`));
    }
  }

  /**
   * INIT_START as Lambda logs it when it creates an execution environment (Developer Guide,
   * runtime-management-identify: `INIT_START Runtime Version: <version>\tRuntime Version ARN: <arn>`);
   * in the JSON format the Telemetry API's platform.initStart record, kept at INFO. In the log only,
   * not in the call's tail: tails Lambda returned for cold calls hold the init's lines and INIT_REPORT
   * but no INIT_START (docs/fidelity.md, Logs).
   */
  initStarting(): void {
    const { version, arn } = runtimeVersionOf(this.spec.runtime, this.runtime.region);
    const json = this.spec.jsonLogs;
    if (json === undefined) this.runtime.log(`INIT_START Runtime Version: ${version}\tRuntime Version ARN: ${arn}`);
    else if (LEVEL_RANK.INFO >= LEVEL_RANK[json.systemLogLevel]) {
      const name = JSON.stringify(this.spec.name);
      this.runtime.log(
        platformRecord(
          'platform.initStart',
          `{"initializationType":"on-demand","phase":"init","runtimeVersion":"${version}","runtimeVersionArn":"${arn}","functionName":${name},"functionVersion":"$LATEST"}`,
        ),
      );
    }
  }

  /**
   * INIT_REPORT for an init that failed or timed out: `INIT_REPORT Init Duration: <ms> ms\tPhase:
   * init|invoke\tStatus: error|timeout[\tError Type: <type>]` (Developer Guide, lambda-runtime-environment;
   * observed logs: docs/fidelity.md); in the JSON format the Telemetry API's platform.initReport record,
   * kept at WARN (a failure, as runtimeDone and report are when an invocation fails).
   */
  initEnded(report: InitReport): void {
    const json = this.spec.jsonLogs;
    if (json === undefined) {
      const type = report.errorType === undefined ? '' : `\tError Type: ${report.errorType}`;
      this.emit(`INIT_REPORT Init Duration: ${report.durationMs.toFixed(2)} ms\tPhase: ${report.phase}\tStatus: ${report.status}${type}`);
    } else if (LEVEL_RANK.WARN >= LEVEL_RANK[json.systemLogLevel]) {
      const type = report.errorType === undefined ? '' : `,"errorType":${JSON.stringify(report.errorType)}`;
      this.emit(
        platformRecord(
          'platform.initReport',
          `{"initializationType":"on-demand","phase":"${report.phase}","status":"${report.status}"${type},"metrics":{"durationMs":${doubleMs(report.durationMs)}}}`,
        ),
      );
    }
  }

  onLine(line: string, init: boolean): void {
    if (!init) this.logStart();
    this.emit(line);
  }

  settle(outcome: Outcome, initMs: number | undefined, mem: number): void {
    try {
      this.resolve(this.runtime.answer(this.spec, this, outcome, initMs, mem));
    } catch (err) {
      this.reject(err);
    }
  }

  fail(err: Error): void {
    this.reject(err);
  }
}

export function createLocalInvoker(options: LocalRuntimeOptions): LocalInvoker {
  return new LocalRuntime(options);
}
