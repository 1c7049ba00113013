// Which instance a call goes to (pool.ts) and the claim protocol that lets the
// gateway take back calls an instance has not started (instance.ts), with fake
// instances whose "worker" the test plays: it claims calls, reports results and
// ends when told. The policy is restgate's own choice (docs/fidelity.md,
// "Instances"); where it must match Lambda (a slow function's overlapping calls
// each get an instance; one call at a time per instance) the test says so.

import { afterEach, describe, expect, it } from 'vitest';
import { Instance, MAX_WAIT_MS, clock, type Frame, type InstanceEvents, type InvokeMessage, type Outcome } from './instance.js';
import { Pool, QUEUE_BUDGET_MS, type Call, type PoolHost } from './pool.js';
import { CLAIM_BYTES } from './protocol.js';
import type { FunctionSpec } from './spec.js';

class FakeInstance extends Instance<Call> {
  readonly canQueue = true;
  protected readonly compactEvents = false;
  readonly sent: InvokeMessage[] = [];

  constructor(spec: FunctionSpec, events: InstanceEvents<Call>) {
    super(spec, events, new SharedArrayBuffer(CLAIM_BYTES));
  }

  protected post(messages: InvokeMessage[]): void {
    this.sent.push(...messages);
  }

  protected terminate(): void {
    queueMicrotask(() => this.ended(null, 'SIGKILL', false));
  }

  deliver(frame: Frame): void {
    this.onFrame(frame);
  }

  /** Init finishes; it took `initMs` (what the pool weighs a cold start at). */
  boot(initMs = 40): void {
    this.spawnedPerf -= initMs;
    this.deliver({ t: 'ready', initMs, mem: 10 });
  }

  /** What the worker does before running call `seq`: false when the gateway took it back. */
  take(seq: number, startedMsAgo = 0): boolean {
    const word = this.claim!;
    this.startedAt![0] = clock() - startedMsAgo;
    for (;;) {
      const v = Atomics.load(word, 0);
      if (v >= seq) return false;
      if (Atomics.compareExchange(word, 0, v, seq) === v) return true;
    }
  }

  finish(seq: number, durationMs: number): void {
    this.deliver({ t: 'result', seq, ok: true, payload: new Uint8Array(Buffer.from('null')), mem: 10, dur: durationMs });
  }

  die(code: number): void {
    this.ended(code, null, false);
  }
}

const spec = (over: Partial<FunctionSpec> = {}): FunctionSpec => ({
  name: 'fn',
  codeRoot: '/code',
  handler: 'index.handler',
  timeoutS: 3,
  memorySize: 128,
  environment: {},
  concurrency: 10,
  isolation: 'worker',
  runtime: 'nodejs20.x',
  jsonLogs: undefined,
  ...over,
});

let pools: Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.flatMap((p) => p.close()));
  pools = [];
});

function setup(over: Partial<FunctionSpec> = {}, idleTimeoutMs = 60_000) {
  const created: FakeInstance[] = [];
  const outcomes = new Map<string, Outcome>();
  /** What each call was told of its instance's init: INIT_START, and the INIT_REPORTs of failed inits. */
  const inits: string[] = [];
  const host: PoolHost = {
    closed: false,
    idleTimeoutMs,
    startInstance: async (s, events) => {
      const inst = new FakeInstance(s, events);
      created.push(inst);
      return inst;
    },
    log: () => {},
  };
  const pool = new Pool(spec(over), host);
  pools.push(pool);
  const call = (id: string): Call => ({
    id,
    payload: Buffer.from('{}'),
    arn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
    traceId: 'Root=1-0-0',
    acceptsProxyAnswer: false,
    seq: 0,
    since: 0,
    initStarting: () => void inits.push(`${id}: INIT_START`),
    initEnded: (r) => void inits.push(`${id}: INIT_REPORT ${r.phase} ${r.status} ${r.errorType}`),
    onLine: () => {},
    settle: (outcome) => void outcomes.set(id, outcome),
    fail: (err) => void outcomes.set(id, { kind: 'error', error: { errorType: 'Error', errorMessage: err.message }, mem: undefined, durationMs: undefined }),
  });
  const dispatch = async (...ids: string[]) => {
    for (const id of ids) pool.dispatch(call(id));
    await new Promise((r) => setImmediate(r)); // instances created, batches flushed
  };
  const ids = (inst: FakeInstance) => inst.calls.map((c) => c.id);
  return { pool, created, outcomes, inits, dispatch, ids };
}

/** A pool with one warm instance that has learned the function takes `typicalMs` per call. */
async function warm(typicalMs: number, over: Partial<FunctionSpec> = {}) {
  const s = setup(over);
  await s.dispatch('cold');
  const a = s.created[0]!;
  a.boot();
  a.take(1);
  a.finish(1, 50); // the first call of an instance does not count
  await s.dispatch('w1');
  a.take(2);
  a.finish(2, typicalMs);
  return { ...s, a };
}

describe('placing calls', () => {
  it('while nothing is known about the function, overlapping calls each get an instance (Lambda)', async () => {
    const { created, dispatch, ids } = setup();
    await dispatch('c1', 'c2', 'c3');
    expect(created.length).toBe(3);
    expect(created.map(ids)).toEqual([['c1'], ['c2'], ['c3']]);
  });

  it('a slow function (calls longer than the budget) gets a new instance per overlapping call (Lambda)', async () => {
    const { a, created, dispatch, ids } = await warm(QUEUE_BUDGET_MS * 5);
    await dispatch('c1', 'c2');
    expect(ids(a)).toEqual(['c1']);
    expect(created.length).toBe(2);
    expect(ids(created[1]!)).toEqual(['c2']);
  });

  it('a fast function: overlapping calls wait on the warm instance, sent to it in one batch', async () => {
    const { a, created, dispatch, ids } = await warm(0.02);
    const before = a.sent.length;
    await dispatch('c1', 'c2', 'c3', 'c4', 'c5');
    expect(created.length).toBe(1);
    expect(ids(a)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(a.sent.slice(before).map((m) => [m.id, m.seq])).toEqual([['c1', 3], ['c2', 4], ['c3', 5], ['c4', 6], ['c5', 7]]);
  });

  it('past the budget a call goes to an idle instance instead of waiting', async () => {
    const { created, dispatch, ids } = setup();
    await dispatch('x1', 'x2'); // two instances while nothing is known
    const [a, b] = created as [FakeInstance, FakeInstance];
    for (const inst of [a, b]) {
      inst.boot();
      inst.take(1);
      inst.finish(1, 50);
    }
    await dispatch('w');
    const w = a.calls.length > 0 ? a : b;
    w.take(2);
    w.finish(2, 0.4); // 0.4 ms per call: two calls ahead fit in the 1 ms budget
    await dispatch('c1', 'c2', 'c3', 'c4');
    const busy = a.calls.length >= b.calls.length ? a : b;
    const other = busy === a ? b : a;
    expect(ids(busy)).toEqual(['c1', 'c2', 'c3']);
    expect(ids(other)).toEqual(['c4']);
    expect(created.length).toBe(2);
  });

  it('with no idle instance, a fast function waits on the soonest instance rather than pay a cold start', async () => {
    const { a, created, dispatch, ids } = await warm(0.4);
    await dispatch('c1', 'c2', 'c3', 'c4', 'c5', 'c6');
    expect(created.length).toBe(1);
    expect(ids(a)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
  });

  it('at the concurrency limit a slow function’s calls wait in the pool, first come first served', async () => {
    const { a, dispatch, ids, pool } = await warm(QUEUE_BUDGET_MS * 5, { concurrency: 1 });
    await dispatch('c1', 'c2', 'c3');
    expect(ids(a)).toEqual(['c1']);
    expect(pool.stats()).toEqual({ instances: 1, busy: 1, queued: 2 });
    a.take(3);
    a.finish(3, 5);
    await new Promise((r) => setImmediate(r));
    expect(ids(a)).toEqual(['c2']);
    expect(pool.stats()).toEqual({ instances: 1, busy: 1, queued: 1 });
  });
});

describe('taking calls back', () => {
  it('a call waiting behind one that runs past MAX_WAIT_MS moves to another instance; the worker then skips it', async () => {
    const { a, created, dispatch, ids, outcomes } = await warm(0.02);
    await dispatch('long', 'next');
    expect(ids(a)).toEqual(['long', 'next']);
    expect(a.take(3, MAX_WAIT_MS + 5)).toBe(true); // 'long' started a while ago and is still running
    await new Promise((r) => setTimeout(r, MAX_WAIT_MS + 20));
    expect(ids(a)).toEqual(['long']);
    expect(created.length).toBe(2);
    expect(ids(created[1]!)).toEqual(['next']);
    expect(a.take(4)).toBe(false); // the worker finds 'next' taken and skips it
    a.finish(3, 30);
    expect(outcomes.get('long')?.kind).toBe('ok');
  });

  it('a ready instance that does not start a call it was given loses it, and is passed over for a while', async () => {
    const { a, created, dispatch, ids } = await warm(0.02);
    await dispatch('stuck'); // a's thread is busy with something else: it never claims call 3
    await new Promise((r) => setTimeout(r, MAX_WAIT_MS + 20));
    expect(ids(a)).toEqual([]);
    expect(a.take(3)).toBe(false);
    expect(created.length).toBe(2);
    expect(ids(created[1]!)).toEqual(['stuck']);
    await dispatch('later');
    expect(ids(a)).toEqual([]); // idle, but not chosen while it is avoided
  });

  it('a call the worker already started is not taken back (the compare-and-swap decides)', async () => {
    const { a, dispatch, ids } = await warm(0.02);
    await dispatch('c1', 'c2');
    a.take(3);
    a.take(4); // c1 ended in the worker and c2 started before the gateway saw c1's result
    expect(a.takeBack()).toEqual([]);
    expect(ids(a)).toEqual(['c1', 'c2']);
  });

  it('when an instance ends, the call it ran gets the exit and the calls it never started run elsewhere', async () => {
    const { a, created, dispatch, outcomes } = await warm(0.02);
    await dispatch('running', 'waiting');
    a.take(3);
    a.die(1);
    await new Promise((r) => setImmediate(r));
    expect(outcomes.get('running')).toEqual({ kind: 'exit', code: 1, signal: null, oom: false });
    expect(outcomes.has('waiting')).toBe(false);
    expect(created.length).toBe(2);
    expect(created[1]!.calls.map((c) => c.id)).toEqual(['waiting']);
  });
});

describe('failed inits', () => {
  // Developer Guide, lambda-runtime-environment, "Failures during the Init phase", and observed logs (docs/fidelity.md,
  // Logs): a failed Init phase is retried with the call in its Invoke phase; the environment stays, and each later
  // call on it runs init in its Invoke phase again, with no new INIT_START. New code (reload) means new environments.
  const initError = (inst: FakeInstance) => inst.deliver({ t: 'init-error', error: { errorType: 'TypeError', errorMessage: 'broken' }, mem: 30 });

  it('an Init phase that fails is retried for the call in its Invoke phase, whose failure the call gets; the next call runs init in its Invoke phase; after a reload, a new Init phase', async () => {
    const { pool, created, outcomes, inits, dispatch } = setup();
    await dispatch('first');
    initError(created[0]!);
    await new Promise((r) => setImmediate(r));
    expect(outcomes.has('first')).toBe(false); // not yet: init runs again with it
    expect(created).toHaveLength(2);
    initError(created[1]!);
    await new Promise((r) => setImmediate(r));
    expect(outcomes.get('first')).toEqual({ kind: 'error', error: { errorType: 'TypeError', errorMessage: 'broken' }, mem: 30, durationMs: undefined, initFailed: true });
    await dispatch('second');
    initError(created[2]!);
    await new Promise((r) => setImmediate(r));
    expect(outcomes.get('second')).toMatchObject({ kind: 'error', initFailed: true });
    pool.reload();
    await dispatch('third');
    expect(inits).toEqual([
      'first: INIT_START',
      'first: INIT_REPORT init error TypeError',
      'first: INIT_REPORT invoke error TypeError',
      'second: INIT_REPORT invoke error TypeError',
      'third: INIT_START',
    ]);
  });

  it('a failed environment idle past the idle timeout is gone: the next call gets a new one, with its Init phase', async () => {
    const { created, outcomes, inits, dispatch } = setup({}, 30);
    await dispatch('first');
    initError(created[0]!);
    await new Promise((r) => setImmediate(r));
    initError(created[1]!);
    await new Promise((r) => setImmediate(r));
    expect(outcomes.get('first')).toMatchObject({ kind: 'error', initFailed: true });
    await new Promise((r) => setTimeout(r, 60));
    await dispatch('later');
    expect(inits).toEqual(['first: INIT_START', 'first: INIT_REPORT init error TypeError', 'first: INIT_REPORT invoke error TypeError', 'later: INIT_START']);
  });
});
