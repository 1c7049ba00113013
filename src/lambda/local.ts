// The local Lambda runtime: each function instance is a child process running
// ./bootstrap (why processes and not worker threads: docs/fidelity.md). A pool
// per function keeps warm instances (module state survives between calls),
// starts new ones only when all are busy (up to the concurrency limit, then
// requests queue), reaps idle ones, and replaces any instance that crashed,
// exited, timed out or ran out of memory. Nothing a function does can take the
// gateway down.

import { fork, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionConfig, Isolation, RestgateConfig } from '../config.js';
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
import { LambdaServiceError, type InvokeRequest, type InvokeResult, type LambdaInvoker } from './types.js';

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
  /**
   * How instances run when neither the function's config nor the config's top level says:
   * 'worker' (default: a worker thread in the gateway's process) or 'process' (a child process each).
   */
  isolation?: Isolation;
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
  readonly isolation: Isolation;
}

function nodeRuntimeName(): string {
  return `nodejs${process.versions.node.split('.')[0]}.x`;
}

function logStreamName(): string {
  const d = new Date();
  const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

// Random bytes for trace ids, drawn 24 at a time from a pool filled 4 KB at once.
let randomPool = Buffer.alloc(0);
let randomOffset = 0;
function random24Hex(): string {
  if (randomOffset + 24 > randomPool.length) {
    randomPool = randomBytes(4096);
    randomOffset = 0;
  }
  randomOffset += 24;
  return randomPool.toString('hex', randomOffset - 24, randomOffset);
}

function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  const hex = random24Hex();
  return `Root=1-${epoch}-${hex.slice(0, 24)};Parent=${hex.slice(24, 40)};Sampled=0;Lineage=1:${hex.slice(40, 48)}:0`;
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
  | { t: 'log'; line: string }
  /** Worker only: bytes the function wrote straight to process.stdout (1) or process.stderr (2). */
  | { t: 'out'; fd: 1 | 2; chunk: string | Uint8Array }
  | { t: 'result'; id: string; ok: true; payload: Uint8Array; mem: number }
  | { t: 'result'; id: string; ok: false; error: ErrorPayload; mem: number; exit?: number; invalid?: true };

type Outcome =
  | { kind: 'ok'; payload: Buffer; mem: number }
  /** The event was not JSON: nothing ran (InvalidRequestContentException). */
  | { kind: 'invalid' }
  | { kind: 'error'; error: ErrorPayload; mem: number | undefined }
  | { kind: 'timeout' }
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null; oom: boolean };

interface InvokeMessage {
  t: 'invoke';
  id: string;
  payload: Uint8Array;
  deadlineMs: number;
  arn: string;
  traceId: string;
}

/** Events from this size on are transferred to a worker instead of cloned. */
const TRANSFER_MIN = 64 * 1024;
const OOM_TEXT = /heap out of memory|Reached heap limit|ERR_WORKER_OUT_OF_MEMORY|Allocation failed/;
const NEWLINE = 0x0a;
const MARK_BYTES = Buffer.from(FRAME_MARK, 'latin1');
const SEP_BYTE = 0x1d;

/**
 * Splits a byte stream into lines without decoding what it does not need to:
 * chunks are kept as Buffers until a newline arrives, so a multi-byte character
 * split across chunks is never mangled and a large frame is joined only once.
 */
class LineSplitter {
  private parts: Buffer[] = [];

  constructor(private readonly onLine: (line: Buffer) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf(NEWLINE, start)) !== -1) {
      const piece = chunk.subarray(start, nl);
      if (this.parts.length > 0) {
        this.parts.push(piece);
        const line = Buffer.concat(this.parts);
        this.parts = [];
        this.onLine(line);
      } else {
        this.onLine(piece);
      }
      start = nl + 1;
    }
    if (start < chunk.length) this.parts.push(chunk.subarray(start));
  }

  /** What is left without a final newline (at exit). */
  flush(): void {
    if (this.parts.length > 0) {
      const line = Buffer.concat(this.parts);
      this.parts = [];
      this.onLine(line);
    }
  }
}

/**
 * One function instance. The pool and the invocation logic see only this
 * class; how the code runs (worker thread or child process) and how messages
 * travel is up to the subclass, which reports frames, output lines and the end.
 */
abstract class Instance {
  state: 'starting' | 'idle' | 'busy' | 'dead' = 'starting';
  stale = false;
  idleTimer: NodeJS.Timeout | undefined;
  initMs: number | undefined;
  initReported = false;
  /** When the instance last became idle (the pool reuses the most recent first). */
  releasedAt = 0;
  /** Init failed or an uncaught error was reported: the instance is about to exit. */
  doomed = false;
  mem = 0;
  protected readonly spawnedAt = performance.now();
  /** The last bytes of stderr (out-of-memory detection). */
  protected stderrTail = '';
  private readyWaiters: Array<(f: Frame | Outcome) => void> = [];
  private readyState: Frame | Outcome | undefined;
  private resultWaiter: ((o: Outcome) => void) | undefined;
  private sink: ((line: string) => void) | undefined;
  private beforeLine: (() => void) | undefined;
  private closed = false;
  private closedWaiters: Array<() => void> = [];

  constructor(
    protected readonly spec: FunctionSpec,
    private readonly log: (line: string) => void,
    private readonly onDead: (inst: Instance) => void,
  ) {}

  protected abstract send(message: InvokeMessage): void;
  /** Raw output reported in a frame (worker threads only). */
  protected output(_fd: 1 | 2, _chunk: string | Uint8Array): void {}
  protected abstract terminate(): void;

  protected line(text: string): void {
    this.beforeLine?.();
    this.log(text);
    this.sink?.(text);
  }

  protected onFrame(frame: Frame): void {
    switch (frame.t) {
      case 'log':
        this.line(frame.line);
        return;
      case 'out':
        this.output(frame.fd, frame.chunk);
        return;
      case 'ready':
      case 'init-error':
        if (frame.t === 'init-error') this.doomed = true;
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
      case 'result':
        this.mem = frame.mem;
        if (frame.ok) {
          const p = frame.payload;
          this.settle({ kind: 'ok', payload: Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength), mem: frame.mem });
        } else if (frame.invalid) {
          this.settle({ kind: 'invalid' });
        } else {
          if (frame.exit !== undefined) this.doomed = true;
          this.settle({ kind: 'error', error: frame.error, mem: frame.mem });
        }
        return;
    }
  }

  private settle(o: Outcome): void {
    const w = this.resultWaiter;
    this.resultWaiter = undefined;
    w?.(o);
  }

  /** The subclass reports the end of the instance (exit code or signal, and whether it ran out of memory). */
  protected ended(code: number | null, signal: NodeJS.Signals | null, oom: boolean): void {
    if (this.closed) return;
    this.closed = true;
    const wasDead = this.state === 'dead';
    this.state = 'dead';
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const outcome: Outcome = { kind: 'exit', code, signal, oom: oom || OOM_TEXT.test(this.stderrTail) || (signal === 'SIGABRT' && /heap/i.test(this.stderrTail)) };
    if (this.readyState === undefined) {
      this.readyState = outcome;
      for (const w of this.readyWaiters.splice(0)) w(outcome);
    }
    this.settle(outcome);
    if (!wasDead) this.onDead(this);
    for (const w of this.closedWaiters.splice(0)) w();
  }

  /** Resolves once init finished (ready frame), failed (init-error) or the instance ended. */
  whenReady(): Promise<Frame | Outcome> {
    if (this.readyState !== undefined) return Promise.resolve(this.readyState);
    return new Promise((res) => this.readyWaiters.push(res));
  }

  invoke(message: InvokeMessage): Promise<Outcome> {
    return new Promise<Outcome>((res) => {
      this.resultWaiter = res;
      try {
        this.send(message);
      } catch {
        this.settle({ kind: 'exit', code: null, signal: null, oom: false });
      }
    });
  }

  /**
   * For the current call: where the function's output lines go besides the gateway
   * log (the call's tail), if anywhere, and what runs before each line (START).
   */
  attach(sink: ((line: string) => void) | undefined, beforeLine?: () => void): void {
    this.sink = sink;
    this.beforeLine = beforeLine;
  }

  /** Init finished successfully: no need to wait for readiness. */
  get ready(): boolean {
    return this.readyState !== undefined && 't' in this.readyState && this.readyState.t === 'ready';
  }

  kill(): void {
    if (this.state !== 'dead') {
      this.state = 'dead';
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.onDead(this);
    }
    if (!this.closed) this.terminate();
  }

  get exited(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((res) => this.closedWaiters.push(res));
  }
}

/** `isolation: 'process'`: a child process of its own (own env, TZ, cwd; native crashes contained). */
class ProcessInstance extends Instance {
  private readonly child: ChildProcess;
  private readonly stdout = new LineSplitter((l) => this.onStdoutLine(l));
  private readonly stderr = new LineSplitter((l) => this.line(l.toString('utf8')));

  constructor(bootstrap: string, spec: FunctionSpec, env: NodeJS.ProcessEnv, log: (line: string) => void, onDead: (inst: Instance) => void) {
    super(spec, log, onDead);
    this.child = fork(bootstrap, [], {
      cwd: spec.codeRoot,
      env,
      execArgv: [`--max-old-space-size=${heapLimitMb(spec)}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Structured clone over the channel: the event travels as bytes, not re-escaped inside JSON.
      serialization: 'advanced',
    });
    this.child.stdout!.on('data', (chunk: Buffer) => this.stdout.push(chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('latin1')).slice(-2048);
      this.stderr.push(chunk);
    });
    this.child.on('error', (e) => this.line(`restgate: could not start ${spec.name}: ${e.message}`));
    this.child.on('close', (code, signal) => {
      this.stdout.flush();
      this.stderr.flush();
      this.ended(code, signal, false);
    });
  }

  private onStdoutLine(line: Buffer): void {
    const mark = line.indexOf(MARK_BYTES);
    if (mark === -1) {
      this.line(line.toString('utf8'));
      return;
    }
    if (mark > 0) this.line(line.subarray(0, mark).toString('utf8'));
    const body = line.subarray(mark + MARK_BYTES.length);
    const sep = body.indexOf(SEP_BYTE);
    let frame: Frame;
    try {
      frame = JSON.parse(body.subarray(0, sep === -1 ? body.length : sep).toString('utf8')) as Frame;
    } catch {
      return;
    }
    // A successful result's JSON follows the header as raw bytes: used as is, no copy.
    if (sep !== -1 && frame.t === 'result' && frame.ok) frame.payload = body.subarray(sep + 1);
    this.onFrame(frame);
  }

  protected send(message: InvokeMessage): void {
    this.child.send(message, (err) => {
      if (err) this.kill();
    });
  }

  protected terminate(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** The default: a worker thread in the gateway's process (own env object, heap limit and event loop). */
class WorkerInstance extends Instance {
  private readonly worker: Worker;
  private readonly stdout = new LineSplitter((l) => this.line(l.toString('utf8')));
  private readonly stderr = new LineSplitter((l) => this.line(l.toString('utf8')));
  private oom = false;

  constructor(bootstrap: string, spec: FunctionSpec, env: NodeJS.ProcessEnv, log: (line: string) => void, onDead: (inst: Instance) => void) {
    super(spec, log, onDead);
    this.worker = new Worker(bootstrap, {
      env,
      execArgv: workerExecArgv(),
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: heapLimitMb(spec) },
    });
    this.worker.stdout.on('data', (chunk: Buffer) => this.stdout.push(chunk));
    this.worker.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    this.worker.on('message', (frame: Frame) => this.onFrame(frame));
    this.worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') this.oom = true;
      else this.line(`restgate: instance of ${spec.name} failed: ${e.stack ?? String(e)}`);
    });
    this.worker.on('exit', (code) => {
      // Output the worker wrote just before exiting may still be on its way.
      setImmediate(() => {
        this.stdout.flush();
        this.stderr.flush();
        this.ended(code, null, this.oom);
      });
    });
  }

  protected override output(fd: 1 | 2, chunk: string | Uint8Array): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    (fd === 2 ? this.stderr : this.stdout).push(bytes);
  }

  protected send(message: InvokeMessage): void {
    // A structured clone of a Buffer view would copy its whole backing store (the
    // pool, or a larger request buffer), so the exact bytes are copied first. Small
    // events are then cloned (cheaper for the gateway's thread than detaching a
    // buffer, measured); large ones are transferred rather than copied again.
    const bytes = new Uint8Array(message.payload);
    if (bytes.length < TRANSFER_MIN) this.worker.postMessage({ ...message, payload: bytes });
    else this.worker.postMessage({ ...message, payload: bytes }, [bytes.buffer]);
  }

  protected terminate(): void {
    void this.worker.terminate();
  }
}

/**
 * Workers do not inherit the gateway's Node options (a heap size or an inspector
 * port are the gateway's own), except CPU profiling: under `node --cpu-prof`
 * each instance writes its own profile beside the gateway's (bench --profile).
 */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--cpu-prof' || a.startsWith('--cpu-prof-dir=') || a.startsWith('--cpu-prof-interval=')) out.push(a);
    else if ((a === '--cpu-prof-dir' || a === '--cpu-prof-interval') && i + 1 < argv.length) out.push(a, argv[++i]!);
  }
  return out;
}

function heapLimitMb(spec: FunctionSpec): number {
  return Math.max(16, Math.floor(spec.memorySize * 0.9));
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
    let live = this.starting;
    for (const i of this.instances) if (i.state !== 'dead') live++;
    return live < this.spec.concurrency;
  }

  async acquire(): Promise<{ inst: Instance; cold: boolean }> {
    // The most recently released idle instance (warmest), without allocating.
    let idle: Instance | undefined;
    for (const i of this.instances) if (i.state === 'idle' && !i.stale && (idle === undefined || i.releasedAt >= idle.releasedAt)) idle = i;
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
    inst.releasedAt = performance.now();
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
  private readonly isolation: Isolation;
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
    this.isolation = options.isolation ?? this.config.isolation ?? 'worker';
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
      isolation: fc.isolation ?? this.isolation,
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
    if (pool && pool.spec !== spec && JSON.stringify(pool.spec) !== JSON.stringify(spec)) {
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
    const Kind = spec.isolation === 'process' ? ProcessInstance : WorkerInstance;
    return new Kind(bootstrap, spec, this.environment(spec), this.log, onDead);
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
    // A synchronous call's event is parsed by the instance, which refuses invalid JSON
    // before running anything (see run()); an asynchronous one must be refused before the 202.
    if (type === 'Event') checkJsonPayload(request.payload);
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
    // Lines are kept for the caller only when it asked for the log tail.
    const lines: string[] | undefined = request.logType === 'Tail' ? [] : undefined;
    const sink = lines && ((line: string): void => void lines.push(line));
    const emit = (line: string): void => {
      this.log(line);
      lines?.push(line);
    };

    const { inst, cold } = await pool.acquire();
    let started = performance.now();
    const timeoutMs = spec.timeoutS * 1000;
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Outcome>((res) => {
      timer = setTimeout(() => res({ kind: 'timeout' }), timeoutMs);
    });

    // START is logged before the function's first line, or with END: a call refused
    // for invalid JSON never ran and logs nothing, as on Lambda.
    let startLogged = false;
    const logStart = (): void => {
      if (startLogged) return;
      startLogged = true;
      emit(`START RequestId: ${requestId} Version: $LATEST`);
    };
    let outcome: Outcome;
    let initMs: number | undefined;
    try {
      inst.attach(sink, logStart);
      const ready = inst.ready ? { t: 'ready' as const } : await Promise.race([inst.whenReady(), timedOut]);
      if ('t' in ready) {
        if (ready.t === 'init-error') outcome = { kind: 'error', error: ready.error, mem: undefined };
        else {
          if (cold && !inst.initReported) initMs = inst.initMs;
          inst.initReported = true;
          started = performance.now();
          outcome = await Promise.race([
            inst.invoke({ t: 'invoke', id: requestId, payload: request.payload, deadlineMs: deadline, arn, traceId: traceId() }),
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
      case 'invalid':
        pool.release(inst);
        checkJsonPayload(request.payload); // throws Lambda's InvalidRequestContentException
        throw new LambdaServiceError('InvalidRequestContentException', 'Could not parse request body into json', 400);
      case 'ok':
        payload = outcome.payload;
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

    logStart();
    emit(`END RequestId: ${requestId}`);
    const maxMem = Math.max(inst.mem, 1);
    emit(
      `REPORT RequestId: ${requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(duration))} ms\tMemory Size: ${spec.memorySize} MB\tMax Memory Used: ${maxMem} MB\t${initMs !== undefined ? `Init Duration: ${initMs.toFixed(2)} ms\t` : ''}${status}`,
    );
    if (outcome.kind === 'timeout') {
      emit(`${new Date().toISOString()} ${requestId} Task timed out after ${spec.timeoutS.toFixed(2)} seconds`);
    }
    let logResult: string | undefined;
    if (lines) {
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
