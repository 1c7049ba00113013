// The local Lambda runtime: each function instance is a child process running
// ./bootstrap (why processes and not worker threads: docs/fidelity.md). A pool
// per function keeps warm instances (module state survives between calls),
// starts new ones only when all are busy (up to the concurrency limit, then
// requests queue), reaps idle ones, and replaces any instance that crashed,
// exited, timed out or ran out of memory. Nothing a function does can take the
// gateway down.

import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionConfig, RestgateConfig } from '../config.js';
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
import type { InvokeRequest, InvokeResult, LambdaInvoker } from './types.js';

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
  /** Concurrent instances per function when the config sets no reservedConcurrency (default 10). */
  maxConcurrency?: number;
}

export interface FunctionStats {
  readonly instances: number;
  readonly busy: number;
  readonly queued: number;
}

export interface LocalInvoker extends LambdaInvoker {
  /** Live instance counts for a function (diagnostics and tests). */
  stats(functionName: string): FunctionStats;
  /** Stops every instance of a function so the next call starts fresh code (what --watch does). */
  reload(functionName?: string): void;
}

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.cjs', '.cts'];
const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;
const FRAME_MARK = '\u001eRGF';
const DEFAULT_TIMEOUT_S = 3;
const DEFAULT_MEMORY_MB = 128;
const TAIL_BYTES = 4096;

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

/** dist: the compiled bootstrap.js beside this module; source: bootstrap.ts transpiled once into the temp dir. */
function bootstrapFile(): Promise<string> {
  bootstrapPromise ??= (async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const js = join(here, 'bootstrap.js');
    if (isFile(js)) return js;
    const ts = join(here, 'bootstrap.ts');
    const source = readFileSync(ts, 'utf8');
    const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
    const outDir = join(tmpdir(), 'restgate');
    const out = join(outDir, `bootstrap-${hash}.mjs`);
    if (!isFile(out)) {
      const { transform } = await import('esbuild');
      const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'node20' });
      mkdirSync(outDir, { recursive: true });
      const tmp = `${out}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(tmp, code);
      renameSync(tmp, out);
    }
    return out;
  })();
  bootstrapPromise.catch(() => {
    bootstrapPromise = undefined;
  });
  return bootstrapPromise;
}

let tsxApiPath: string | null | undefined;
function tsxApi(): string | undefined {
  if (tsxApiPath === undefined) {
    try {
      const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
      const mjs = cjs.replace(/\.cjs$/, '.mjs');
      tsxApiPath = existsSync(mjs) ? mjs : cjs;
    } catch {
      tsxApiPath = null;
    }
  }
  return tsxApiPath ?? undefined;
}

// ---- function specs ----------------------------------------------------------

interface FunctionSpec {
  readonly name: string;
  readonly codeRoot: string;
  readonly handler: string;
  readonly timeoutS: number;
  readonly memorySize: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly concurrency: number;
}

function nodeRuntimeName(): string {
  return `nodejs${process.versions.node.split('.')[0]}.x`;
}

function logStreamName(): string {
  const d = new Date();
  const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0;Lineage=1:${randomBytes(4).toString('hex')}:0`;
}

// ---- instances ---------------------------------------------------------------

interface ErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: string[];
}

type Frame =
  | { t: 'ready'; initMs: number; mem: number }
  | { t: 'init-error'; error: ErrorPayload }
  | { t: 'result'; id: string; ok: true; payload: string; mem: number }
  | { t: 'result'; id: string; ok: false; error: ErrorPayload; mem: number; exit?: number };

type Outcome =
  | { kind: 'ok'; payload: string; mem: number }
  | { kind: 'error'; error: ErrorPayload; mem: number | undefined }
  | { kind: 'timeout' }
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null; oom: boolean };

class Instance {
  state: 'starting' | 'idle' | 'busy' | 'dead' = 'starting';
  stale = false;
  idleTimer: NodeJS.Timeout | undefined;
  initMs: number | undefined;
  initReported = false;
  /** Init failed or an uncaught error was reported: the process is about to exit. */
  doomed = false;
  mem = 0;
  private readonly child: ChildProcess;
  private readonly spawnedAt = performance.now();
  private out = '';
  private err = '';
  private stderrTail = '';
  private readyWaiters: Array<(f: Frame | Outcome) => void> = [];
  private readyState: Frame | Outcome | undefined;
  private resultWaiter: ((o: Outcome) => void) | undefined;
  private sink: ((line: string) => void) | undefined;

  constructor(
    bootstrap: string,
    spec: FunctionSpec,
    env: NodeJS.ProcessEnv,
    private readonly log: (line: string) => void,
    private readonly onDead: (inst: Instance) => void,
  ) {
    this.child = fork(bootstrap, [], {
      cwd: spec.codeRoot,
      env,
      execArgv: [`--max-old-space-size=${Math.max(16, Math.floor(spec.memorySize * 0.9))}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child.stdout!.setEncoding('utf8');
    this.child.stderr!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr!.on('data', (chunk: string) => this.onStderr(chunk));
    this.child.on('error', (e) => this.line(`restgate: could not start ${spec.name}: ${e.message}`));
    this.child.on('close', (code, signal) => this.onClose(code, signal));
  }

  private line(text: string): void {
    this.log(text);
    this.sink?.(text);
  }

  private onStdout(chunk: string): void {
    this.out += chunk;
    let nl: number;
    while ((nl = this.out.indexOf('\n')) !== -1) {
      const line = this.out.slice(0, nl);
      this.out = this.out.slice(nl + 1);
      const mark = line.indexOf(FRAME_MARK);
      if (mark === -1) {
        this.line(line);
        continue;
      }
      if (mark > 0) this.line(line.slice(0, mark));
      let frame: Frame;
      try {
        frame = JSON.parse(line.slice(mark + FRAME_MARK.length)) as Frame;
      } catch {
        continue;
      }
      this.onFrame(frame);
    }
  }

  private onStderr(chunk: string): void {
    this.stderrTail = (this.stderrTail + chunk).slice(-2048);
    this.err += chunk;
    let nl: number;
    while ((nl = this.err.indexOf('\n')) !== -1) {
      const line = this.err.slice(0, nl);
      this.err = this.err.slice(nl + 1);
      this.line(line);
    }
  }

  private onFrame(frame: Frame): void {
    if (frame.t === 'init-error' || (frame.t === 'result' && !frame.ok && frame.exit !== undefined)) this.doomed = true;
    if (frame.t === 'ready' || frame.t === 'init-error') {
      if (frame.t === 'ready') {
        // Like Lambda's Init Duration: runtime start-up plus the handler module's init.
        this.initMs = performance.now() - this.spawnedAt;
        this.mem = frame.mem;
      }
      if (this.readyState === undefined) {
        this.readyState = frame;
        for (const w of this.readyWaiters.splice(0)) w(frame);
      } else if (frame.t === 'init-error' && this.resultWaiter) {
        // A process-level failure outside an invocation's own frame.
        this.settle({ kind: 'error', error: frame.error, mem: undefined });
      }
      return;
    }
    if (frame.t === 'result') {
      this.mem = frame.mem;
      this.settle(frame.ok ? { kind: 'ok', payload: frame.payload, mem: frame.mem } : { kind: 'error', error: frame.error, mem: frame.mem });
    }
  }

  private settle(o: Outcome): void {
    const w = this.resultWaiter;
    this.resultWaiter = undefined;
    w?.(o);
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.out) this.line(this.out);
    if (this.err) this.line(this.err);
    this.out = this.err = '';
    const wasDead = this.state === 'dead';
    this.state = 'dead';
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const oom =
      /heap out of memory|Reached heap limit|ERR_WORKER_OUT_OF_MEMORY|Allocation failed/.test(this.stderrTail) ||
      (signal === 'SIGABRT' && /heap/i.test(this.stderrTail));
    const outcome: Outcome = { kind: 'exit', code, signal, oom };
    if (this.readyState === undefined) {
      this.readyState = outcome;
      for (const w of this.readyWaiters.splice(0)) w(outcome);
    }
    this.settle(outcome);
    if (!wasDead) this.onDead(this);
  }

  /** Resolves once init finished (ready frame), failed (init-error) or the process ended. */
  whenReady(): Promise<Frame | Outcome> {
    if (this.readyState !== undefined) return Promise.resolve(this.readyState);
    return new Promise((res) => this.readyWaiters.push(res));
  }

  invoke(message: Record<string, unknown>, sink: (line: string) => void): Promise<Outcome> {
    this.sink = sink;
    return new Promise<Outcome>((res) => {
      this.resultWaiter = res;
      try {
        this.child.send(message, (err) => {
          if (err) this.settle({ kind: 'exit', code: null, signal: null, oom: false });
        });
      } catch {
        this.settle({ kind: 'exit', code: null, signal: null, oom: false });
      }
    }).finally(() => {
      this.sink = undefined;
    });
  }

  /** Attach a sink for lines printed while starting (init phase of a cold start). */
  attach(sink: ((line: string) => void) | undefined): void {
    this.sink = sink;
  }

  kill(): void {
    if (this.state !== 'dead') {
      this.state = 'dead';
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.onDead(this);
    }
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  get exited(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((res) => this.child.once('close', () => res()));
  }
}

// ---- per-function pool -----------------------------------------------------

class Pool {
  readonly instances = new Set<Instance>();
  private readonly waiters: Array<{ resolve: (inst: Instance) => void; reject: (err: Error) => void }> = [];
  private busyCount = 0;
  /** Instances being created (counted against the limit before they exist). */
  private starting = 0;

  constructor(
    readonly spec: FunctionSpec,
    private readonly runtime: LocalRuntime,
  ) {}

  stats(): FunctionStats {
    return { instances: this.instances.size, busy: this.busyCount, queued: this.waiters.length };
  }

  private live(): Instance[] {
    return [...this.instances].filter((i) => i.state !== 'dead');
  }

  private hasRoom(): boolean {
    return this.live().length + this.starting < this.spec.concurrency;
  }

  async acquire(): Promise<{ inst: Instance; cold: boolean }> {
    const idle = this.live()
      .reverse()
      .find((i) => i.state === 'idle' && !i.stale);
    if (idle) {
      if (idle.idleTimer) clearTimeout(idle.idleTimer);
      idle.state = 'busy';
      this.busyCount++;
      return { inst: idle, cold: false };
    }
    if (this.hasRoom()) {
      const inst = await this.spawn();
      this.busyCount++;
      return { inst, cold: true };
    }
    const inst = await new Promise<Instance>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.busyCount++;
    return { inst, cold: inst.initReported === false };
  }

  private async spawn(): Promise<Instance> {
    this.starting++;
    let inst: Instance;
    try {
      inst = await this.runtime.startInstance(this.spec, (dead) => this.onDead(dead));
    } finally {
      this.starting--;
    }
    this.instances.add(inst);
    inst.state = 'busy';
    return inst;
  }

  release(inst: Instance): void {
    this.busyCount--;
    if (inst.state === 'dead') return; // onDead handles waiters
    if (inst.stale) {
      inst.kill();
      return;
    }
    const next = this.waiters.shift();
    if (next) {
      inst.state = 'busy';
      next.resolve(inst);
      return;
    }
    inst.state = 'idle';
    inst.idleTimer = setTimeout(() => {
      if (inst.state === 'idle') inst.kill();
    }, this.runtime.idleTimeoutMs);
    inst.idleTimer.unref();
  }

  private onDead(inst: Instance): void {
    this.instances.delete(inst);
    if (this.waiters.length > 0 && !this.runtime.closed && this.hasRoom()) {
      const next = this.waiters.shift()!;
      this.spawn().then(next.resolve, next.reject);
    }
  }

  /** Retire every instance: idle ones now, busy ones after their current call. */
  reload(): void {
    for (const inst of this.live()) {
      inst.stale = true;
      if (inst.state === 'idle') inst.kill();
    }
  }

  close(): Promise<void>[] {
    for (const w of this.waiters.splice(0)) w.reject(new Error('the local Lambda runtime was closed'));
    const all = [...this.instances];
    for (const inst of all) inst.kill();
    return all.map((i) => i.exited);
  }
}

// ---- the runtime ---------------------------------------------------------------

class LocalRuntime implements LocalInvoker {
  readonly functionsDir: string;
  readonly idleTimeoutMs: number;
  closed = false;
  private readonly config: RestgateConfig;
  private readonly region: string;
  private readonly accountId: string;
  private readonly maxConcurrency: number;
  private readonly pools = new Map<string, Pool>();
  private readonly log: (line: string) => void;
  private watcher: FSWatcher | undefined;
  private pendingReload = new Set<string>();
  private reloadTimer: NodeJS.Timeout | undefined;
  private readonly background = new Set<Promise<unknown>>();

  constructor(options: LocalRuntimeOptions) {
    this.functionsDir = resolve(options.functionsDir);
    this.config = options.config ?? { functions: {}, stageVariables: {} };
    this.region = options.region ?? process.env['AWS_REGION'] ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.idleTimeoutMs = options.idleTimeoutMs ?? 5 * 60_000;
    this.maxConcurrency = options.maxConcurrency ?? 10;
    this.log = options.log ?? ((line) => process.stdout.write(line + '\n'));
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
    if (pool && JSON.stringify(pool.spec) !== JSON.stringify(spec)) {
      // Code location or settings changed (e.g. a file appeared): retire the old pool.
      pool.reload();
      pool = undefined;
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
    for (const k of Object.keys(env)) if (k.startsWith('VITEST') || k === 'NODE_V8_COVERAGE') delete env[k];
    Object.assign(env, {
      AWS_LAMBDA_FUNCTION_NAME: spec.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_EXECUTION_ENV: `AWS_Lambda_${nodeRuntimeName()}`,
      AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
      AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
      LAMBDA_TASK_ROOT: spec.codeRoot,
      LAMBDA_RUNTIME_DIR: dirname(fileURLToPath(import.meta.url)),
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      _HANDLER: spec.handler,
    });
    Object.assign(env, spec.environment);
    env['_RESTGATE_BOOT'] = JSON.stringify({ codeRoot: spec.codeRoot, handler: spec.handler, tsxApi: tsxApi() });
    return env;
  }

  async startInstance(spec: FunctionSpec, onDead: (inst: Instance) => void): Promise<Instance> {
    const bootstrap = await bootstrapFile();
    return new Instance(bootstrap, spec, this.environment(spec), this.log, onDead);
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    if (this.closed) throw new Error('the local Lambda runtime is closed');
    const name = request.functionName;
    const spec = this.specFor(name);
    const arn = functionArn(this.region, this.accountId, name, request.qualifier);
    if (!spec) throw functionNotFound(arn);
    const type = request.invocationType ?? 'RequestResponse';
    if (type === 'DryRun') {
      return { statusCode: 204, payload: Buffer.alloc(0), functionError: undefined, logResult: undefined, executedVersion: undefined };
    }
    const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
    if (request.payload.length > limit) throw payloadTooLarge(request.payload.length, type);
    checkJsonPayload(request.payload);
    if (spec.concurrency === 0) throw throttled();
    const pool = this.pool(name, spec);
    if (type === 'Event') {
      const run = this.run(pool, request, arn).catch((err: unknown) => this.log(`restgate: async invocation of ${name} failed: ${String(err)}`));
      this.background.add(run);
      void run.finally(() => this.background.delete(run));
      return { statusCode: 202, payload: Buffer.alloc(0), functionError: undefined, logResult: undefined, executedVersion: undefined };
    }
    return this.run(pool, request, arn);
  }

  private async run(pool: Pool, request: InvokeRequest, arn: string): Promise<InvokeResult> {
    const spec = pool.spec;
    const requestId = request.requestId ?? randomUUID();
    const lines: string[] = [];
    const sink = (line: string): void => {
      lines.push(line);
    };
    const emit = (line: string): void => {
      this.log(line);
      lines.push(line);
    };

    const { inst, cold } = await pool.acquire();
    let started = performance.now();
    const timeoutMs = spec.timeoutS * 1000;
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Outcome>((res) => {
      timer = setTimeout(() => res({ kind: 'timeout' }), timeoutMs);
    });

    emit(`START RequestId: ${requestId} Version: $LATEST`);
    let outcome: Outcome;
    let initMs: number | undefined;
    try {
      inst.attach(sink);
      const ready = await Promise.race([inst.whenReady(), timedOut]);
      if ('t' in ready) {
        if (ready.t === 'init-error') outcome = { kind: 'error', error: ready.error, mem: undefined };
        else {
          if (cold && !inst.initReported) initMs = inst.initMs;
          inst.initReported = true;
          started = performance.now();
          outcome = await Promise.race([
            inst.invoke({ t: 'invoke', id: requestId, payload: request.payload.toString('utf8'), deadlineMs: deadline, arn, traceId: traceId() }, sink),
            timedOut,
          ]);
        }
      } else {
        outcome = ready;
      }
    } finally {
      clearTimeout(timer);
      inst.attach(undefined);
    }
    const duration = performance.now() - started;

    let payload: Buffer;
    let functionError: string | undefined;
    let status = '';
    switch (outcome.kind) {
      case 'ok':
        payload = Buffer.from(outcome.payload, 'utf8');
        if (payload.length > MAX_RESPONSE_PAYLOAD) {
          payload = Buffer.from(JSON.stringify(responseTooLargePayload()));
          functionError = 'Unhandled';
        }
        break;
      case 'error':
        payload = Buffer.from(JSON.stringify(outcome.error));
        functionError = 'Unhandled';
        break;
      case 'timeout':
        inst.kill();
        payload = Buffer.from(JSON.stringify(timeoutPayload(requestId, spec.timeoutS)));
        functionError = 'Unhandled';
        status = 'Status: timeout\t';
        break;
      case 'exit': {
        const p = exitPayload(requestId, outcome.code, outcome.signal, outcome.oom);
        payload = Buffer.from(JSON.stringify(p));
        functionError = 'Unhandled';
        status = `Status: error\tError Type: ${p['errorType']}\t`;
        break;
      }
    }
    // An instance whose init failed, or that reported a process-level error, is exiting.
    if (inst.doomed) inst.kill();
    pool.release(inst);

    emit(`END RequestId: ${requestId}`);
    const maxMem = Math.max(inst.mem, 1);
    emit(
      `REPORT RequestId: ${requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(duration))} ms\tMemory Size: ${spec.memorySize} MB\tMax Memory Used: ${maxMem} MB\t${initMs !== undefined ? `Init Duration: ${initMs.toFixed(2)} ms\t` : ''}${status}`,
    );
    if (outcome.kind === 'timeout') {
      emit(`${new Date().toISOString()} ${requestId} Task timed out after ${spec.timeoutS.toFixed(2)} seconds`);
    }
    let logResult: string | undefined;
    if (request.logType === 'Tail') {
      const all = Buffer.from(lines.join('\n') + '\n', 'utf8');
      logResult = all.subarray(Math.max(0, all.length - TAIL_BYTES)).toString('base64');
    }
    return { statusCode: 200, payload, functionError, logResult, executedVersion: '$LATEST' };
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
    this.watcher?.close();
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    const exits = [...this.pools.values()].flatMap((p) => p.close());
    this.pools.clear();
    await Promise.all(exits);
  }
}

export function createLocalInvoker(options: LocalRuntimeOptions): LocalInvoker {
  return new LocalRuntime(options);
}
