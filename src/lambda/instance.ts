// One function instance (Lambda's execution environment): a worker thread
// (the default) or a child process running ./bootstrap. An instance runs its
// calls one at a time, in the order it was given them; the pool (./pool.ts)
// decides which instance gets which call. This module owns the transport:
//
// - Calls travel in batches: every call handed to an instance during one turn
//   of the event loop goes out together, with one wake-up (a cross-thread
//   wake-up costs tens of microseconds on a small machine; one per batch
//   instead of one per call is most of the runtime's throughput). A worker
//   gets them on a shared-memory ring (./ring.ts), a process on its call pipe.
// - A worker shares a claim block with the gateway (protocol.ts CLAIM_BYTES):
//   before it starts call `seq` it moves the claim word from seq-1 to seq with a
//   compare-and-swap, and writes the start time beside it. The gateway takes back
//   calls the worker has not started by moving the same word itself, so a call is
//   started by the worker or taken back by the gateway, never both, even while
//   the worker is stuck in a loop. The block also holds the worker's heartbeat
//   and how many streamed bytes the gateway has taken (the stream window).
// - Answers, console lines, streamed chunks and direct stdout/stderr writes come
//   back in order (a worker: the other ring; a process: frames on stdout); a
//   console line names the call whose turn it was printed in, other output
//   belongs to the oldest unfinished call.

import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { CALL_CHANNEL_FD, CLAIM_BYTES, RECORD, RING_BYTES, STREAM_WINDOW_BYTES, type WorkerChannels } from './protocol.js';
import { exitPayload } from './errors.js';
import { HAS_PROCESS_GROUPS, OwnChildren, killGroup, type ChildFrame } from './own-children.js';
import { Ring, type RingRecord } from './ring.js';
import type { FunctionSpec } from './spec.js';
import type { CheckedProxyAnswer } from './types.js';

export interface ErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: string[];
}

export type Frame =
  | { t: 'ready'; initMs: number; mem: number }
  | { t: 'init-error'; error: ErrorPayload; mem: number }
  /** A worker's function started a process, or one it started exited (./own-children.ts). */
  | ChildFrame
  /** seq: the call whose turn the line was printed in; absent or 0 (init): the first call here. */
  | { t: 'log'; line: string; seq?: number }
  /** What the instance used, as it exits. */
  | { t: 'mem'; mem: number }
  /** The instance found itself over its memory size and exits next (Runtime.OutOfMemory). */
  | { t: 'oom'; mem: number }
  /** Worker only: the function sent its own process a signal that ends a process (./own-signals.ts); the instance exits next, reported as killed by it. */
  | { t: 'signal'; signal: string }
  /** Worker only: bytes the function wrote straight to process.stdout (1) or process.stderr (2). */
  | { t: 'out'; fd: 1 | 2; chunk: string | Uint8Array }
  /** Bytes a streaming handler wrote for call seq, before its result. */
  | { t: 'chunk'; seq: number; data: Uint8Array; contentType: string }
  /** contentType: a streaming handler's result (its bytes came as chunks; payload is empty). */
  | {
      t: 'result';
      seq: number;
      ok: true;
      payload: Uint8Array;
      mem: number;
      dur: number;
      contentType?: string | undefined;
      /** A PROXY_RESULT: the answer in its parts (payload is empty), and the size of the result's JSON. */
      proxy?: CheckedProxyAnswer | undefined;
      jsonBytes?: number | undefined;
    }
  | { t: 'result'; seq: number; ok: false; error: ErrorPayload; mem: number; dur?: number; exit?: number; invalid?: true };

export type Outcome =
  /** contentType: a streaming handler's answer, whose bytes went to the call's chunk() and are not in payload. */
  | {
      kind: 'ok';
      payload: Buffer;
      mem: number;
      durationMs: number | undefined;
      contentType?: string | undefined;
      /** The answer as a checked proxy answer (a call that accepts one): payload is then empty, and jsonBytes the result JSON's size. */
      proxy?: CheckedProxyAnswer | undefined;
      jsonBytes?: number | undefined;
    }
  /** The event was not JSON: nothing ran (InvalidRequestContentException). */
  | { kind: 'invalid' }
  /** initFailed: the error ended init in the Invoke phase (see InitReport), not a call. */
  | { kind: 'error'; error: ErrorPayload; mem: number | undefined; durationMs: number | undefined; initFailed?: boolean }
  | { kind: 'timeout' }
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null; oom: boolean; initFailed?: boolean };

/**
 * An init that failed, as Lambda's INIT_REPORT tells it: in the Init phase (a new environment's init,
 * within INIT_LIMIT_MS) or in the Invoke phase (init run again with a call, within its timeout).
 */
export interface InitReport {
  readonly phase: 'init' | 'invoke';
  readonly status: 'error' | 'timeout';
  readonly errorType: string | undefined;
  readonly durationMs: number;
}

/** What the gateway sends for one call. */
export interface InvokeMessage {
  t: 'invoke';
  /** Position of the call on its instance (1, 2, ...): what the claim word counts. */
  seq: number;
  id: string;
  /** The event: its JSON bytes, or (worker instances) its source in compact form (./proxy-event.ts). */
  payload: Uint8Array | undefined;
  event: string | undefined;
  /** The function's timeout; the instance starts the clock when it starts the call. */
  timeoutMs: number;
  /** Epoch ms when the call times out, when that is fixed already (a retried init runs within it); else 0. */
  deadlineAt: number;
  arn: string;
  traceId: string;
  /** The caller takes a successful answer as a checked proxy answer (InvokeRequest.acceptsProxyAnswer). */
  proxyAnswer: boolean;
  /** The caller's client context (JSON text), for context.clientContext. */
  clientContext: string | undefined;
}

/** A call as an instance sees it; the pool keeps the rest. */
export interface InstanceCall {
  readonly id: string;
  /** The event's JSON bytes. */
  readonly payload: Buffer;
  /** The event as its source in compact form, when it has one (./proxy-event.ts). */
  readonly compactEvent?: string | undefined;
  readonly arn: string;
  readonly traceId: string;
  /** The caller takes a successful answer as a checked proxy answer (InvokeRequest.acceptsProxyAnswer). */
  readonly acceptsProxyAnswer: boolean;
  /** JSON text for context.clientContext (Invoke API callers only). */
  readonly clientContext?: string | undefined;
  /** Set by the instance when the call is handed to it. */
  seq: number;
  /** Absolute ms (see clock()) when the call was handed to its instance. */
  since: number;
  /**
   * Set when the init of the instance started for this call failed or ran past INIT_LIMIT_MS: the next
   * instance started for it runs its init within the call's timeout, as Lambda's retried init does.
   */
  initRetry?: boolean;
  /** The init of the instance started for this call failed or timed out (INIT_REPORT). */
  initEnded?(report: InitReport): void;
  /**
   * Bytes a streaming handler wrote, in order, while the call runs (before it settles), and the
   * stream's content type; `taken()` once the bytes are written on, collected or dropped.
   */
  chunk?(bytes: Buffer, contentType: string, taken: () => void): void;
}

/** What an instance reports to its pool. */
export interface InstanceEvents<C extends InstanceCall> {
  /** A console line of the call (or of the instance's init when `call` is undefined). */
  line(inst: Instance<C>, call: C | undefined, line: string): void;
  /** The call ended: answered, failed, timed out, or its instance died under it. */
  settled(inst: Instance<C>, call: C, outcome: Outcome): void;
  /** Calls the instance will never start (taken back, or the instance ended): the pool places them again. */
  orphaned(inst: Instance<C>, calls: C[]): void;
  /** Init finished. */
  ready(inst: Instance<C>): void;
  /** The instance ended (after settled/orphaned for its calls). */
  ended(inst: Instance<C>): void;
}

/** Absolute milliseconds with sub-millisecond precision, comparable across threads and processes. */
export function clock(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Calls waiting behind a call that has run this long (or on a ready instance that
 * has not started its first call for this long) are taken back and placed again.
 */
export const MAX_WAIT_MS = 10;

const EMPTY = Buffer.alloc(0);

/**
 * Lambda's limit for the Init phase of an on-demand environment: an init still running after
 * 10 s is stopped and run again as part of the first invocation, within the function's timeout
 * ([D-lifecycle], "Init phase"). An init that ends within it does not count against the timeout.
 */
export const INIT_LIMIT_MS = 10_000;
const OOM_TEXT = /heap out of memory|Reached heap limit|ERR_WORKER_OUT_OF_MEMORY|Allocation failed/;
const NEWLINE = 0x0a;
const FRAME_MARK = '\u001eRGF';
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
 * One function instance. The pool sees only this class; how the code runs
 * (worker thread or child process) and how messages travel is up to the
 * subclass, which reports frames, output lines and the end.
 */
export abstract class Instance<C extends InstanceCall = InstanceCall> {
  state: 'starting' | 'ready' | 'dead' = 'starting';
  /** Retired by --watch: takes no new calls, ends once idle. */
  stale = false;
  /** Init failed or an uncaught error was reported: the instance is about to exit. */
  doomed = false;
  /** Calls handed to this instance and not settled, oldest first: the first runs (or runs next). */
  readonly calls: C[] = [];
  /** Absolute ms when the instance last became idle. */
  releasedAt = 0;
  /**
   * Absolute ms until which the pool avoids this instance: its thread did not start
   * a call it was given (busy with the function's own background work).
   */
  avoidUntil = 0;
  /** Like Lambda's Init Duration: runtime start-up plus the handler module's init. */
  initMs: number | undefined;
  /** The call Init Duration is reported with (the one the instance was started for). */
  coldCall: C | undefined;
  /** This instance's init is Lambda's retried one: it and its cold call share the call's timeout (INIT_LIMIT_MS). */
  initWithinTimeout = false;
  /** The Init phase limit (INIT_LIMIT_MS; shorter in tests). */
  initLimitMs = INIT_LIMIT_MS;
  /** How long calls wait here behind the running call before they are taken back (MAX_WAIT_MS; longer in tests). */
  maxWaitMs = MAX_WAIT_MS;
  mem = 0;
  /** clock() when the instance reported ready (0 before). */
  private readyAt = 0;
  /** Whether calls may wait here behind another call (needs the claim block: workers only). */
  abstract readonly canQueue: boolean;
  /** Whether the instance takes events in compact form (workers only). */
  protected abstract readonly compactEvents: boolean;
  /** performance.now() at creation (init time); clock() at creation (for waits). */
  protected spawnedPerf = performance.now();
  readonly spawnedAt = clock();
  /** The last bytes of stderr (out-of-memory detection). */
  protected stderrTail = '';
  /**
   * Worker: [0] = seq of the last call started or taken back; bytes 8..15: start time of the running
   * call; bytes 16..23: when the instance's event loop last ran its memory check (see blockedFor).
   */
  protected readonly claim: Int32Array | undefined;
  protected readonly startedAt: Float64Array | undefined;
  private readonly heartbeat: Float64Array | undefined;
  private readonly sharedMaxMem: Float64Array | undefined;
  private readonly streamTaken: Float64Array | undefined;
  /** The instance reported (or the runtime found) it over its memory size: its end is Runtime.OutOfMemory. */
  protected outOfMemory = false;
  /** A worker's function signalled itself to death (frame 'signal'): its end is that signal's, whatever the exit code. */
  private endSignal: NodeJS.Signals | undefined;
  private seq = 0;
  private outbox: InvokeMessage[] = [];
  private flushQueued = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private closed = false;
  /** The process groups a worker's function started: they end with the instance. */
  private readonly children = new OwnChildren();
  private closedWaiters: Array<() => void> = [];

  constructor(
    readonly spec: FunctionSpec,
    protected readonly events: InstanceEvents<C>,
    shared: SharedArrayBuffer | undefined,
  ) {
    this.claim = shared && new Int32Array(shared, 0, 1);
    this.startedAt = shared && new Float64Array(shared, 8, 1);
    this.heartbeat = shared && new Float64Array(shared, 16, 1);
    this.streamTaken = shared && new Float64Array(shared, 24, 1);
    this.sharedMaxMem = shared && new Float64Array(shared, 32, 1);
  }

  /**
   * The most memory the instance has used (MB), as far as the gateway can tell without asking it: what a
   * worker last measured (protocol.ts); a process's peak resident size (ProcessInstance).
   */
  protected peakMemMb(): number {
    return this.sharedMaxMem?.[0] ?? 0;
  }

  /**
   * Streamed bytes the call's reader is done with (written on, collected or dropped): a worker's
   * response stream acknowledges writes while what it sent minus this stays within STREAM_WINDOW_BYTES;
   * a process instance's stdout is read again once what arrived minus this is back within it.
   */
  streamConsumed(bytes: number): void {
    if (this.streamTaken) this.streamTaken[0]! += bytes;
  }

  /** Streamed bytes arrived from the instance, on their way to the call's reader (streamConsumed follows). */
  protected streamArrived(_bytes: number): void {}

  /** Sends a batch of calls (in order). */
  protected abstract post(messages: InvokeMessage[]): void;
  /** Raw output reported in a frame (worker threads only). */
  protected output(_fd: 1 | 2, _chunk: string | Uint8Array): void {}
  protected abstract terminate(): void;

  /** Hands a call to this instance; it runs after the calls already here. */
  assign(call: C): void {
    call.seq = ++this.seq;
    call.since = clock();
    this.calls.push(call);
    const event = this.compactEvents ? call.compactEvent : undefined;
    this.outbox.push({
      t: 'invoke',
      seq: call.seq,
      id: call.id,
      payload: event === undefined ? call.payload : undefined,
      event,
      timeoutMs: this.spec.timeoutS * 1000,
      // The cold call of a retried init: its timeout counts from now, init included (deadline()).
      deadlineAt: this.initWithinTimeout && call === this.coldCall ? Date.now() + this.spec.timeoutS * 1000 : 0,
      arn: call.arn,
      traceId: call.traceId,
      proxyAnswer: event !== undefined && call.acceptsProxyAnswer,
      clientContext: call.clientContext,
    });
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(this.flush);
    }
    this.schedule();
  }

  private readonly flush = (): void => {
    this.flushQueued = false;
    const batch = this.outbox;
    this.outbox = [];
    if (batch.length === 0 || this.state === 'dead') return;
    try {
      this.post(batch);
    } catch {
      this.kill();
    }
  };

  /**
   * Worker: for how long (ms) the running call has kept the instance's thread from its event loop (no
   * memory check since the call started or since the last one); 0 when no call runs. A call that
   * awaits lets the checks run; one that loops synchronously does not.
   */
  blockedFor(now: number): number {
    const started = this.heartbeat && this.headStart();
    if (started === undefined) return 0;
    return Math.max(0, now - Math.max(started, this.heartbeat![0]!));
  }

  /** Stops the instance as Lambda stops an environment over its memory size: its running call ends in Runtime.OutOfMemory. */
  killOutOfMemory(memMb?: number): void {
    this.outOfMemory = true;
    if (memMb !== undefined) this.mem = Math.max(this.mem, memMb);
    this.stop(true);
  }

  /** Start time (absolute ms) of the first call, if the instance has started it. */
  headStart(): number | undefined {
    const head = this.calls[0];
    if (!head) return undefined;
    if (this.claim) return Atomics.load(this.claim, 0) >= head.seq ? this.startedAt![0] : undefined;
    return this.state === 'ready' ? Math.max(head.since, this.readyAt) : undefined;
  }

  /**
   * When the first call started, or (not started yet) was handed over: what its
   * timeout and the wait watchdog count from.
   */
  headSince(): number | undefined {
    const head = this.calls[0];
    return head && (this.headStart() ?? head.since);
  }

  /**
   * Takes back the calls the instance has not started (the claim word moves
   * past them, so the worker skips them) and returns them: the ones behind the
   * running call, or all of them when a ready instance has not started its
   * first. Nothing is taken during init.
   */
  takeBack(): C[] {
    if (!this.claim || this.calls.length === 0 || this.state !== 'ready') return [];
    const last = this.calls[this.calls.length - 1]!.seq;
    const taken = new Set<number>();
    for (;;) {
      const v = Atomics.load(this.claim, 0);
      if (v >= last) break;
      // Either this swap wins call v+1 or the worker just started it; both move the word on.
      if (Atomics.compareExchange(this.claim, 0, v, v + 1) === v) taken.add(v + 1);
    }
    if (taken.size === 0) return [];
    const back: C[] = [];
    const kept: C[] = [];
    for (const c of this.calls) (taken.has(c.seq) ? back : kept).push(c);
    this.calls.splice(0, this.calls.length, ...kept);
    return back;
  }

  /**
   * When the first call times out. Its timeout counts from when it started, or, not started yet,
   * from when it was handed over but not before the instance was ready: an init within
   * INIT_LIMIT_MS is not the call's time. A retried init (initWithinTimeout) is: the cold call's
   * timeout then counts from its hand-over.
   */
  private deadline(head: C, started: number | undefined): number {
    const base = this.initWithinTimeout && head === this.coldCall ? head.since : (started ?? Math.max(head.since, this.readyAt));
    return base + this.spec.timeoutS * 1000;
  }

  /** Whether the instance is in an init the Init phase limit applies to (not a retried one). */
  private inLimitedInit(): boolean {
    return this.state === 'starting' && !this.initWithinTimeout;
  }

  /** Arms the instance's single timer for the first call's timeout, or sooner for the wait watchdog. */
  private schedule(): void {
    const head = this.calls[0];
    if (!head) return;
    const started = this.headStart();
    const base = started ?? head.since;
    let at = this.inLimitedInit() ? this.spawnedAt + this.initLimitMs : this.deadline(head, started);
    if (this.canQueue && (this.calls.length > 1 || (started === undefined && this.state === 'ready'))) at = Math.min(at, this.waitBase(base) + this.maxWaitMs);
    if (this.timer && this.timerAt <= at) return; // fires early enough; check() re-arms
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(this.check, Math.max(0, at - clock()));
  }

  /**
   * Where the wait watchdog counts from: the head call's start (or hand-over), but not before
   * the instance was ready: a call handed over during init waited for the cold start, not
   * behind another call, and the instance starts it just after reporting ready.
   */
  private waitBase(base: number): number {
    return Math.max(base, this.readyAt);
  }

  private readonly check = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const head = this.calls[0];
    if (!head || this.state === 'dead') return;
    const now = clock();
    if (this.inLimitedInit()) {
      if (now >= this.spawnedAt + this.initLimitMs - 1) this.initTimedOut();
      else this.schedule();
      return;
    }
    const started = this.headStart();
    const base = started ?? head.since;
    if (now >= this.deadline(head, started) - 1) {
      this.timedOut(head);
      return;
    }
    // Calls waiting behind one that runs long, or behind one a ready instance does not start
    // (its thread busy with something else), move on.
    if (this.canQueue && now >= this.waitBase(base) + this.maxWaitMs && (this.calls.length > 1 || started === undefined)) {
      if (started === undefined) this.avoidUntil = now + 10 * this.maxWaitMs;
      const back = this.takeBack();
      if (back.length > 0) this.events.orphaned(this, back);
    }
    this.schedule();
  };

  /**
   * Init ran past INIT_LIMIT_MS: Lambda stops it and runs init again with the first invocation,
   * within that invocation's timeout. The instance ends; its calls (none started) go back to the
   * pool, the cold call marked so that the instance started for it next inits within its timeout.
   */
  private initTimedOut(): void {
    this.events.line(
      this,
      undefined,
      `restgate: init of ${this.spec.name} did not finish within ${this.initLimitMs / 1000} s (Lambda's Init phase limit): it runs again with the call, within the function's timeout`,
    );
    this.endFailedInit('timeout', undefined);
  }

  /**
   * Init failed for the call the instance was started for. Lambda logs INIT_REPORT and, when this was a
   * new environment's Init phase, runs init again with the call, in its Invoke phase and within its
   * timeout (Developer Guide, lambda-runtime-environment, "Failures during the Init phase"; observed
   * logs: docs/fidelity.md). Then the instance ends and its calls (none started) go back to the pool, the
   * cold call marked so that the instance started for it next is that retry: true. False when this
   * was the retry already: the cold call gets the failure.
   */
  private endFailedInit(status: InitReport['status'], errorType: string | undefined): boolean {
    const cold = this.coldCall;
    if (!cold) return false;
    const phase = cold.initRetry === true ? 'invoke' : 'init';
    cold.initEnded?.({ phase, status, errorType, durationMs: this.initDuration(cold) });
    if (phase === 'invoke') return false;
    if (this.claim) this.claimAll(); // a worker that finishes init now starts none of them
    const back = this.calls.splice(0);
    cold.initRetry = true;
    this.coldCall = undefined;
    this.kill();
    this.events.orphaned(this, back);
    return true;
  }

  /**
   * An INIT_REPORT's Init Duration: since the instance was started, or for a retried init, which runs in the
   * call's Invoke phase, since the call was handed over (so the call's Duration, which holds it, is not less).
   */
  private initDuration(cold: C): number {
    return cold.initRetry === true ? clock() - cold.since : performance.now() - this.spawnedPerf;
  }

  private timedOut(head: C): void {
    // A retried init that ran into the call's timeout: Lambda reports that init as an error of unknown type
    // (observed: `INIT_REPORT … Phase: invoke\tStatus: error\tError Type: Runtime.Unknown`, then START; docs/fidelity.md).
    if (this.state === 'starting' && head === this.coldCall) {
      head.initEnded?.({ phase: 'invoke', status: 'error', errorType: 'Runtime.Unknown', durationMs: this.initDuration(head) });
    }
    this.calls.shift();
    this.mem = Math.max(this.mem, this.peakMemMb()); // for REPORT's Max Memory Used: the instance answers nothing
    this.events.settled(this, head, { kind: 'timeout' });
    this.kill();
  }

  protected onFrame(frame: Frame): void {
    switch (frame.t) {
      case 'log': {
        // A line printed in the turn of a call that has answered (after its answer, before the
        // instance moved on) belongs to no later call: it is logged as a line no call owns.
        const head = this.calls[0];
        const owner = !frame.seq || head?.seq === frame.seq ? head : this.calls.find((c) => c.seq === frame.seq);
        this.events.line(this, owner, frame.line);
        return;
      }
      case 'oom':
        this.outOfMemory = true;
        this.mem = frame.mem;
        return;
      case 'mem':
        this.mem = Math.max(this.mem, frame.mem);
        return;
      case 'signal':
        this.endSignal = frame.signal as NodeJS.Signals;
        return;
      case 'child':
      case 'child-exit':
        this.children.onFrame(frame);
        return;
      case 'out':
        this.output(frame.fd, frame.chunk);
        return;
      case 'ready':
        this.readyAt = clock();
        this.initMs = performance.now() - this.spawnedPerf;
        this.mem = frame.mem;
        if (this.state === 'starting') this.state = 'ready';
        this.events.ready(this);
        this.schedule();
        return;
      case 'init-error': {
        // Init failed (the call the instance was started for gets the error), or an uncaught
        // error outside any call's own frame (the running call gets it). The instance exits next.
        const initFailed = this.state === 'starting';
        this.doomed = true;
        this.mem = Math.max(this.mem, frame.mem);
        if (initFailed) {
          this.state = 'ready';
          if (this.endFailedInit('error', frame.error.errorType)) return;
        }
        if (initFailed || this.headStart() !== undefined) {
          const head = this.calls.shift();
          if (head) this.events.settled(this, head, { kind: 'error', error: frame.error, mem: this.mem, durationMs: undefined, initFailed: initFailed || undefined });
        }
        return;
      }
      case 'chunk': {
        const call = this.calls.find((c) => c.seq === frame.seq);
        const d = frame.data;
        const bytes = Buffer.isBuffer(d) ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength);
        const taken = (): void => this.streamConsumed(bytes.length);
        this.streamArrived(bytes.length);
        if (call?.chunk) call.chunk(bytes, frame.contentType, taken);
        else taken();
        return;
      }
      case 'result': {
        this.mem = frame.mem;
        const i = this.calls.findIndex((c) => c.seq === frame.seq);
        if (i === -1) return;
        const [call] = this.calls.splice(i, 1) as [C];
        let outcome: Outcome;
        if (frame.ok) {
          const p = frame.payload;
          outcome = {
            kind: 'ok',
            payload: Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength),
            mem: frame.mem,
            durationMs: frame.dur,
            contentType: frame.contentType,
            proxy: frame.proxy,
            jsonBytes: frame.jsonBytes,
          };
        } else if (frame.invalid) {
          outcome = { kind: 'invalid' };
        } else {
          if (frame.exit !== undefined) this.doomed = true;
          outcome = { kind: 'error', error: frame.error, mem: frame.mem, durationMs: frame.dur };
        }
        this.events.settled(this, call, outcome);
        if (this.calls.length === 0) this.releasedAt = clock();
        else this.schedule();
        return;
      }
    }
  }

  /** The subclass reports the end of the instance (exit code or signal, and whether it ran out of memory). */
  protected ended(code: number | null, signal: NodeJS.Signals | null, oom: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.children.endAll(); // the environment goes, and what the function started in it
    if (this.endSignal !== undefined) {
      code = null;
      signal = this.endSignal;
    }
    const outOfMemory = oom || this.outOfMemory || OOM_TEXT.test(this.stderrTail) || (signal === 'SIGABRT' && /heap/i.test(this.stderrTail));
    // Ended by itself before it was ready (an exit at import): its init failed. (The gateway's kills retire the instance first.)
    const duringInit = this.state === 'starting';
    if (!(duringInit && this.endFailedInit('error', exitPayload('', code, signal, outOfMemory)['errorType']))) {
      this.retire({ kind: 'exit', code, signal, oom: outOfMemory, initFailed: duringInit || undefined });
    }
    for (const w of this.closedWaiters.splice(0)) w();
  }

  /** Marks the instance dead once: its calls are settled or handed back, the pool forgets it. */
  private retire(outcome: Outcome): void {
    if (this.state === 'dead') return;
    this.state = 'dead';
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.settleAll(outcome);
    this.events.ended(this);
  }

  /**
   * The instance is gone: calls it started get `outcome`, calls it never
   * started go back to the pool (with the claim word moved past them first, so
   * a worker still running cannot start them).
   */
  private settleAll(outcome: Outcome): void {
    if (this.calls.length === 0) return;
    // A process instance runs one call at a time and is given one at a time.
    const startedUpTo = this.claim ? this.claimAll() : this.calls[0]!.seq;
    const calls = this.calls.splice(0);
    const notStarted: C[] = [];
    for (const call of calls) {
      // A call waiting for init when the instance ended gets the exit too (it was the instance's reason to start).
      if (call.seq <= startedUpTo || call === this.coldCall) this.events.settled(this, call, outcome);
      else notStarted.push(call);
    }
    if (notStarted.length > 0) this.events.orphaned(this, notStarted);
  }

  /**
   * Worker: moves the claim word past every call given, so the instance starts none it has not
   * started yet; returns the seq of the last call it did start (or the last one given).
   */
  private claimAll(): number {
    const last = this.calls[this.calls.length - 1]!.seq;
    for (;;) {
      const v = Atomics.load(this.claim!, 0);
      if (v >= last || Atomics.compareExchange(this.claim!, 0, v, last) === v) return Math.min(v, last);
    }
  }

  /** Stops the instance now: calls it started end with `exit`, the others go back to the pool. */
  kill(): void {
    this.stop(false);
  }

  private stop(oom: boolean): void {
    if (this.state !== 'dead') this.mem = Math.max(this.mem, this.peakMemMb());
    this.retire({ kind: 'exit', code: null, signal: 'SIGKILL', oom });
    if (!this.closed) this.terminate();
  }

  get exited(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((res) => this.closedWaiters.push(res));
  }
}

const HAS_PROC = existsSync('/proc/self/status');
const STATUS_LINES = { VmRSS: /^VmRSS:\s+(\d+) kB$/m, VmHWM: /^VmHWM:\s+(\d+) kB$/m };
/** How long a child whose call pipe broke gets to end by itself (its exit is what its calls are told). */
const PIPE_CLOSED_GRACE_MS = 1000;

/** `isolation: 'process'`: a child process of its own (own env, TZ, cwd; native crashes contained). Given one call at a time. */
export class ProcessInstance<C extends InstanceCall> extends Instance<C> {
  readonly canQueue = false;
  protected readonly compactEvents = false;
  private readonly child: ChildProcess;
  private readonly callChannel: Writable;
  /**
   * Streamed bytes read from the child's stdout and not yet taken by the call's reader. Past
   * STREAM_WINDOW_BYTES the gateway stops reading the pipe: it fills, and the child's next
   * synchronous write blocks until the reader catches up, as a worker's stream stops
   * acknowledging writes (the child's write() cannot say so: it blocks instead of returning false).
   */
  private streamHeld = 0;
  private stdoutPaused = false;

  private readonly stdout = new LineSplitter((l) => this.onStdoutLine(l));
  private readonly stderr = new LineSplitter((l) => this.events.line(this, this.calls[0], l.toString('utf8')));

  /**
   * The child's resident memory in bytes, from /proc (Linux); undefined where there is none. The
   * memory watch (local.ts) uses it to stop a child over its memory size even while a synchronous
   * loop keeps the child from checking itself.
   */
  residentBytes(): number | undefined {
    return this.statusBytes('VmRSS');
  }

  /** Its peak resident size (VmHWM), as a process's Max Memory Used. */
  protected override peakMemMb(): number {
    return Math.round((this.statusBytes('VmHWM') ?? 0) / (1024 * 1024));
  }

  /** A size line of /proc/PID/status, in bytes; undefined without /proc or once the child is gone. */
  private statusBytes(key: 'VmRSS' | 'VmHWM'): number | undefined {
    const pid = this.child.pid;
    if (pid === undefined || !HAS_PROC) return undefined;
    try {
      const m = STATUS_LINES[key].exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
      return m ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined; // it just ended
    }
  }

  constructor(bootstrap: string, spec: FunctionSpec, env: NodeJS.ProcessEnv, events: InstanceEvents<C>) {
    super(spec, events, undefined);
    this.child = fork(bootstrap, [], {
      cwd: spec.codeRoot,
      env,
      execArgv: [`--max-old-space-size=${heapLimitMb(spec)}`],
      // Calls travel on their own pipe (CALL_CHANNEL_FD), which the child reads with blocking reads when it
      // has nothing to run: frozen between calls, as a worker is (bootstrap.ts freeze). The IPC channel
      // only tells the child when the gateway is gone.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'],
      // A process group of its own, which the processes its function starts join: they end with it
      // (./own-children.ts), and a signal to the gateway's group (a terminal's Ctrl-C) does not reach it.
      detached: HAS_PROCESS_GROUPS,
    });
    this.callChannel = this.child.stdio[CALL_CHANNEL_FD] as Writable;
    // EPIPE: the child closed its end, which it does by exiting. Its exit (code or signal) is what the calls
    // get, so it is waited for; one that closed the pipe and lives on is killed after a grace period.
    this.callChannel.on('error', () => {
      setTimeout(() => this.kill(), PIPE_CLOSED_GRACE_MS).unref(); // a no-op once it has ended
    });
    this.child.stdout!.on('data', (chunk: Buffer) => this.stdout.push(chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('latin1')).slice(-2048);
      this.stderr.push(chunk);
    });
    this.child.on('error', (e) => this.events.line(this, this.calls[0], `restgate: could not start ${spec.name}: ${e.message}`));
    this.child.on('exit', () => {
      // The runtime is gone: so is the rest of its environment. Its children may hold its stdout and stderr
      // open, which would keep 'close' from coming.
      if (this.child.pid !== undefined) killGroup(this.child.pid);
      this.readStdout();
    });
    this.child.on('close', (code, signal) => {
      this.stdout.flush();
      this.stderr.flush();
      this.ended(code, signal, false);
    });
  }

  private onStdoutLine(line: Buffer): void {
    const mark = line.indexOf(MARK_BYTES);
    if (mark === -1) {
      this.events.line(this, this.calls[0], line.toString('utf8'));
      return;
    }
    if (mark > 0) this.events.line(this, this.calls[0], line.subarray(0, mark).toString('utf8'));
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
    else if (sep !== -1 && frame.t === 'chunk') frame.data = Buffer.from(body.subarray(sep + 1).toString('latin1'), 'base64');
    this.onFrame(frame);
  }

  protected post(messages: InvokeMessage[]): void {
    for (const message of messages) {
      // The event as bytes after a JSON header: never re-escaped inside JSON.
      const payload = message.payload ?? Buffer.from(message.event ?? '');
      const header = Buffer.from(JSON.stringify({ ...message, payload: undefined, event: undefined }));
      const lengths = Buffer.allocUnsafe(8);
      lengths.writeUInt32LE(header.length, 0);
      lengths.writeUInt32LE(payload.length, 4);
      this.callChannel.write(Buffer.concat([lengths, header, payload]));
    }
  }

  protected terminate(): void {
    this.readStdout();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      if (this.child.pid !== undefined) killGroup(this.child.pid);
      this.child.kill('SIGKILL'); // where there are no process groups (Windows), the group kill did nothing
    }
  }

  protected override streamArrived(bytes: number): void {
    this.streamHeld += bytes;
    if (this.streamHeld > STREAM_WINDOW_BYTES && !this.stdoutPaused && this.state !== 'dead') {
      this.stdoutPaused = true;
      this.child.stdout!.pause();
    }
  }

  override streamConsumed(bytes: number): void {
    this.streamHeld -= bytes;
    if (this.streamHeld <= STREAM_WINDOW_BYTES) this.readStdout();
  }

  /** Reads the child's stdout again (also before it is stopped or once it exits: its pipe must drain to close). */
  private readStdout(): void {
    if (!this.stdoutPaused) return;
    this.stdoutPaused = false;
    this.child.stdout!.resume();
  }
}

/** The default: a worker thread in the gateway's process (own env object, heap limit and event loop). */
export class WorkerInstance<C extends InstanceCall> extends Instance<C> {
  readonly canQueue = true;
  protected readonly compactEvents = true;
  private readonly worker: Worker;
  /** Calls to the instance; answers, console lines and output from it (./ring.ts). */
  private readonly toInstance: Ring;
  private readonly fromInstance: Ring;
  /** Reading the instance's ring: false once it ended. */
  private watching = true;
  private turnQueued = false;
  private readonly ports: MessagePort[];
  /** Calls that did not fit in the ring yet (the instance is busy reading): sent in order as room frees. */
  private backlog: InvokeMessage[] = [];
  private backlogTimer: NodeJS.Timeout | undefined;
  private readonly stdout = new LineSplitter((l) => this.events.line(this, this.calls[0], l.toString('utf8')));
  private readonly stderr = new LineSplitter((l) => this.events.line(this, this.calls[0], l.toString('utf8')));

  constructor(bootstrap: string, spec: FunctionSpec, env: NodeJS.ProcessEnv, events: InstanceEvents<C>) {
    const claim = new SharedArrayBuffer(CLAIM_BYTES);
    super(spec, events, claim);
    const calls = Ring.allocate(RING_BYTES);
    const results = Ring.allocate(RING_BYTES);
    const callsBulk = new MessageChannel();
    const resultsBulk = new MessageChannel();
    this.ports = [callsBulk.port1, resultsBulk.port2];
    for (const p of this.ports) p.unref();
    this.toInstance = new Ring(calls, callsBulk.port1);
    this.fromInstance = new Ring(results, resultsBulk.port2);
    const channels: WorkerChannels = { claim, calls, callsPort: callsBulk.port2, results, resultsPort: resultsBulk.port1 };
    this.worker = new Worker(bootstrap, {
      env,
      execArgv: workerExecArgv(),
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: heapLimitMb(spec) },
      workerData: channels,
      transferList: [callsBulk.port2, resultsBulk.port1],
    });
    this.watch();
    this.worker.stdout.on('data', (chunk: Buffer) => this.stdout.push(chunk));
    this.worker.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    this.worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') this.outOfMemory = true;
      else this.events.line(this, this.calls[0], `restgate: instance of ${spec.name} failed: ${e.stack ?? String(e)}`);
    });
    this.worker.on('exit', (code) => {
      // What the worker wrote just before exiting: the ring now, its stdio streams after a turn.
      this.fromInstance.drain(this.onRecordBound);
      setImmediate(() => {
        this.fromInstance.drain(this.onRecordBound);
        this.watching = false;
        this.fromInstance.interrupt(); // releases the pending wait (and with it this instance)
        this.stdout.flush();
        this.stderr.flush();
        if (this.backlogTimer) clearTimeout(this.backlogTimer);
        for (const p of this.ports) p.close();
        this.ended(code, null, false);
      });
    });
  }

  /**
   * Answers are read when the instance rings, and again at the end of that turn
   * of the event loop, when the doorbell is re-armed: while the gateway is busy
   * the instance's answers queue up without waking it once per answer.
   */
  private watch(): void {
    while (this.watching) {
      this.fromInstance.drain(this.onRecordBound);
      const wake = this.fromInstance.sleep();
      if (wake) {
        void wake.then(this.woken);
        return;
      }
    }
  }

  private readonly woken = (): void => {
    if (!this.watching) return;
    this.fromInstance.drain(this.onRecordBound);
    if (!this.turnQueued) {
      this.turnQueued = true;
      setImmediate(this.endOfTurn);
    }
  };

  private readonly endOfTurn = (): void => {
    this.turnQueued = false;
    this.watch();
  };

  private readonly onRecordBound = (r: RingRecord): void => this.onRecord(r);

  private onRecord(r: RingRecord): void {
    switch (r.kind) {
      case RECORD.RESULT:
        this.onFrame({ t: 'result', seq: r.seq, ok: true, payload: r.data, mem: r.y, dur: r.x, contentType: r.meta === '' ? undefined : r.meta });
        return;
      case RECORD.PROXY_RESULT: {
        const parts = r.meta.split('\u0000');
        const headers: Array<[string, string]> = [];
        for (let i = 3; i + 1 < parts.length; i += 2) headers.push([parts[i]!, parts[i + 1]!]);
        const proxy: CheckedProxyAnswer = { statusCode: Number(parts[0]), headers, body: r.data, isBase64Encoded: parts[1] === '1' };
        this.onFrame({ t: 'result', seq: r.seq, ok: true, payload: EMPTY, mem: r.y, dur: r.x, proxy, jsonBytes: Number(parts[2]) });
        return;
      }
      case RECORD.CHUNK:
        this.onFrame({ t: 'chunk', seq: r.seq, data: r.data, contentType: r.meta });
        return;
      case RECORD.LOG:
        this.onFrame({ t: 'log', line: r.meta, seq: r.seq });
        return;
      case RECORD.OUT:
        this.output(r.seq === 2 ? 2 : 1, r.data);
        return;
      case RECORD.FRAME:
        try {
          this.onFrame(JSON.parse(r.meta) as Frame);
        } catch {
          // not a frame: ignore
        }
        return;
    }
  }

  protected override output(fd: 1 | 2, chunk: string | Uint8Array): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    (fd === 2 ? this.stderr : this.stdout).push(bytes);
  }

  protected post(messages: InvokeMessage[]): void {
    if (this.backlog.length > 0) this.backlog.push(...messages);
    else this.write(messages);
  }

  /** Writes calls into the ring in order; what does not fit waits in the backlog (retried every millisecond). */
  private write(messages: InvokeMessage[]): void {
    let i = 0;
    for (; i < messages.length; i++) {
      const m = messages[i]!;
      const kind = m.event === undefined ? RECORD.CALL : m.proxyAnswer ? RECORD.PROXY_EVENT_CALL : RECORD.EVENT_CALL;
      // A client context is JSON text, which never holds a raw NUL: it can follow as a fourth field.
      const meta = `${m.id}\u0000${m.arn}\u0000${m.traceId}${m.clientContext === undefined ? '' : `\u0000${m.clientContext}`}`;
      if (!this.toInstance.tryWrite(kind, m.seq, m.timeoutMs, m.deadlineAt, meta, m.event ?? m.payload)) break;
    }
    if (i > 0) this.toInstance.ring();
    if (i < messages.length) {
      this.backlog = messages.slice(i);
      this.backlogTimer ??= setTimeout(() => {
        this.backlogTimer = undefined;
        const pending = this.backlog;
        this.backlog = [];
        if (this.state !== 'dead') this.write(pending);
      }, 1);
    }
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
