// Signals a function sends its own process: process.kill(process.pid, signal), process.kill(0, …)
// (its process group) and process.abort().
//
// On Lambda the runtime is a process of its own, so such a signal does to it what it does to any Node
// process: SIGTERM ends it ("Runtime exited with error: signal: terminated"), a listener
// (process.on('SIGTERM', …)) catches it, SIGWINCH does nothing. A worker instance shares the gateway's
// process: the same call would stop the gateway and every function with it. So in a worker the
// signal never reaches the process: the instance plays what the signal would do to a Node process of
// its own (SIGNAL_EFFECTS), and a signal that ends one ends the instance, reported as a process
// killed by it. A process instance gets its signals for real; pid 0 (its process group, which its
// own children share: ./own-children.ts) means the instance itself there, as in a worker.
//
// Both go through process._kill, the step process.kill takes after checking its arguments (Node's
// lib/internal/process/per_thread.js calls it "monkey-patchable"): a bad pid or an unknown signal
// name is refused by Node's own code with Node's own errors, and what is played here starts where
// the system call would.
//
// Self-contained (node built-ins only): the instance bootstrap imports it.

import { constants } from 'node:os';

/** What a signal does to a Node 20 process that has no listener for it, when not 'end'. */
type Effect = 'none' | 'stop' | 'end';

/**
 * Measured on Node 20.20, Linux (`node -e "process.kill(process.pid, SIG)"` for each signal): these
 * leave the process running (SIGUSR1 starts Node's inspector, which a worker does not play), these
 * stop it; every other signal ends it, killed by that signal.
 */
const SIGNAL_EFFECTS: ReadonlyMap<string, Effect> = new Map([
  ['SIGCHLD', 'none'],
  ['SIGCONT', 'none'],
  ['SIGPIPE', 'none'],
  ['SIGURG', 'none'],
  ['SIGUSR1', 'none'],
  ['SIGWINCH', 'none'],
  ['SIGXFSZ', 'none'],
  ['SIGSTOP', 'stop'],
  ['SIGTSTP', 'stop'],
  ['SIGTTIN', 'stop'],
  ['SIGTTOU', 'stop'],
]);
/** A listener never sees these: the kernel acts on them itself. */
const UNCATCHABLE: ReadonlySet<string> = new Set(['SIGKILL', 'SIGSTOP']);
/** Linux's signal numbers are 1-64 (SIGRTMAX); 0 only checks that the process exists. */
const MAX_SIGNAL = 64;

const NAMES = new Map<number, string>();
for (const [name, n] of Object.entries(constants.signals)) if (!NAMES.has(n)) NAMES.set(n, name);

/** A signal's name (SIGABRT rather than SIGIOT), or its number as text for one Node has no name for. */
export function signalName(signum: number): string {
  return NAMES.get(signum) ?? String(signum);
}

/** What a signal does to a process with `listeners` listeners for it. */
export function ownSignalEffect(name: string, listeners: number): Effect | 'deliver' {
  if (listeners > 0 && !UNCATCHABLE.has(name)) return 'deliver';
  return SIGNAL_EFFECTS.get(name) ?? 'end';
}

/** Ends the instance as a process killed by `signal` would end (never returns). */
export type EndBySignal = (signal: string, signum: number) => never;

type KillBinding = (pid: number, signum: number) => number;

/**
 * Installs the handling above: `worker` plays signals to the process itself and its group; otherwise
 * only the group is narrowed to the process.
 */
export function containOwnSignals(worker: boolean, end: EndBySignal): void {
  const proc = process as NodeJS.Process & { _kill: KillBinding };
  const rawKill: KillBinding = proc._kill.bind(process);
  const self = process.pid;
  proc._kill = (pid: number, signum: number): number => {
    const target = Number(pid);
    if (!worker) return rawKill(target === 0 ? self : pid, signum);
    // The gateway's process, or its group (it may lead one): the instance's own, in a process of its own.
    if (target !== self && target !== 0 && target !== -self) return rawKill(pid, signum);
    // What the system call answers for a number that is no signal (Node throws "kill EINVAL").
    if (!Number.isInteger(signum) || signum < 0 || signum > MAX_SIGNAL) return -constants.errno.EINVAL;
    if (signum !== 0) receive(signum, end);
    return 0;
  };
  if (worker) process.abort = (): never => end('SIGABRT', constants.signals.SIGABRT);
}

function receive(signum: number, end: EndBySignal): void {
  const name = signalName(signum);
  switch (ownSignalEffect(name, process.listenerCount(name))) {
    case 'deliver':
      // A process's listeners hear a signal from its event loop, with its name and number.
      setImmediate(() => (process.emit as (event: string, ...args: unknown[]) => boolean)(name, name, signum));
      return;
    case 'none':
      return;
    case 'stop':
      stopThread();
      return;
    case 'end':
      end(name, signum);
  }
}

/** A stopped process runs nothing until it is continued, which no one here does: the call runs into its timeout. */
function stopThread(): never {
  const word = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(word, 0, 0);
}
