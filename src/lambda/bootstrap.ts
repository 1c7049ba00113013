// Entry point of one Lambda function instance: a worker thread (the default)
// or a child process (`isolation: 'process'`). It plays the part of the
// Node.js runtime interface client: loads the handler once (init), then serves
// invocations one at a time, with Lambda's context object, callback semantics,
// console format and error shapes.
//
// Self-contained on purpose (node built-ins and its siblings ./ring, ./response-stream,
// ./protocol, ./proxy-event and ./proxy-answer only): it runs from dist/ as a plain .js file,
// or bundled once into a temp .mjs when restgate runs from source.
//
// Calls arrive in order, possibly several at once, and run one at a time in
// that order. Before starting call `seq`, a worker moves the claim word it
// shares with the gateway from seq-1 to seq (compare-and-swap); finding it
// already at seq or beyond means the gateway took the call back to run it
// elsewhere, so it is skipped (src/lambda/instance.ts).
//
// Protocol, worker thread: calls arrive on one shared-memory ring, answers,
// console lines and direct stdout/stderr writes leave on another (./ring.ts,
// ./protocol.ts), written synchronously, so they stay ordered with each other,
// reach the gateway even if the next call spins, and survive process.exit.
// Protocol, child process: the gateway writes each call on the call pipe
// (CALL_CHANNEL_FD: a JSON header, then the payload as bytes), which this
// process reads with blocking reads when it has nothing to run (frozen between
// calls, see freeze()); the IPC channel carries nothing but tells it when the
// gateway is gone. It answers with frames on stdout (`FRAME_MARK + JSON [+ GS + result JSON] + \n`), written
// synchronously so they stay ordered and survive process.exit; console lines
// are frames too (naming their call). Other stdout/stderr bytes are the
// function's own output.

import { readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format, types } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { httpHeaderProblem, readProxyAnswer, type ProxyAnswer } from './proxy-answer.js';
import { freezeChildren, noteOwnChildren, thawChildren, trackOwnChildren } from './own-children.js';
import { emulateCwd } from './worker-cwd.js';
import { containOwnSignals } from './own-signals.js';
import { proxyEventFromCompact } from './proxy-event.js';
import { CALL_CHANNEL_FD, RECORD, STREAM_WINDOW_BYTES, type WorkerChannels } from './protocol.js';
import { createInvocationStream, defineAwsLambdaGlobal, highWaterMarkOf, isStreamingHandler } from './response-stream.js';
import { Ring, type RingRecord } from './ring.js';

const FRAME_MARK = '\u001eRGF';
/** Separates a result frame's header from the result JSON (JSON text never contains a raw U+001D). */
const FRAME_SEP = '\u001d';
/** The worker's channel to the gateway; null in a child process. */
const port = isMainThread ? null : parentPort;
const channels = port ? (workerData as WorkerChannels) : undefined;
/** Worker: the claim word (seq of the last call started or taken back) and the start time of the running call. */
const claimWord = channels ? new Int32Array(channels.claim, 0, 1) : undefined;
const startedAt = channels ? new Float64Array(channels.claim, 8, 1) : undefined;
/** Worker: when the memory check last ran during a call (the gateway's sign that the call lets the event loop run). */
const heartbeat = channels ? new Float64Array(channels.claim, 16, 1) : undefined;
/** Worker: streamed bytes the gateway has taken (it adds to it), against those sent (streamSent). */
const streamTaken = channels ? new Float64Array(channels.claim, 24, 1) : undefined;
/** Max Memory Used so far, where the gateway reads it when it stops the instance (protocol.ts). */
const sharedMaxMem = channels ? new Float64Array(channels.claim, 32, 1) : undefined;
let streamSent = 0;
/**
 * A worker's response streams keep at most STREAM_WINDOW_BYTES untaken; a process's stdout pipe paces it
 * (the gateway stops reading it past that window, and a write to a full pipe blocks).
 */
const streamWindowOpen = streamTaken ? (): boolean => streamSent - streamTaken[0]! <= STREAM_WINDOW_BYTES : undefined;
/** Worker: calls in, everything else out. */
// A compact event (EVENT_CALL, PROXY_EVENT_CALL) is JSON the gateway wrote: read as text. A CALL's event is the caller's bytes.
const fromGateway = channels ? new Ring(channels.calls, channels.callsPort, (1 << RECORD.EVENT_CALL) | (1 << RECORD.PROXY_EVENT_CALL)) : undefined;
const toGateway = channels ? new Ring(channels.results, channels.resultsPort) : undefined;

/** Appends a record for the gateway, waiting for room if its ring is full (the gateway reads it soon). */
function send(kind: number, seq: number, x: number, y: number, meta: string, data?: Uint8Array | string): void {
  const ring = toGateway!;
  while (!ring.tryWrite(kind, seq, x, y, meta, data)) ring.waitForRoom(100);
  ring.ring();
}

interface BootConfig {
  /** Function code root (Lambda's /var/task). */
  codeRoot: string;
  /** Lambda handler string, `path/module.export.nested`. */
  handler: string;
  /** Absolute paths of tsx's ESM and CommonJS APIs, used only for TypeScript handlers. */
  tsxApis: string[] | undefined;
}

interface InvokeMessage {
  t: 'invoke';
  /** Position of the call on this instance: 1, 2, ... */
  seq: number;
  id: string;
  /** The event's JSON bytes (a string from older gateways), or its compact form when `compact`. */
  payload: Uint8Array | string;
  compact?: boolean;
  /** The function's timeout: the deadline counts from when the call starts here... */
  timeoutMs: number;
  /** ...unless the gateway fixed it already (epoch ms; a retried init runs within the call's timeout). */
  deadlineAt?: number;
  arn: string;
  traceId: string;
  /** The caller's client context, JSON text (Invoke API X-Amz-Client-Context, already checked). */
  clientContext?: string | undefined;
  /** A successful answer may go as a proxy answer (RECORD.PROXY_EVENT_CALL). */
  proxyAnswer?: boolean;
}

interface ErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

function writeFrame(frame: Record<string, unknown>): void {
  if (toGateway) send(RECORD.FRAME, 0, 0, 0, JSON.stringify(frame));
  else process.stdout.write(`${FRAME_MARK}${JSON.stringify(frame)}\n`);
}

const decoder = new TextDecoder();

/**
 * A successful result: the JSON text travels as bytes after a fixed header, never re-escaped. A
 * streaming handler's result has no JSON (its bytes went as chunks) but its content type.
 */
function writeResult(header: { seq: number; mem: number; dur: number }, json: string, contentType: string | undefined): void {
  if (toGateway) {
    send(RECORD.RESULT, header.seq, header.dur, header.mem, contentType ?? '', json);
  } else {
    const frame = { t: 'result', ok: true, seq: header.seq, mem: header.mem, dur: header.dur, contentType };
    process.stdout.write(`${FRAME_MARK}${JSON.stringify(frame)}${FRAME_SEP}${json}\n`);
  }
}

/** JSON.parse as it was before the function's code ran (which could replace it in its own realm). */
const parseJson = JSON.parse;

/**
 * A proxy call's result that is a valid proxy answer (./proxy-answer.ts) goes in its parts, so that
 * the gateway's thread neither parses nor checks it; false (nothing sent) for any other, whose JSON
 * the gateway reads and reports as API Gateway does. Read from the JSON, not the result object: what
 * the gateway sees is what JSON.stringify made of it (toJSON, getters, dropped undefined).
 */
function writeProxyResult(header: { seq: number; mem: number; dur: number }, json: string): boolean {
  if (!toGateway) return false;
  // Lambda's response limit applies to the JSON: the gateway checks this size against it.
  const jsonBytes = Buffer.byteLength(json);
  let answer: ProxyAnswer | string;
  try {
    answer = readProxyAnswer(parseJson(json), httpHeaderProblem);
  } catch {
    return false;
  }
  if (typeof answer === 'string') return false;
  let meta = `${answer.statusCode}\u0000${answer.isBase64Encoded ? 1 : 0}\u0000${jsonBytes}`;
  for (const [name, value] of answer.headers) meta += `\u0000${name}\u0000${value}`;
  send(RECORD.PROXY_RESULT, header.seq, header.dur, header.mem, meta, answer.body);
  return true;
}

/**
 * Bytes a streaming handler wrote for call `seq`, with the stream's content type (fixed from the first
 * write on). A child process's go as base64 after the frame: its frames are lines.
 */
function writeChunk(seq: number, chunk: Uint8Array, contentType: string): void {
  streamSent += chunk.byteLength;
  if (toGateway) send(RECORD.CHUNK, seq, 0, 0, contentType, chunk);
  else {
    const frame = JSON.stringify({ t: 'chunk', seq, contentType });
    process.stdout.write(`${FRAME_MARK}${frame}${FRAME_SEP}${Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64')}\n`);
  }
}

/**
 * The call whose turn it is (seq; 0 before the first): the running one, or the last one until the
 * next starts. A line printed after a call answered, before the instance moved on, is that call's,
 * not the next one's (the gateway may have handed the next call over by the time the line arrives).
 */
let lineOwner = 0;

/** One console line (already in the runtime's format, without the newline): a log record or frame naming its call. */
function writeLine(line: string): void {
  if (toGateway) send(RECORD.LOG, lineOwner, 0, 0, line);
  else process.stdout.write(`${FRAME_MARK}${JSON.stringify({ t: 'log', line, seq: lineOwner })}\n`);
}

// ---- errors, as the Node.js runtime reports them ---------------------------

function isErrorLike(e: unknown): e is Error {
  if (types.isNativeError(e)) return true;
  const o = e as { name?: unknown; message?: unknown; stack?: unknown } | null;
  return !!o && typeof o.name === 'string' && typeof o.message === 'string' && typeof o.stack === 'string' && !!o.name && !!o.message && !!o.stack;
}

/**
 * [RIC] Errors.js toRapidResponse: an error's name, message and stack lines with DEL (U+007F) written
 * as `%7F`; any other value as its type and String(); a value whose fields cannot be read → the
 * `handled` answer, which has no trace.
 */
function toErrorPayload(e: unknown): ErrorPayload {
  try {
    if (isErrorLike(e)) {
      return {
        // Optional calls as in the client: a missing name or message is left out, a non-string one throws (→ handled).
        errorType: (e.name as string | undefined)?.replaceAll('\x7F', '%7F') as string,
        errorMessage: (e.message as string | undefined)?.replaceAll('\x7F', '%7F') as string,
        trace: typeof e.stack === 'string' ? e.stack.replaceAll('\x7F', '%7F').split('\n') : [],
      };
    }
    return { errorType: typeof e, errorMessage: String(e), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

/**
 * [RIC] Errors.js toFormatted, the text log form of an error: a tab, then JSON with errorType, errorMessage,
 * code, the error's own enumerable properties and its stack as lines.
 */
function formatErrorForLog(e: unknown): string {
  try {
    return (
      '\t' +
      JSON.stringify(e, (_k, v: unknown) => {
        if (v instanceof Error) {
          const out: Record<string, unknown> = Object.assign<Record<string, unknown>, Error>(
            { errorType: v.name, errorMessage: v.message, code: (v as { code?: unknown }).code },
            v,
          );
          if (typeof v.stack === 'string') out['stack'] = v.stack.split('\n');
          return out;
        }
        return v;
      })
    );
  } catch {
    return '\t' + JSON.stringify(toErrorPayload(e));
  }
}

/** [RIC] Errors.js intoError: an Error as it is, anything else wrapped in one. */
function intoError(e: unknown): Error {
  if (e instanceof Error) return e;
  try {
    return new Error(e as string);
  } catch (conversion) {
    // A value that cannot become a string (Object.create(null)): its conversion error stands for it.
    return conversion instanceof Error ? conversion : new TypeError('Cannot convert object to primitive value');
  }
}

/**
 * Which runtime client the instance plays: nodejs24.x and later run the rewritten one ([RIC] src/…/*.ts:
 * no callback handlers, another context object, Runtime.JSONStringifyError), earlier runtimes the
 * JavaScript one (Errors.js, LogPatch.js, Runtime.js, …). Read from AWS_EXECUTION_ENV, which restgate
 * sets from the function's runtime (local.ts) and a function's `environment` may override, as the
 * rewritten client itself reads it (src/function/callback-deprecation.ts).
 */
const REWRITTEN_CLIENT =
  Number(/^AWS_Lambda_nodejs(\d+)\.x$/.exec(process.env['AWS_EXECUTION_ENV'] ?? '')?.[1] ?? process.versions.node.split('.')[0]) >= 24;

/** [RIC] src/context/constants.ts: why a callback handler does not load on nodejs24.x and later. */
const CALLBACK_HANDLER_REMOVED =
  'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

/** [RIC] Errors.js NodeJsExit: an async handler's promise still pending when the event loop is empty. */
const NODE_JS_EXIT_MESSAGE =
  'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes';

/**
 * [RIC] Errors.js error classes: `class ImportModuleError extends Error {}` and so on, whose prototype's
 * name is `Runtime.ImportModuleError`. The constructor's name (the JSON log format's errorType) is the
 * short one, and the instance has no own `name` (so none in the text log form either).
 */
const runtimeErrorClasses = new Map<string, new (message: string) => Error>();
function runtimeError(type: string, message: string): Error {
  let RuntimeError = runtimeErrorClasses.get(type);
  if (RuntimeError === undefined) {
    RuntimeError = class extends Error {};
    Object.defineProperty(RuntimeError, 'name', { value: type.slice('Runtime.'.length) });
    RuntimeError.prototype.name = type;
    runtimeErrorClasses.set(type, RuntimeError);
  }
  const error = new RuntimeError(message);
  Error.captureStackTrace(error, runtimeError); // the trace starts where the runtime raised it, as with `new NodeJsExit()`
  return error;
}

// ---- console, as the Node.js runtime patches it ----------------------------

/**
 * [RIC] LogPatch.js: the running invocation's request id lives on the global object under this symbol
 * (InvokeContext.updateLoggingContext sets it as each invocation starts, and nothing clears it), and
 * every console line reads it from there, so code that reads or changes it sees what the runtime uses.
 */
const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');
const runtimeGlobals = globalThis as unknown as Record<symbol, unknown>;

/**
 * The rewritten client (nodejs24.x) keeps the running invocation's ids in a store from
 * @aws/lambda-invoke-store ([RIC] src/runtime/runtime.ts runWithInvokeContext; awslabs/aws-lambda-invoke-store
 * src/invoke-store.ts, InvokeStoreSingle), shared as `globalThis.awslambda.InvokeStore` (unless
 * AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA is "true" or "1") for libraries that read the request or trace id
 * from it. Each invocation replaces the store's context; before the first there is none, and its
 * console lines carry "-" as the request id. The global request id symbol is not used.
 */
const STORE_KEYS = Object.freeze({
  REQUEST_ID: Symbol.for('_AWS_LAMBDA_REQUEST_ID'),
  X_RAY_TRACE_ID: Symbol.for('_AWS_LAMBDA_X_RAY_TRACE_ID'),
  TENANT_ID: Symbol.for('_AWS_LAMBDA_TENANT_ID'),
});
type StoreContext = Record<string | symbol, unknown>;
class InvokeStoreSingle {
  static readonly PROTECTED_KEYS = STORE_KEYS;
  private currentContext: StoreContext | undefined;
  getContext(): StoreContext | undefined {
    return this.currentContext;
  }
  hasContext(): boolean {
    return this.currentContext !== undefined;
  }
  get(key: string | symbol): unknown {
    return this.currentContext?.[key];
  }
  set(key: string | symbol, value: unknown): void {
    if ((Object.values(STORE_KEYS) as Array<string | symbol>).includes(key)) throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    this.currentContext ??= {};
    this.currentContext[key] = value;
  }
  run<T>(context: StoreContext, fn: () => T): T {
    this.currentContext = context;
    return fn();
  }
  getRequestId(): string {
    return (this.get(STORE_KEYS.REQUEST_ID) as string | undefined) ?? '-';
  }
  getXRayTraceId(): string | undefined {
    return this.get(STORE_KEYS.X_RAY_TRACE_ID) as string | undefined;
  }
  getTenantId(): string | undefined {
    return this.get(STORE_KEYS.TENANT_ID) as string | undefined;
  }
}
const invokeStore = REWRITTEN_CLIENT ? new InvokeStoreSingle() : undefined;

/** The request id a console line carries: the client generation's source of it. */
const currentRequestId: () => unknown = invokeStore ? () => invokeStore.getRequestId() : () => runtimeGlobals[REQUEST_ID];

/** globalThis.awslambda (./response-stream.ts), with the rewritten client's invoke store. */
function setupGlobals(): void {
  const awslambda = defineAwsLambdaGlobal(REWRITTEN_CLIENT);
  if (awslambda && invokeStore) awslambda['InvokeStore'] ??= invokeStore;
}

/**
 * In a worker, output written straight to process.stdout/stderr travels on the
 * same port as the answer (instead of the worker's own asynchronous stdio
 * streams), so it reaches the gateway before the call ends, like in a process.
 */
function routeWorkerStdio(): void {
  if (!port) return;
  const route = (stream: NodeJS.WriteStream, fd: 1 | 2): void => {
    stream.write = ((chunk: unknown, encoding?: unknown, cb?: unknown): boolean => {
      const callback = typeof encoding === 'function' ? encoding : cb;
      let data: string | Uint8Array;
      if (typeof chunk === 'string') {
        data = typeof encoding === 'string' && encoding !== 'utf8' && encoding !== 'utf-8' ? Buffer.from(chunk, encoding as BufferEncoding) : chunk;
      } else if (chunk instanceof Uint8Array) {
        data = chunk;
      } else {
        throw new TypeError('The "chunk" argument must be of type string or an instance of Buffer or Uint8Array');
      }
      send(RECORD.OUT, fd, 0, 0, '', data);
      if (typeof callback === 'function') process.nextTick(callback as () => void);
      return true;
    }) as typeof stream.write;
  };
  route(process.stdout, 1);
  route(process.stderr, 2);
}

/** [RIC] LogPatch.js levels, most detailed first: a console method writes when its level is at or above AWS_LAMBDA_LOG_LEVEL's. */
const LOG_LEVELS: ReadonlyMap<string, number> = new Map([
  ['TRACE', 1],
  ['DEBUG', 2],
  ['INFO', 3],
  ['WARN', 4],
  ['ERROR', 5],
  ['FATAL', 6],
]);

/** [RIC] LogPatch.js jsonErrorReplacer: an Error as its constructor's name, message and stack lines, then its own enumerable properties. */
function jsonErrorReplacer(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  return Object.assign<Record<string, unknown>, Error>(
    {
      errorType: (value.constructor as { name?: unknown } | undefined)?.name ?? 'UnknownError',
      errorMessage: value.message,
      stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
    },
    value,
  );
}

/**
 * [RIC] LogPatch.js formatJsonMessage: timestamp, level, requestId (left out while undefined, as
 * JSON.stringify does), then the message. One argument is kept as a value (Errors through the replacer;
 * one JSON cannot write falls back to util.format); several are util.format-ed, and the first Error
 * among them adds its errorType, errorMessage and stackTrace.
 */
function formatJsonMessage(level: string, args: unknown[]): string {
  const result: Record<string, unknown> = { timestamp: new Date().toISOString(), level, requestId: currentRequestId() };
  if (args.length === 1) {
    result['message'] = args[0];
    try {
      return JSON.stringify(result, jsonErrorReplacer);
    } catch {
      result['message'] = format(result['message']);
      return JSON.stringify(result);
    }
  }
  result['message'] = format(...args);
  // The rewritten client ([RIC] src/logging/formatter.ts) looks for the Error among the arguments after the first.
  for (const arg of invokeStore ? args.slice(1) : args) {
    if (arg instanceof Error) {
      result['errorType'] = (arg.constructor as { name?: unknown } | undefined)?.name ?? 'UnknownError';
      result['errorMessage'] = arg.message;
      result['stackTrace'] = typeof arg.stack === 'string' ? arg.stack.split('\n') : [];
      break;
    }
  }
  return JSON.stringify(result);
}

/**
 * How the runtime logs an error it reports (Invoke Error, Uncaught Exception, ...): [RIC] LogPatch.js
 * structuredConsole.logError. Text: console.error(message, toFormatted(error)); JSON: console.error(error).
 * Either goes through console.error as it is then, so a filtered ERROR level drops it.
 */
let logError: (message: string, error: unknown) => void = (message, error) => console.error(message, formatErrorForLog(intoError(error)));

/**
 * [RIC] LogPatch.js patchConsole: the format (AWS_LAMBDA_LOG_FORMAT, JSON in any case, else text) and the
 * lowest level written (AWS_LAMBDA_LOG_LEVEL, any case; unset or unknown: TRACE) are read once, at
 * instance start, so a console call runs one fixed function: a filtered level's method does nothing, and
 * console.fatal always writes. Text lines: `<ISO time>\t<requestId>\t<LEVEL>\t<util.format(...)>`.
 * Both forms write newlines as \r (JSON.stringify never leaves one raw).
 */
function patchConsole(): void {
  const json = process.env['AWS_LAMBDA_LOG_FORMAT']?.toUpperCase() === 'JSON';
  const lowest = LOG_LEVELS.get(process.env['AWS_LAMBDA_LOG_LEVEL']?.toUpperCase() ?? '') ?? 1;
  const text =
    (level: string) =>
    (message?: unknown, ...params: unknown[]): void => {
      // The first argument is always formatted, as the runtime does: console.log() prints "undefined".
      const line = `${new Date().toISOString()}\t${currentRequestId()}\t${level}\t${format(message, ...params)}`;
      writeLine(line.replace(/\n/g, '\r'));
    };
  const structured =
    (level: string) =>
    (message?: unknown, ...params: unknown[]): void => {
      writeLine(formatJsonMessage(level, [message, ...params]).replace(/\n/g, '\r'));
    };
  const nothing = (): void => {};
  const method = (level: string): ((...args: unknown[]) => void) =>
    level !== 'FATAL' && LOG_LEVELS.get(level)! < lowest ? nothing : json ? structured(level) : text(level);
  console.trace = method('TRACE');
  console.debug = method('DEBUG');
  console.info = method('INFO');
  console.log = console.info;
  console.warn = method('WARN');
  console.error = method('ERROR');
  (console as unknown as { fatal: (...a: unknown[]) => void }).fatal = method('FATAL');
  logError = json
    ? (_message, error) => console.error(intoError(error))
    : (message, error) => console.error(message, formatErrorForLog(intoError(error)));
}

// ---- loading the handler ---------------------------------------------------

const TS_EXT = /\.(ts|mts|cts)$/;

function moduleFile(root: string, modulePath: string): string | undefined {
  const base = resolve(root, modulePath);
  for (const ext of ['', '.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']) {
    const p = base + ext;
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // not there: try the next extension
    }
  }
  return undefined;
}

/** Does Node load this file as an ES module: .mjs/.mts, or .js/.ts under a package.json with "type": "module"? */
function isEsModule(file: string): boolean {
  if (/\.m[jt]s$/.test(file)) return true;
  if (/\.c[jt]s$/.test(file)) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: unknown };
      return pkg.type === 'module';
    } catch {
      // no (readable) package.json here: look further up
    }
    if (dirname(dir) === dir) return false;
  }
}

async function loadHandler(config: BootConfig): Promise<(...args: unknown[]) => unknown> {
  const full = config.handler;
  if (full.includes('..')) {
    throw runtimeError(
      'Runtime.MalformedHandlerName',
      `'${full}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const handlerString = basename(full);
  const moduleRoot = full.slice(0, full.length - handlerString.length);
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!match) throw runtimeError('Runtime.MalformedHandlerName', 'Bad handler');
  const [, moduleName, handlerPath] = match as unknown as [string, string, string];

  const file = moduleFile(resolve(config.codeRoot, moduleRoot), moduleName);
  if (file === undefined) {
    const err = new Error(`Cannot find module '${join(config.codeRoot, moduleRoot, moduleName)}'`);
    throw runtimeError('Runtime.ImportModuleError', String(err));
  }
  let mod: Record<string, unknown>;
  try {
    if (TS_EXT.test(file)) {
      if (!config.tsxApis) throw new Error('TypeScript handlers need tsx, which could not be found');
      for (const path of config.tsxApis) {
        const api = (await import(pathToFileURL(path).href)) as { register: () => unknown };
        api.register();
      }
    }
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof SyntaxError) {
      const wrapped = runtimeError('Runtime.UserCodeSyntaxError', String(e));
      wrapped.stack = e.stack;
      throw wrapped;
    }
    const code = (e as { code?: unknown } | null)?.code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
      throw runtimeError('Runtime.ImportModuleError', String(e));
    }
    throw e;
  }
  const pick = (root: unknown): unknown =>
    handlerPath.split('.').reduce<unknown>((o, k) => (o === null || o === undefined ? undefined : (o as Record<string, unknown>)[k]), root);
  let fn = pick(mod);
  // A CommonJS module's exports are the module itself (import() shows them as `default`); an ES module's default is not looked into.
  if (fn === undefined && mod['default'] !== undefined && !isEsModule(file)) fn = pick(mod['default']);
  if (!fn) throw runtimeError('Runtime.HandlerNotFound', `${full} is undefined or not exported`);
  if (typeof fn !== 'function') throw runtimeError('Runtime.HandlerNotFound', `${full} is not a function`);
  // [RIC] src/function/callback-deprecation.ts: a handler declaring three parameters (event, context, callback);
  // a streaming handler's three (event, responseStream, context) are not that.
  if (REWRITTEN_CLIENT && fn.length >= 3 && !isStreamingHandler(fn, runtimeError)) throw runtimeError('Runtime.CallbackHandlerDeprecated', CALLBACK_HANDLER_REMOVED);
  return fn as (...args: unknown[]) => unknown;
}

// ---- invocations -----------------------------------------------------------

interface Current {
  id: string;
  seq: number;
  /** performance.now() when the call started (for the Duration Lambda reports). */
  start: number;
  finished: boolean;
  /** Runs when the event loop empties (callbackWaitsForEmptyEventLoop / no result). */
  onEmptyLoop: (() => void) | undefined;
  /** A successful answer goes as a proxy answer when it is a valid one (PROXY_EVENT_CALL). */
  proxyAnswer: boolean;
}

let current: Current | undefined;

function channelRef(on: boolean): void {
  if (port) {
    if (on) port.ref();
    else port.unref();
    return;
  }
  const ch = (process as unknown as { channel?: { ref(): void; unref(): void } }).channel;
  if (!ch) return;
  if (on) ch.ref();
  else ch.unref();
}

// Max Memory Used: the largest sample so far, sampled at most every 100 ms (reading
// the RSS is a system call). A child process reports its RSS; a worker, which
// shares the gateway's process, reports its own V8 heap plus external memory.
let maxMemMb = 0;
let memSampledAt = -Infinity;
function memoryMb(): number {
  const now = performance.now();
  if (now - memSampledAt >= 100) {
    memSampledAt = now;
    sampleMemory();
  }
  return maxMemMb;
}

/** What the instance uses now, in bytes (the measure above), folded into Max Memory Used. */
function sampleMemory(): number {
  let bytes: number;
  if (port) {
    const h = getHeapStatistics();
    bytes = h.total_heap_size + h.external_memory;
  } else {
    bytes = process.memoryUsage.rss();
  }
  maxMemMb = Math.max(maxMemMb, Math.round(bytes / (1024 * 1024)));
  if (sharedMaxMem) sharedMaxMem[0] = maxMemMb;
  return bytes;
}

// ---- the memory size, as a limit ---------------------------------------------
// Lambda stops an environment that uses more than the function's memory size (Runtime.OutOfMemory).
// V8's heap limit covers the heap only (resourceLimits / --max-old-space-size, 90 % of the size), and
// Buffers and ArrayBuffers live outside it: without a check, a function filling Buffers grows the
// process until the machine runs out. So while a call runs the instance measures itself every
// MEMORY_CHECK_MS and, over the size, reports it and exits. The checks run on the instance's event
// loop; a call looping synchronously starves them, and the gateway sees that in the heartbeat
// (instance.ts blockedFor) and stops the instance when the process has grown past what its
// functions may use (local.ts, the memory watch).

const MEMORY_CHECK_MS = 50;
const memoryLimitBytes = (Number(process.env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE']) || Infinity) * 1024 * 1024;
let memoryCheck: NodeJS.Timeout | undefined;

/** A call starts: the checks run until the instance is idle at one of them. */
function watchMemory(): void {
  if (heartbeat) heartbeat[0] = performance.timeOrigin + performance.now();
  // Unref'd: it never keeps the event loop alive (an empty loop still ends a call, see beforeExit).
  memoryCheck ??= setInterval(checkMemory, MEMORY_CHECK_MS).unref();
}

function checkMemory(): void {
  if (heartbeat) heartbeat[0] = performance.timeOrigin + performance.now();
  if (!current || current.finished) {
    clearInterval(memoryCheck);
    memoryCheck = undefined;
    return;
  }
  if (sampleMemory() > memoryLimitBytes) {
    writeFrame({ t: 'oom', mem: maxMemMb });
    process.exit(1);
  }
}

/**
 * Ends the running call with its result JSON (a streaming handler's: '' and its content type), or with
 * a failure frame (`frame`, given seq, mem and dur here).
 */
function finish(frame: Record<string, unknown> | undefined, resultJson?: string, contentType?: string): void {
  const c = current;
  if (!c || c.finished) return;
  c.finished = true;
  c.onEmptyLoop = undefined;
  const mem = memoryMb();
  const dur = performance.now() - c.start;
  if (frame !== undefined) writeFrame(Object.assign(frame, { seq: c.seq, mem, dur }));
  else if (!(c.proxyAnswer && contentType === undefined && writeProxyResult({ seq: c.seq, mem, dur }, resultJson!))) writeResult({ seq: c.seq, mem, dur }, resultJson!, contentType);
  current = undefined;
  channelRef(true);
  // The next call (or more from the gateway, or sleep) after this turn of the loop.
  if (!pumpQueued) {
    pumpQueued = true;
    setImmediate(pump);
  }
}

// ---- the call queue --------------------------------------------------------

const queue: InvokeMessage[] = [];
let pumpQueued = false;
let runHandler: ((msg: InvokeMessage) => void) | undefined;

/** Claims call `seq` (false: the gateway took it back). */
function take(seq: number): boolean {
  if (!claimWord) return true;
  // Written before the claim, so the gateway reads this call's start time once it sees the claim.
  startedAt![0] = performance.timeOrigin + performance.now();
  for (;;) {
    const v = Atomics.load(claimWord, 0);
    if (v >= seq) return false;
    if (Atomics.compareExchange(claimWord, 0, v, seq) === v) return true;
  }
}

/**
 * Starts the next call unless one is running; a call that ends at once lets the next start in the
 * same turn. With nothing to run the instance freezes until a call comes (freeze()).
 */
function pump(): void {
  pumpQueued = false;
  if (!runHandler) return;
  for (;;) {
    if (fromGateway) fromGateway.drain(queueCall);
    while (current === undefined && queue.length > 0) {
      const msg = queue.shift()!;
      if (take(msg.seq)) runHandler(msg);
      if (current === undefined && queue.length === 0 && fromGateway) fromGateway.drain(queueCall);
    }
    if (current !== undefined || !freeze()) return;
  }
}

/** Worker: a call record from the gateway joins the queue. */
function queueCall(r: RingRecord): void {
  const kind = r.kind;
  if (kind !== RECORD.CALL && kind !== RECORD.EVENT_CALL && kind !== RECORD.PROXY_EVENT_CALL) return;
  const [id = '', arn = '', traceId = '', clientContext] = r.meta.split('\u0000');
  queue.push({
    t: 'invoke',
    seq: r.seq,
    id,
    arn,
    traceId,
    clientContext,
    timeoutMs: r.x,
    deadlineAt: r.y,
    payload: r.text ?? r.data,
    compact: kind !== RECORD.CALL,
    proxyAnswer: kind === RECORD.PROXY_EVENT_CALL,
  });
}

/**
 * Nothing to run: the instance blocks its thread until the gateway sends a call. Lambda freezes an
 * environment once the answer is sent (the runtime waits in its Next request): timers, intervals,
 * unawaited promises and I/O callbacks left by a call do not run between calls, and run, overdue,
 * during the next call on this instance, after it started ([D-lifecycle]; [D-node-context]
 * callbackWaitsForEmptyEventLoop). A worker waits on its ring's doorbell, a child process in a
 * blocking read of its call channel; either way nothing of the function runs meanwhile, and the
 * processes it started are stopped until the call comes (./own-children.ts, freezeChildren).
 */
function freeze(): boolean {
  if (fromGateway) {
    const stopped = freezeChildren(true);
    fromGateway.block();
    thawChildren(stopped);
    return true;
  }
  // A child's output (the answer among it) may still wait in its stdout or stderr stream: frozen
  // only once that has gone out, as Lambda freezes once the answer is posted.
  const pending = [process.stdout, process.stderr].find((s) => s.writableLength > 0);
  if (pending) {
    if (!drainAwaited) {
      drainAwaited = true;
      pending.once('drain', () => {
        drainAwaited = false;
        pump();
      });
    }
    return false;
  }
  const stopped = freezeChildren(false);
  const msg = readCall();
  thawChildren(stopped);
  if (msg === undefined) process.exit(0); // the gateway is gone
  queue.push(msg);
  return true;
}

let drainAwaited = false;

/** Child process: reads exactly `n` bytes of the call channel, blocking; undefined at its end. */
function readChannel(n: number): Buffer | undefined {
  const buf = Buffer.allocUnsafe(n);
  for (let at = 0; at < n; ) {
    let got: number;
    try {
      got = readSync(CALL_CHANNEL_FD, buf, at, n - at, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 1); // non-blocking after all: poll each millisecond
        continue;
      }
      if ((e as NodeJS.ErrnoException).code === 'EINTR') continue;
      throw e;
    }
    if (got === 0) return undefined;
    at += got;
  }
  return buf;
}
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Child process: the next call on the call channel ([u32 header length][u32 payload length][header JSON][payload]). */
function readCall(): InvokeMessage | undefined {
  const lengths = readChannel(8);
  if (lengths === undefined) return undefined;
  const header = readChannel(lengths.readUInt32LE(0));
  const payloadLength = lengths.readUInt32LE(4);
  const payload = payloadLength === 0 ? Buffer.alloc(0) : readChannel(payloadLength);
  if (header === undefined || payload === undefined) return undefined;
  return { ...(JSON.parse(header.toString('utf8')) as Omit<InvokeMessage, 'payload'>), payload };
}

/**
 * A result JSON cannot carry (a cycle, a BigInt, a throwing toJSON). The runtime client of the
 * nodejs20.x/22.x era throws a plain `Error('Unable to stringify response body')` from its
 * serialiser, which the invocation then reports ([RIC] src/RAPIDClient.js _trySerializeResponse);
 * the rewritten client of nodejs24.x has `Runtime.JSONStringifyError` ([RIC] src/utils/errors.ts).
 */
function unserializable(): Error {
  const message = 'Unable to stringify response body';
  return REWRITTEN_CLIENT ? runtimeError('Runtime.JSONStringifyError', message) : new Error(message);
}

function succeed(result: unknown): void {
  let payload: string;
  try {
    payload = JSON.stringify(result === undefined ? null : result);
    if (payload === undefined) payload = 'null';
  } catch {
    fail(unserializable());
    return;
  }
  finish(undefined, payload);
}

function fail(err: unknown): void {
  if (!current || current.finished) return;
  let asError: Error;
  try {
    asError = err instanceof Error ? err : new Error(String(err));
  } catch (conversion) {
    // A value that cannot become a string (Object.create(null), a throwing toString): the runtime's own
    // conversion throws, and that TypeError is what it reports [RIC Runtime: the chain's .catch(fail)].
    fail(conversion instanceof Error ? conversion : new TypeError('Cannot convert object to primitive value'));
    return;
  }
  logError('Invoke Error', asError);
  finish({ t: 'result', ok: false, error: toErrorPayload(err) });
}

process.on('beforeExit', () => {
  const c = current;
  if (c && !c.finished && c.onEmptyLoop) {
    const run = c.onEmptyLoop;
    c.onEmptyLoop = undefined;
    run();
  }
});

/**
 * context.callbackWaitsForEmptyEventLoop: an own, enumerable accessor, as in
 * Lambda's runtime, whose value lives in a hidden symbol-keyed property. Every
 * call's context shares this one getter/setter pair, so V8 reuses one object
 * shape; a fresh pair per call (an accessor in an object literal) costs it a new
 * shape each call, ~1 µs.
 */
const WAITS = Symbol('callbackWaitsForEmptyEventLoop');
const WAITS_ACCESSOR = Object.getOwnPropertyDescriptor(
  {
    get callbackWaitsForEmptyEventLoop(): unknown {
      return (this as unknown as Record<symbol, unknown>)[WAITS];
    },
    set callbackWaitsForEmptyEventLoop(v: unknown) {
      (this as unknown as Record<symbol, unknown>)[WAITS] = v;
    },
  },
  'callbackWaitsForEmptyEventLoop',
)!;
const WAITS_INITIAL: PropertyDescriptor = { value: true, writable: true, enumerable: false, configurable: true };

function remaining(deadline: number): () => number {
  const getRemainingTimeInMillis = (): number => deadline - Date.now();
  return getRemainingTimeInMillis;
}

function invoke(handler: (...args: unknown[]) => unknown, isAsync: boolean, msg: InvokeMessage, streaming: boolean): void {
  // Lambda rejects a payload that is not JSON before running anything
  // (InvalidRequestContentException): parsing happens here, off the gateway's
  // thread, and the gateway turns this answer into that service error.
  let event: unknown;
  try {
    const text = typeof msg.payload === 'string' ? msg.payload : decoder.decode(msg.payload);
    event = msg.compact === true ? proxyEventFromCompact(text) : text === '' ? {} : JSON.parse(text);
  } catch {
    writeFrame({ t: 'result', seq: msg.seq, ok: false, invalid: true, error: { errorType: 'InvalidRequestContentException', errorMessage: '' }, mem: memoryMb() });
    return;
  }
  // [RIC] InvokeContext.updateLoggingContext: set as the invocation starts, read by every console line
  // (the rewritten client keeps it in its invoke store instead, see invokeRewritten).
  if (!invokeStore) runtimeGlobals[REQUEST_ID] = msg.id;
  lineOwner = msg.seq;
  process.env['_X_AMZN_TRACE_ID'] = msg.traceId;
  const deadline = msg.deadlineAt || Date.now() + msg.timeoutMs;
  const c: Current = { id: msg.id, seq: msg.seq, start: performance.now(), finished: false, onEmptyLoop: undefined, proxyAnswer: msg.proxyAnswer === true };
  current = c;
  watchMemory();
  // While a function runs, the IPC channel must not keep the event loop alive:
  // an empty loop is how Lambda's Node runtime detects "nothing left to do".
  channelRef(false);

  if (streaming) {
    void invokeStreaming(handler, event, msg, deadline, c);
    return;
  }
  if (REWRITTEN_CLIENT) {
    invokeRewritten(handler, event, msg, deadline, c);
    return;
  }

  // Default when the loop empties without a result (the runtime's beforeExit listener).
  c.onEmptyLoop = isAsync
    ? () => fail(runtimeError('Runtime.NodeJsExit', NODE_JS_EXIT_MESSAGE))
    : () => succeed(null);

  let called = false;
  const once =
    <A extends unknown[]>(f: (...a: A) => void) =>
    (...a: A): void => {
      if (called || c.finished) return;
      called = true;
      f(...a);
    };
  const done = once((err?: unknown, result?: unknown) => {
    if (err !== undefined && err !== null) fail(err);
    else succeed(result);
  });
  const callback = once((err?: unknown, result?: unknown) => {
    if (err !== undefined && err !== null) fail(err);
    else if (!context[WAITS]) succeed(result);
    else c.onEmptyLoop = () => setImmediate(() => succeed(result));
  });

  const context = legacyContext(msg, deadline, {
    succeed: (result?: unknown) => done(null, result),
    fail: (err?: unknown) => done(err === undefined || err === null ? 'handled' : err),
    done,
  });

  try {
    const result = handler(event, context, callback);
    if (result && typeof (result as { then?: unknown }).then === 'function') {
      (result as Promise<unknown>).then(
        (v) => done(null, v),
        (e) => done(e === undefined || e === null ? 'handled' : e),
      );
    }
  } catch (e) {
    callback(e);
  }
}

/**
 * The JavaScript client's context object ([RIC] InvokeContext.js attachEnvironmentData, CallbackContext.js;
 * StreamingContext.js for a streaming call, which has no `callbacks`). The keys in the runtime's order,
 * callbackWaitsForEmptyEventLoop first (an own accessor), then succeed/fail/done for a buffered handler.
 */
function legacyContext(
  msg: InvokeMessage,
  deadline: number,
  callbacks: { succeed: (result?: unknown) => void; fail: (err?: unknown) => void; done: (err?: unknown, result?: unknown) => void } | undefined,
): Record<string | symbol, unknown> {
  const context: Record<string | symbol, unknown> = {};
  Object.defineProperty(context, 'callbackWaitsForEmptyEventLoop', WAITS_ACCESSOR);
  Object.defineProperty(context, WAITS, WAITS_INITIAL);
  if (callbacks) {
    context['succeed'] = callbacks.succeed;
    context['fail'] = callbacks.fail;
    context['done'] = callbacks.done;
  }
  context['functionVersion'] = process.env['AWS_LAMBDA_FUNCTION_VERSION'];
  context['functionName'] = process.env['AWS_LAMBDA_FUNCTION_NAME'];
  context['memoryLimitInMB'] = process.env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'];
  context['logGroupName'] = process.env['AWS_LAMBDA_LOG_GROUP_NAME'];
  context['logStreamName'] = process.env['AWS_LAMBDA_LOG_STREAM_NAME'];
  // [RIC] InvokeContext.js: the client context header, parsed, on every call (undefined without one).
  context['clientContext'] = msg.clientContext === undefined ? undefined : (JSON.parse(msg.clientContext) as unknown);
  context['identity'] = undefined;
  context['invokedFunctionArn'] = msg.arn;
  context['awsRequestId'] = msg.id;
  context['getRemainingTimeInMillis'] = remaining(deadline);
  return context;
}

/**
 * A call as the rewritten client (nodejs24.x and later) makes it: `await handler(event, context)`, the
 * result or the error reported ([RIC] src/runtime/buffered-invoke-processor.ts), with its context object
 * ([RIC] src/context/context-builder.ts): no callbackWaitsForEmptyEventLoop, succeed, fail or done;
 * `xRayTraceId`, `tenantId`, and `w3c()` with the allowed W3C fields the caller put under the client
 * context's `w3c` key, which is taken out of clientContext.
 */
function invokeRewritten(handler: (...args: unknown[]) => unknown, event: unknown, msg: InvokeMessage, deadline: number, c: Current): void {
  const context = rewrittenContext(msg, deadline);
  c.onEmptyLoop = () => fail(runtimeError('Runtime.NodeJsExit', NODE_JS_EXIT_MESSAGE));
  const run = async (): Promise<unknown> => handler(event, context);
  invokeStore!.run(storeIds(msg), run).then(succeed, (e: unknown) => fail(e === undefined || e === null ? 'handled' : e));
}

/** The invoke store's context for a call (the rewritten client's runWithInvokeContext). */
function storeIds(msg: InvokeMessage): StoreContext {
  return { [STORE_KEYS.REQUEST_ID]: msg.id, [STORE_KEYS.X_RAY_TRACE_ID]: msg.traceId, [STORE_KEYS.TENANT_ID]: undefined };
}

/** [RIC] src/context/context-builder.ts: the rewritten client's context object. */
function rewrittenContext(msg: InvokeMessage, deadline: number): Record<string, unknown> {
  const clientContext = msg.clientContext === undefined ? undefined : (JSON.parse(msg.clientContext) as Record<string, unknown>);
  const w3c = takeW3c(clientContext);
  return {
    clientContext,
    identity: undefined,
    invokedFunctionArn: msg.arn,
    awsRequestId: msg.id,
    tenantId: undefined,
    xRayTraceId: msg.traceId,
    getRemainingTimeInMillis: remaining(deadline),
    w3c: () => w3c,
    functionName: process.env['AWS_LAMBDA_FUNCTION_NAME'],
    functionVersion: process.env['AWS_LAMBDA_FUNCTION_VERSION'],
    memoryLimitInMB: process.env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'],
    logGroupName: process.env['AWS_LAMBDA_LOG_GROUP_NAME'],
    logStreamName: process.env['AWS_LAMBDA_LOG_STREAM_NAME'],
  };
}

// ---- streaming handlers ----------------------------------------------------

const NON_ASYNC_STREAMING = 'Streaming does not support non-async handlers.';
const STREAM_NOT_FINISHED = 'Response stream is not finished.';

/**
 * A call of a streaming handler ([RIC] Runtime.js handleOnceStreaming; src/runtime/streaming-invoke-processor.ts):
 * `handler(event, responseStream, context)` must return a promise; once it settles the runtime waits
 * for the stream to end, and the call succeeds if end() completed, else fails ("Response stream is not
 * finished."). A value the promise resolves to is dropped, with a warning. Each write goes to the
 * gateway as it is made. The JavaScript client reports its own failures as strings (their errorType is
 * then "string"), the rewritten one as Errors. Its context is the buffered handler's without succeed,
 * fail and done (the rewritten client's is the same as for a buffered handler).
 */
async function invokeStreaming(handler: (...args: unknown[]) => unknown, event: unknown, msg: InvokeMessage, deadline: number, c: Current): Promise<void> {
  const stream = createInvocationStream(
    (chunk) => {
      if (!c.finished) writeChunk(c.seq, chunk, stream.contentType());
    },
    runtimeError,
    { highWaterMark: highWaterMarkOf(handler), windowOpen: streamWindowOpen },
  );
  const context = REWRITTEN_CLIENT ? rewrittenContext(msg, deadline) : legacyContext(msg, deadline, undefined);
  const runtimeFailure = (message: string): unknown => (REWRITTEN_CLIENT ? new Error(message) : message);
  c.onEmptyLoop = () => fail(runtimeError('Runtime.NodeJsExit', NODE_JS_EXIT_MESSAGE));
  const run = async (): Promise<void> => {
    const result = handler(event, stream.handle, context);
    if (typeof result !== 'object' || result === null || typeof (result as { then?: unknown }).then !== 'function') throw runtimeFailure(NON_ASYNC_STREAMING);
    if ((await result) !== undefined) console.warn('Streaming handlers ignore return values.');
    await stream.done;
    if (!stream.finished()) throw runtimeFailure(STREAM_NOT_FINISHED);
  };
  try {
    await (invokeStore ? invokeStore.run(storeIds(msg), run) : run());
    finish(undefined, '', stream.contentType());
  } catch (e) {
    fail(e === undefined || e === null ? 'handled' : e);
  } finally {
    stream.release();
  }
}


const W3C_FIELDS = ['traceparent', 'tracestate', 'baggage'] as const;

/** [RIC] context-builder.ts extractAndStripW3c: the client context's `w3c` string fields, frozen; the key is removed. */
function takeW3c(clientContext: Record<string, unknown> | undefined): Readonly<Record<string, string>> {
  if (!clientContext || typeof clientContext !== 'object' || !('w3c' in clientContext)) return Object.freeze({});
  const raw = clientContext['w3c'];
  delete clientContext['w3c'];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return Object.freeze({});
  const fields: Record<string, string> = {};
  for (const key of W3C_FIELDS) {
    const value = (raw as Record<string, unknown>)[key];
    if (typeof value === 'string') fields[key] = value;
  }
  return Object.freeze(fields);
}

// ---- process-level failures ------------------------------------------------

process.on('uncaughtException', (error) => {
  logError('Uncaught Exception', error);
  const payload = toErrorPayload(error);
  if (current && !current.finished) finish({ t: 'result', ok: false, error: payload, exit: 129 });
  else writeFrame({ t: 'init-error', error: payload, mem: memoryMb() });
  process.exit(129);
});

process.on('unhandledRejection', (reason) => {
  const error = runtimeError('Runtime.UnhandledPromiseRejection', String(reason));
  logError('Unhandled Promise Rejection', Object.assign(error, { reason, promise: {} }));
  const payload = toErrorPayload(error);
  if (current && !current.finished) finish({ t: 'result', ok: false, error: payload, exit: 128 });
  else writeFrame({ t: 'init-error', error: payload, mem: memoryMb() });
  process.exit(128);
});

// ---- main ------------------------------------------------------------------

async function main(): Promise<void> {
  const raw = process.env['_RESTGATE_BOOT'];
  delete process.env['_RESTGATE_BOOT'];
  const config = JSON.parse(raw ?? '{}') as BootConfig;
  // A worker cannot change directory (the cwd is process-wide): it keeps one of its own, starting at the
  // code root as Lambda's does, for process.cwd(), chdir(), fs paths and child processes (./worker-cwd.ts).
  if (port && config.codeRoot) emulateCwd(config.codeRoot);
  // An instance that exits (process.exit, during init too) tells what it used: REPORT's Max Memory Used.
  process.on('exit', () => {
    sampleMemory();
    writeFrame({ t: 'mem', mem: maxMemMb });
  });
  routeWorkerStdio();
  // A signal the function sends itself ends it as it would end a process (./own-signals.ts); in a worker
  // the gateway hears it from the instance, as it hears a process's exit signal from the system.
  containOwnSignals(port !== null, (signal, signum) => {
    writeFrame({ t: 'signal', signal });
    // Not process.exit: a process killed by a signal runs no 'exit' listeners.
    return (process as unknown as { reallyExit(code: number): never }).reallyExit(128 + signum);
  });
  // What the function starts ends with the instance (./own-children.ts): a process instance's children
  // are in its process group; a worker's each lead one, which the gateway is told about. Either way they
  // are frozen with the instance between calls (freeze()).
  if (port !== null) trackOwnChildren(writeFrame);
  else noteOwnChildren();
  setupGlobals();
  patchConsole();
  const start = performance.now();
  sampleMemory(); // the runtime's own, before the function's code: known even if init never ends
  let handler: (...args: unknown[]) => unknown;
  let streaming: boolean;
  try {
    handler = await loadHandler(config);
    streaming = isStreamingHandler(handler, runtimeError);
  } catch (e) {
    // The runtime loads the handler in a top-level await: whatever it throws, Runtime.* or not, is an uncaught exception.
    logError('Uncaught Exception', e);
    writeFrame({ t: 'init-error', error: toErrorPayload(e), mem: memoryMb() });
    process.exit(129);
  }
  const isAsync = handler.constructor?.name === 'AsyncFunction';
  runHandler = streaming ? (msg) => invoke(handler, isAsync, msg, true) : (msg) => invoke(handler, isAsync, msg, false);
  // Ready before any call runs: what a call prints is the call's, not init's (START comes after init's lines).
  writeFrame({ t: 'ready', initMs: performance.now() - start, mem: memoryMb() });
  if (port) {
    // The port carries nothing, but a listener on it keeps the event loop alive while a call's
    // answer is on its way (see channelRef).
    port.on('message', () => {});
  } else {
    // A disconnected gateway means this instance is orphaned.
    process.on('disconnect', () => process.exit(0));
  }
  pump();
}

void main();

export {};
