// Lambda response streaming, instance side: `awslambda.streamifyResponse`,
// `awslambda.HttpResponseStream` and the response stream a streaming handler
// writes, as the Node.js runtime client has them ([RIC] src/UserFunction.js,
// src/HttpResponseStream.js, src/ResponseStream.js, src/Runtime.js
// handleOnceStreaming; the rewritten client's src/utils/globals.ts,
// src/stream/*.ts, src/runtime/streaming-invoke-processor.ts).
//
// On Lambda the stream is an HTTP request to the Runtime API whose body is the
// response; here each write becomes a chunk for the gateway (`sink`), which
// forwards it as it comes (InvokeWithResponseStream, a STREAM integration) or
// collects it (a buffered invocation).
//
// Self-contained (node: imports only): the instance bootstrap imports it.

import { Writable } from 'node:stream';

/** The mark streamifyResponse puts on a handler, and the value that means "response streaming". */
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const STREAMING_RESPONSE = 'response';
const HIGH_WATER_MARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');

/** The content type of a streamed response nobody set ([RIC] ResponseStream.js DEFAULT_CONTENT_TYPE). */
const DEFAULT_STREAM_CONTENT_TYPE = 'application/octet-stream';
/** What HttpResponseStream.from sets: a prelude (JSON), 8 NUL bytes, then the body. */
const HTTP_INTEGRATION_RESPONSE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_DELIMITER_BYTES = 8;

type Handler = ((...args: unknown[]) => unknown) & { [STREAMING]?: unknown; [HIGH_WATER_MARK]?: number };

/** Makes the runtime's own errors (bootstrap.ts runtimeError), e.g. Runtime.InvalidStreamingOperation ([RIC] Errors.js). */
export type RuntimeErrorFactory = (type: string, message: string) => Error;

/** [RIC] streamifyResponse: marks the handler (the same function object comes back). */
function streamifyResponse(handler: Handler, options?: { highWaterMark?: unknown }): Handler {
  handler[STREAMING] = STREAMING_RESPONSE;
  const hwm = options?.highWaterMark;
  // The runtime gives it to the socket of its Runtime API request; here it sizes the stream's buffer.
  if (typeof hwm === 'number') handler[HIGH_WATER_MARK] = parseInt(String(hwm), 10);
  return handler;
}

/** The stream a handler gets, as far as HttpResponseStream.from uses it. */
interface PreludeTarget {
  setContentType(contentType: string): void;
  _onBeforeFirstWrite?: (write: (chunk: string | Uint8Array) => void) => void;
}

/** [RIC] HttpResponseStream.from: the prelude and its delimiter go out just before the first write. */
class HttpResponseStream {
  static from<T extends PreludeTarget>(stream: T, prelude: unknown): T {
    stream.setContentType(HTTP_INTEGRATION_RESPONSE);
    const json = JSON.stringify(prelude);
    stream._onBeforeFirstWrite = (write) => {
      write(json);
      write(new Uint8Array(PRELUDE_DELIMITER_BYTES));
    };
    return stream;
  }
}

/**
 * Is the handler a streaming one? [RIC] UserFunction.js getHandlerMetadata: unmarked → no; marked
 * "response" → yes; marked otherwise → an init error (Runtime.MalformedStreamingHandler).
 */
export function isStreamingHandler(handler: unknown, runtimeError: RuntimeErrorFactory): boolean {
  const mark = (handler as Handler)[STREAMING];
  if (!mark) return false;
  if (mark === STREAMING_RESPONSE) return true;
  throw runtimeError('Runtime.MalformedStreamingHandler', 'Only response streaming is supported.');
}

/**
 * globalThis.awslambda, unless AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA is "1" or "true": the JavaScript
 * client (nodejs22.x and earlier) replaces whatever was there, the rewritten one (nodejs24.x) keeps its
 * other properties ([RIC] UserFunction.js _loadUserApp; src/utils/globals.ts setupGlobals).
 */
export function defineAwsLambdaGlobal(rewrittenClient: boolean): Record<string, unknown> | undefined {
  if (['1', 'true'].includes(process.env['AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA'] ?? '')) return undefined;
  const g = globalThis as unknown as { awslambda?: Record<string, unknown> };
  const kept = rewrittenClient ? g.awslambda : undefined;
  g.awslambda = { ...kept, streamifyResponse, HttpResponseStream };
  return g.awslambda;
}

/** The response stream of one invocation, and what the runtime waits for. */
export interface InvocationStream {
  /** What the handler gets: a plain object whose methods are a writable stream's ([RIC] writableStreamOnly). */
  readonly handle: Record<string, unknown>;
  /** The content type the response goes out with (setContentType, before the first write). */
  contentType(): string;
  /**
   * Settles once the stream has finished or was destroyed: the runtime's Runtime API request ended
   * (it rejects with the error the stream was destroyed with). Until then the stream keeps the event
   * loop alive, as that open request does on Lambda: a handler that never ends it runs into its timeout.
   */
  readonly done: Promise<void>;
  /** Whether end() completed (the runtime's writableFinished check). */
  finished(): boolean;
  /** The call is over (answered or failed): the stream no longer keeps the event loop alive. */
  release(): void;
}

const METHODS = [
  'cork',
  'destroy',
  'end',
  'uncork',
  'write',
  'addListener',
  'emit',
  'eventNames',
  'getMaxListeners',
  'listenerCount',
  'listeners',
  'off',
  'on',
  'once',
  'prependListener',
  'prependOnceListener',
  'rawListeners',
  'removeAllListeners',
  'removeListener',
  'setMaxListeners',
  'setContentType',
] as const;
const READ_WRITE = ['destroyed', 'writable', '_onBeforeFirstWrite'] as const;
const READ_ONLY = [
  'writableFinished',
  'writableObjectMode',
  'writableEnded',
  'writableNeedDrain',
  'writableHighWaterMark',
  'writableCorked',
  'writableLength',
] as const;

/** How the stream paces its writer. */
export interface StreamFlow {
  /** The handler's streamifyResponse highWaterMark: the stream's own buffer before write() returns false. */
  readonly highWaterMark?: number | undefined;
  /** False while too much of what was sent is not taken yet: writes are not acknowledged meanwhile. */
  readonly windowOpen?: (() => boolean) | undefined;
}

/** The handler's highWaterMark option, if it gave one (streamifyResponse). */
export function highWaterMarkOf(handler: unknown): number | undefined {
  const v = (handler as Handler)[HIGH_WATER_MARK];
  return typeof v === 'number' && v > 0 ? v : undefined;
}

/** How often a write waiting for the window looks again (ms). */
const WINDOW_POLL_MS = 1;

/**
 * A response stream whose bytes go to `sink` as they are written. As the runtime's: write() turns
 * anything but a string, Buffer or Uint8Array into JSON; the first write() runs `_onBeforeFirstWrite`
 * (HttpResponseStream's prelude) first, and from then on setContentType throws; end(chunk) writes the
 * chunk without that hook (so a prelude set up by HttpResponseStream.from never goes out when the
 * body is only given to end(), as on Lambda).
 */
export function createInvocationStream(sink: (chunk: Uint8Array) => void, runtimeError: RuntimeErrorFactory, flow: StreamFlow = {}): InvocationStream {
  let contentType = DEFAULT_STREAM_CONTENT_TYPE;
  let written = false;
  const windowOpen = flow.windowOpen;
  // A write is acknowledged once the window has room again (or the stream is gone): until then the
  // stream's buffer fills and write() returns false, so a handler that waits for 'drain' is paced.
  const acknowledge = (callback: () => void): void => {
    if (windowOpen === undefined || windowOpen() || inner.destroyed) callback();
    else setTimeout(acknowledge, WINDOW_POLL_MS, callback);
  };
  const inner = new Writable({
    decodeStrings: true,
    ...(flow.highWaterMark === undefined ? {} : { highWaterMark: flow.highWaterMark }),
    write(chunk: Buffer, _encoding, callback) {
      if (chunk.length > 0) sink(chunk);
      acknowledge(callback);
    },
  }) as Writable & { _onBeforeFirstWrite?: unknown; setContentType?: (ct: string) => void };
  const open = setInterval(() => {}, 2 ** 30);
  const done = new Promise<void>((resolve, reject) => {
    let failure: unknown;
    inner.on('error', (e) => {
      failure = e;
    });
    inner.once('finish', () => resolve());
    inner.once('close', () => (failure === undefined ? resolve() : reject(failure)));
  });
  const release = (): void => clearInterval(open);
  done.then(release, release);
  const origWrite = inner.write.bind(inner) as (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean;
  const origEnd = inner.end.bind(inner) as (arg?: unknown) => Writable;
  inner.setContentType = (ct: string) => {
    if (written) throw runtimeError('Runtime.InvalidStreamingOperation', 'Cannot set content-type, too late.');
    contentType = ct;
  };
  inner.write = ((chunk: unknown, encoding?: unknown, cb?: unknown): boolean => {
    let data = chunk;
    if (typeof data !== 'string' && !Buffer.isBuffer(data) && (data as { constructor?: unknown } | null)?.constructor !== Uint8Array) {
      data = JSON.stringify(data);
    }
    if (!written && typeof inner._onBeforeFirstWrite === 'function') {
      (inner._onBeforeFirstWrite as (w: (c: unknown) => boolean) => void)((c) => origWrite(c));
    }
    written = true;
    return origWrite(data, encoding, cb);
  }) as Writable['write'];
  // [RIC] ResponseStream.js: `req.end = function (cb) { origEnd(cb) }`: one argument, a chunk or a callback.
  inner.end = ((arg?: unknown) => {
    origEnd(arg);
    return inner;
  }) as Writable['end'];

  const handle: Record<string, unknown> = {};
  const source = inner as unknown as Record<string, unknown>;
  for (const name of METHODS) handle[name] = (source[name] as (...a: unknown[]) => unknown).bind(inner);
  for (const name of READ_WRITE) {
    Object.defineProperty(handle, name, {
      get: () => source[name],
      set: (v: unknown) => {
        source[name] = v;
      },
      enumerable: false,
      configurable: true,
    });
  }
  for (const name of READ_ONLY) Object.defineProperty(handle, name, { get: () => source[name], enumerable: false, configurable: true });
  return { handle, contentType: () => contentType, done, finished: () => inner.writableFinished, release };
}
