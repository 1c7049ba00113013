// The instances of one local function, and which call runs where.
//
// Lambda gives a call that finds no idle instance a new one. restgate does the
// same for a function whose calls typically take longer than QUEUE_BUDGET_MS
// (or while nothing is known about it), with one difference for fast functions
// that only timing can reveal: a call may wait on a warm instance that is
// running another call when that instance's queue is expected to clear within
// the budget, and, with no idle instance, on the instance that frees up
// soonest rather than pay a cold start. An instance still runs one call at a
// time, so nothing a handler can observe differs from some schedule Lambda
// could produce; what it saves is a cross-thread wake-up per call, and cold
// starts, under load. A call never waits behind a running call for more than
// MAX_WAIT_MS (instance.ts): then it is taken back and placed again (an idle
// or a new instance). At the concurrency limit calls wait in the pool, first
// come first served (Lambda would throttle; see docs/fidelity.md, "Instances").

import { clock, type Instance, type InstanceCall, type InstanceEvents, type Outcome } from './instance.js';
import type { FunctionSpec } from './spec.js';

/** A call as the pool handles it: what the instance needs, plus where its lines and outcome go. */
export interface Call extends InstanceCall {
  /** An instance starts for this call: Lambda's Init phase begins (INIT_START), before any line the instance writes. */
  initStarting(): void;
  /** One output line of the call's function; `init` when its instance wrote it during init (before it was ready). */
  onLine(line: string, init: boolean): void;
  /**
   * The call ended; `initMs` when it was the one its instance started for (Lambda's
   * Init Duration); `mem` is the instance's latest memory figure (MB).
   */
  settle(outcome: Outcome, initMs: number | undefined, mem: number): void;
  /** The call could not be run at all (runtime closed, instance could not start). */
  fail(err: Error): void;
}

export interface PoolHost {
  readonly closed: boolean;
  readonly idleTimeoutMs: number;
  /** Lambda's Init phase limit (default INIT_LIMIT_MS). */
  readonly initLimitMs?: number | undefined;
  /** How long calls may wait behind a running one on an instance (default MAX_WAIT_MS). */
  readonly maxWaitMs?: number | undefined;
  startInstance(spec: FunctionSpec, events: InstanceEvents<Call>): Promise<Instance<Call>>;
  /** Lines no call owns (output between calls). */
  log(line: string): void;
}

export interface FunctionStats {
  readonly instances: number;
  /** Calls running. */
  readonly busy: number;
  /** Calls waiting: in the pool, or on an instance behind its running call. */
  readonly queued: number;
}

/** How long a call may be expected to wait for a warm, busy instance rather than wake or start another. */
export const QUEUE_BUDGET_MS = 1;
/**
 * A call that has run (or waited to start) this part of the instance's wait limit
 * (MAX_WAIT_MS) is not a typical one: no call is queued behind it. Well above the
 * budget: on a busy machine a thread is often descheduled for a few milliseconds,
 * which says nothing about the call.
 */
const STUCK_FRACTION = 0.5;
/** At most this many calls on one instance (running + waiting). */
const MAX_DEPTH = 64;
/** Weight of the newest duration in the running average, when it is lower / higher. */
const EWMA_DOWN = 0.5;
const EWMA_UP = 0.2;
/** Cold start estimate before one was measured (ms). */
const DEFAULT_COLD_MS = 50;
/** A duration counts at most this many times the running average. */
const OUTLIER_FACTOR = 4;

export class Pool implements InstanceEvents<Call> {
  private readonly instances: Instance<Call>[] = [];
  /** Calls that found no room (concurrency limit), oldest first. */
  private readonly waiting: Call[] = [];
  /** Instances being created (counted against the limit before they exist). */
  private starting = 0;
  /** Running average of the function's call durations (ms); Infinity until one is known. */
  private typicalMs = Infinity;
  /** Running average of this function's init time (ms). */
  private coldMs = DEFAULT_COLD_MS;
  private coldKnown = false;
  /**
   * Environments whose init failed again in the Invoke phase, by when they last failed: Lambda keeps such
   * an environment and runs init in the Invoke phase of each call it gets (no new Init phase, no
   * INIT_START), until it shuts it down as idle. The next instances started play them: their calls' init
   * is that retry. Oldest first.
   */
  private failedEnvironments: number[] = [];
  private reaper: NodeJS.Timeout | undefined;

  constructor(
    readonly spec: FunctionSpec,
    private readonly host: PoolHost,
  ) {}

  stats(): FunctionStats {
    let busy = 0;
    let queued = this.waiting.length;
    for (const inst of this.instances) {
      if (inst.calls.length > 0) busy++;
      queued += Math.max(0, inst.calls.length - 1);
    }
    return { instances: this.instances.length, busy, queued };
  }

  dispatch(call: Call): void {
    if (this.waiting.length > 0) {
      this.waiting.push(call);
      this.drain();
      return;
    }
    if (!this.place(call)) this.waiting.push(call);
  }

  /** Gives the call to an instance (or a new one); false when it must wait in the pool. */
  private place(call: Call): boolean {
    const target = this.pick();
    if (target === 'spawn') this.spawnFor(call);
    else if (target) target.assign(call);
    else return false;
    return true;
  }

  /**
   * Where a call goes now. For a function whose calls typically end within the
   * budget: the busiest warm instance whose queue clears within the budget
   * (one thread kept busy instead of several woken), else an idle one, else
   * the instance that frees up soonest (warm or starting) if that beats a cold
   * start. Otherwise, as Lambda: an idle instance, else a new one. At the limit:
   * the soonest instance for a fast function, else the pool's queue.
   */
  private pick(): Instance<Call> | 'spawn' | undefined {
    const t = this.typicalMs;
    const fast = t <= QUEUE_BUDGET_MS;
    const ahead = fast ? Math.min(MAX_DEPTH - 1, Math.floor(QUEUE_BUDGET_MS / Math.max(t, 0.001))) : 0;
    const now = clock();
    let idle: Instance<Call> | undefined;
    /** An instance that did not start a call lately: used only when nothing else is left. */
    let avoided: Instance<Call> | undefined;
    let hot: Instance<Call> | undefined;
    let hotDepth = 0;
    let soonest: Instance<Call> | undefined;
    let soonestWait = Infinity;
    for (const inst of this.instances) {
      if (inst.stale || inst.doomed || inst.state === 'dead') continue;
      if (inst.avoidUntil > now) {
        avoided ??= inst;
        continue;
      }
      const depth = inst.calls.length;
      if (inst.state === 'ready' && depth === 0) {
        if (idle === undefined || inst.releasedAt > idle.releasedAt) idle = inst;
        continue;
      }
      if (!fast || !inst.canQueue || depth >= MAX_DEPTH) continue;
      let wait = depth * t;
      if (inst.state === 'ready') {
        // A call running (or not started) this long is not typical: do not wait behind it.
        if (now - inst.headSince()! > inst.maxWaitMs * STUCK_FRACTION) continue;
        if (depth <= ahead && depth > hotDepth) {
          hot = inst;
          hotDepth = depth;
        }
      } else {
        wait += Math.max(0, this.coldMs - (now - inst.spawnedAt));
      }
      if (wait < soonestWait) {
        soonest = inst;
        soonestWait = wait;
      }
    }
    if (hot) return hot;
    if (idle) return idle;
    if (soonest && soonestWait < this.coldMs) return soonest;
    if (this.hasRoom()) return 'spawn';
    return soonest ?? (avoided && (avoided.calls.length === 0 || avoided.canQueue) ? avoided : undefined);
  }

  private hasRoom(): boolean {
    return this.instances.length + this.starting < this.spec.concurrency;
  }

  private spawnFor(call: Call): void {
    this.starting++;
    this.host.startInstance(this.spec, this).then(
      (inst) => {
        this.starting--;
        if (this.host.closed) {
          inst.kill();
          call.fail(new Error('the local Lambda runtime was closed'));
          return;
        }
        this.instances.push(inst);
        inst.coldCall = call;
        if (call.initRetry !== true && this.takeFailedEnvironment()) call.initRetry = true;
        // A retried init runs in the environment whose Init phase failed: no new INIT_START.
        if (call.initRetry !== true) call.initStarting();
        inst.initWithinTimeout = call.initRetry === true;
        if (this.host.initLimitMs !== undefined) inst.initLimitMs = this.host.initLimitMs;
        if (this.host.maxWaitMs !== undefined) inst.maxWaitMs = this.host.maxWaitMs;
        inst.assign(call);
      },
      (err: unknown) => {
        this.starting--;
        call.fail(err instanceof Error ? err : new Error(String(err)));
        this.drain();
      },
    );
  }

  /** Places waiting calls while there is an instance or room for them. */
  private drain(): void {
    while (this.waiting.length > 0 && !this.host.closed) {
      if (!this.place(this.waiting[0]!)) return;
      this.waiting.shift();
    }
  }

  // ---- what instances report ------------------------------------------------

  line(inst: Instance<Call>, call: Call | undefined, line: string): void {
    if (call) call.onLine(line, inst.state === 'starting');
    else this.host.log(line);
  }

  settled(inst: Instance<Call>, call: Call, outcome: Outcome): void {
    // An instance's first call runs cold code (compilation, lazy module work): not typical.
    const d = outcome.kind === 'ok' || outcome.kind === 'error' ? outcome.durationMs : undefined;
    if (d !== undefined && call !== inst.coldCall) {
      // One slow call (a GC pause, a cold code path) moves the average by at most 60 %;
      // a function that really got slower is seen within a few calls.
      const t = this.typicalMs;
      if (t === Infinity) this.typicalMs = d;
      // Faster down than up: the first calls of an instance (cold code) overstate, and
      // waiting a little too long is bounded (MAX_WAIT_MS) while an extra instance is not.
      else if (d < t) this.typicalMs += EWMA_DOWN * (d - t);
      else this.typicalMs += EWMA_UP * (Math.min(d, OUTLIER_FACTOR * t) - t);
    }
    let initMs: number | undefined;
    if (call === inst.coldCall) {
      // A retried init ran in the call's Invoke phase: its time is the call's Duration, not an Init Duration.
      if (call.initRetry !== true) initMs = inst.initMs;
      inst.coldCall = undefined;
    }
    if ((outcome.kind === 'error' || outcome.kind === 'exit') && outcome.initFailed === true) {
      this.failedEnvironments.push(clock());
      if (this.failedEnvironments.length > this.spec.concurrency) this.failedEnvironments.shift();
    }
    call.settle(outcome, initMs, inst.mem);
    // An instance whose init failed, or that reported a process-level error, is exiting.
    if (inst.doomed && inst.state !== 'dead') inst.kill();
    else if (inst.calls.length === 0) this.idle(inst);
    this.drain();
  }

  orphaned(_inst: Instance<Call>, calls: Call[]): void {
    // They have waited longest: ahead of the pool's queue.
    this.waiting.unshift(...calls);
    this.drain();
  }

  ready(inst: Instance<Call>): void {
    if (inst.initMs !== undefined) {
      this.coldMs = this.coldKnown ? this.coldMs + EWMA_UP * (inst.initMs - this.coldMs) : inst.initMs;
      this.coldKnown = true;
    }
    this.drain();
  }

  ended(inst: Instance<Call>): void {
    const i = this.instances.indexOf(inst);
    if (i !== -1) this.instances.splice(i, 1);
    this.drain();
  }

  // ---- idle instances, --watch, shutdown -------------------------------------

  private idle(inst: Instance<Call>): void {
    if (inst.stale) {
      inst.kill();
      return;
    }
    if (!this.reaper) this.armReaper(this.host.idleTimeoutMs);
  }

  /** A failed environment for a new call, the latest one: those idle past idleTimeoutMs are gone, as instances are. */
  private takeFailedEnvironment(): boolean {
    const since = clock() - this.host.idleTimeoutMs;
    while (this.failedEnvironments.length > 0 && this.failedEnvironments[0]! < since) this.failedEnvironments.shift();
    return this.failedEnvironments.pop() !== undefined;
  }

  /** One timer per pool stops instances idle for idleTimeoutMs. */
  private armReaper(ms: number): void {
    this.reaper = setTimeout(() => {
      this.reaper = undefined;
      const now = clock();
      let next = Infinity;
      for (const inst of [...this.instances]) {
        if (inst.calls.length > 0 || inst.state !== 'ready') continue;
        const due = inst.releasedAt + this.host.idleTimeoutMs;
        if (due <= now + 1) inst.kill();
        else next = Math.min(next, due);
      }
      if (next !== Infinity) this.armReaper(next - now);
    }, Math.max(1, ms));
    this.reaper.unref();
  }

  /** Retire every instance: idle ones now, busy ones after their running call; calls waiting on them move. */
  reload(): void {
    this.failedEnvironments = []; // new code: new environments, each with its Init phase
    for (const inst of [...this.instances]) {
      inst.stale = true;
      if (inst.calls.length === 0) inst.kill();
      else {
        const back = inst.takeBack();
        if (back.length > 0) this.orphaned(inst, back);
      }
    }
  }

  close(): Promise<void>[] {
    if (this.reaper) clearTimeout(this.reaper);
    this.reaper = undefined;
    const all = [...this.instances];
    // Calls an instance had not started come back to the waiting list: they fail with the rest.
    for (const inst of all) inst.kill();
    for (const call of this.waiting.splice(0)) call.fail(new Error('the local Lambda runtime was closed'));
    return all.map((i) => i.exited);
  }
}
