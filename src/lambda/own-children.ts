// Processes a function starts (child_process spawn, exec, execFile, fork): on Lambda they live in the
// function's execution environment, and when the environment goes (a timeout, an exit, a crash, its
// shutdown) they go with it. Here they would outlive the instance that started them: a headless browser
// or an ffmpeg left running by every timed-out call.
//
// A process instance leads a process group of its own (instance.ts forks it detached), which its
// children join: the gateway kills the group when the instance ends. A worker instance shares the
// gateway's process, whose group is the gateway's own, so there every child the function starts leads a
// group of its own instead (detached), and the worker tells the gateway (frames `child`, `child-exit`),
// which kills those groups when the worker ends. A child that leaves its group on purpose (setsid, its
// own detached children) is not followed.
//
// What such a child prints where it was given the runtime's own stdout or stderr (`stdio: 'inherit'`,
// fork's default) goes, on Lambda, to the function's log. A process instance's children write to its own
// pipes, which the gateway reads as the function's output. A worker's would write to the gateway's
// descriptors, outside the log: there the worker reads them through pipes instead and writes what comes
// to its own process.stdout and stderr (the call's log); the child's `stdout`/`stderr` stay null, as
// inherited ones are. The synchronous forms (spawnSync, execSync, execFileSync) collect it through pipes
// and write it when the child ends; what they return or throw shows it as inherited (null). execSync and
// execFileSync give nothing of a piped stderr back when they succeed, so where theirs is forwarded they
// run as Node builds them: spawnSync (this forwarding one), then Node's outcome (its shell, its error).
//
// Node built-ins and ./worker-cwd.ts only: the instance bootstrap imports the instance side.

import childProcess, { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { syncOptionsAt } from './worker-cwd.js';

/** What a worker tells the gateway about the processes its function starts. */
export type ChildFrame = { t: 'child'; pid: number; start: string | null } | { t: 'child-exit'; pid: number };

/**
 * When a process started, as Linux counts it (/proc/PID/stat field 22, clock ticks since boot): with
 * the pid it names one process for good, as a pid alone does not once the process is gone and its
 * number reused. null without /proc, or once the process is gone.
 */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

type SpawnOptions = Record<string, unknown>;

/** Process groups exist (POSIX). On Windows `detached` means a console window of its own instead: not used there. */
export const HAS_PROCESS_GROUPS = process.platform !== 'win32';

/**
 * Instance side, in a worker: every child the function starts leads its own process group, and is reported
 * (where there are process groups); what it prints as the runtime's output is forwarded.
 */
export function trackOwnChildren(report: (frame: ChildFrame) => void): void {
  const proto = ChildProcess.prototype as unknown as { spawn(this: ChildProcess, options: SpawnOptions): unknown };
  const spawn = proto.spawn;
  proto.spawn = function (this: ChildProcess, options: SpawnOptions): unknown {
    const stdio = stdioArray(options['stdio']);
    const forwarded = ([1, 2] as const).filter((fd) => isRuntimeOutput(stdio[fd], fd));
    for (const fd of forwarded) stdio[fd] = 'pipe';
    const result = spawn.call(this, { ...options, ...(HAS_PROCESS_GROUPS ? { detached: true } : {}), ...(forwarded.length > 0 ? { stdio } : {}) });
    for (const fd of forwarded) forwardOutput(this, fd);
    const pid = this.pid;
    if (pid !== undefined && HAS_PROCESS_GROUPS) {
      report({ t: 'child', pid, start: processStart(pid) });
      liveGroups.add(pid);
      this.once('exit', () => {
        liveGroups.delete(pid);
        report({ t: 'child-exit', pid });
      });
    }
    return result;
  };
  const cp = childProcess as unknown as Record<string, Fn>;
  const spawnSync = forwardingSync(cp['spawnSync']!, true, true);
  cp['spawnSync'] = spawnSync;
  cp['execFileSync'] = forwardingExec(forwardingSync(cp['execFileSync']!, true, false), spawnSync, true);
  cp['execSync'] = forwardingExec(forwardingSync(cp['execSync']!, false, false), spawnSync, false);
  syncBuiltinESMExports();
}

type Fn = (...args: unknown[]) => unknown;

// ---- frozen between invocations ----------------------------------------------

/** Worker: the groups its function started whose leader has not exited. */
const liveGroups = new Set<number>();
/** Process instance: whether its function ever started a process (else there is nothing to look for). */
let spawned = false;

/**
 * Process instance: notes that the function starts processes, so that freezeChildren looks for them;
 * they stay in the instance's process group, which the gateway kills when the instance ends.
 */
export function noteOwnChildren(): void {
  const proto = ChildProcess.prototype as unknown as { spawn(this: ChildProcess, options: SpawnOptions): unknown };
  const spawn = proto.spawn;
  proto.spawn = function (this: ChildProcess, options: SpawnOptions): unknown {
    spawned = true;
    return spawn.call(this, options);
  };
}

/**
 * Lambda freezes the whole execution environment between invocations, the processes the function
 * started included ([D-lifecycle]): called as the instance freezes itself (bootstrap.ts, freeze()), this
 * stops them (SIGSTOP) and returns what to continue (thawChildren) when the next call comes. A worker's
 * are its groups (grandchildren in them included); a process instance's, every process descended from
 * it (/proc's `children` lists, Linux; nothing is frozen without them). What has no process groups
 * (Windows) is not frozen.
 */
export function freezeChildren(inWorker: boolean): readonly number[] {
  if (!HAS_PROCESS_GROUPS || (inWorker ? liveGroups.size === 0 : !spawned)) return NONE;
  const targets = inWorker ? [...liveGroups].map((pid) => -pid) : descendants(process.pid);
  for (const target of targets) signal(target, 'SIGSTOP');
  return targets;
}

const NONE: readonly number[] = [];

/** Continues what freezeChildren stopped, the last stopped first. */
export function thawChildren(stopped: readonly number[]): void {
  for (let i = stopped.length - 1; i >= 0; i--) signal(stopped[i]!, 'SIGCONT');
}

/** A signal to a process (or a group: negative), which may be gone already. */
function signal(target: number, name: NodeJS.Signals): void {
  try {
    process.kill(target, name);
  } catch {
    // ESRCH: gone
  }
}

/** Every process descended from `pid`, parents before their children (Linux /proc; [] without it). */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (parent: number): void => {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      return;
    }
    for (const tid of tasks) {
      let list: string;
      try {
        list = readFileSync(`/proc/${parent}/task/${tid}/children`, 'latin1');
      } catch {
        continue;
      }
      for (const child of list.trim().split(/\s+/)) {
        const n = Number(child);
        if (child === '' || !Number.isInteger(n) || out.includes(n)) continue;
        out.push(n);
        walk(n);
      }
    }
  };
  walk(pid);
  return out;
}

/**
 * A synchronous child_process function whose output given as the runtime's goes through pipes, then to this
 * thread's stdout/stderr. `returnsResult`: spawnSync's result object; else the stdout the exec forms return,
 * which give nothing back of a piped stderr when they succeed: there an inherited stderr stays the gateway's.
 */
function forwardingSync(fn: Fn, argsArray: boolean, returnsResult: boolean): Fn {
  return function (this: unknown, ...args: unknown[]): unknown {
    const at = syncOptionsAt(args, argsArray);
    const given = args[at];
    const options = given !== null && typeof given === 'object' ? (given as SpawnOptions) : undefined;
    const stdio = stdioArray(options?.['stdio']);
    const forwarded = (returnsResult ? ([1, 2] as const) : ([1] as const)).filter((fd) => isRuntimeOutput(stdio[fd], fd));
    if (forwarded.length === 0) return fn.apply(this, args);
    for (const fd of forwarded) stdio[fd] = 'pipe';
    // An inherited stream has no maxBuffer (1 MB by default for piped ones): none for these pipes either.
    args[at] = { maxBuffer: Infinity, ...options, stdio };
    /** Writes what the child printed, and shows those streams as inherited ones: null. */
    const settle = (r: { stdout?: unknown; stderr?: unknown; output?: unknown[] | null }): void => {
      for (const fd of forwarded) {
        const printed = fd === 1 ? r.stdout : r.stderr;
        if (typeof printed === 'string' || printed instanceof Uint8Array) (fd === 1 ? process.stdout : process.stderr).write(printed);
        if (fd === 1) r.stdout = null;
        else r.stderr = null;
        if (Array.isArray(r.output)) r.output[fd] = null;
      }
    };
    let result: unknown;
    try {
      result = fn.apply(this, args);
    } catch (e) {
      if (e !== null && typeof e === 'object') settle(e as Parameters<typeof settle>[0]);
      throw e;
    }
    if (returnsResult) {
      settle(result as Parameters<typeof settle>[0]);
      return result;
    }
    const r = { stdout: result, stderr: undefined };
    settle(r);
    return r.stdout;
  };
}

interface SyncResult {
  status: number | null;
  stdout: unknown;
  error?: Error;
}

/**
 * execSync (`file` false) or execFileSync (`file` true) whose stderr is the runtime's: spawnSync as Node's
 * own calls it (lib/child_process.js: execSync adds its shell; execFileSync takes args or leaves them
 * out), then its outcome as Node's checkExecSyncError makes it: the spawn's error, or "Command failed: "
 * and the command (execFileSync: argv0 or the file, then the args) for a status other than 0, with the
 * result's fields; else its stdout. Any other call, or arguments Node would refuse, goes to `exec` (the
 * forwarding of a stdout only, and Node's own checks).
 */
function forwardingExec(exec: Fn, spawnSync: Fn, file: boolean): Fn {
  return function (this: unknown, ...args: unknown[]): unknown {
    const command = args[0];
    let argv: unknown[] = [];
    let options: unknown = args[1];
    if (file) {
      const second = args[1];
      if (Array.isArray(second)) {
        argv = [...(second as unknown[])];
        options = args[2];
      } else if (second === null || second === undefined) options = args[2];
      else if (typeof second !== 'object') return exec.apply(this, args);
    }
    const plain = options === undefined || options === null || (typeof options === 'object' && !Array.isArray(options));
    const named = (options ?? {}) as SpawnOptions;
    if (typeof command !== 'string' || !plain || !isRuntimeOutput(stdioArray(named['stdio'])[2], 2)) return exec.apply(this, args);
    const shell = named['shell'];
    const ret = (
      file ? spawnSync(command, argv, named) : spawnSync(command, { ...named, shell: typeof shell === 'string' ? shell : true })
    ) as SyncResult;
    if (ret.error) throw Object.assign(ret.error, ret);
    if (ret.status !== 0) {
      // Node adds a piped stderr to the message; this one was forwarded (null), as an inherited one is.
      const shown = file ? [named['argv0'] || command, ...argv].join(' ') : command;
      throw Object.assign(new Error(`Command failed: ${shown}`), ret);
    }
    return ret.stdout;
  };
}

/** A spawn's stdio option as an array (Node's forms: a string for all three, or an array). */
function stdioArray(stdio: unknown): unknown[] {
  if (Array.isArray(stdio)) return [...stdio];
  const all = stdio === undefined || stdio === null ? 'pipe' : stdio;
  return [all, all, all];
}

/** Whether a stdio entry gives the child this process's own stdout (fd 1) or stderr (fd 2). */
function isRuntimeOutput(entry: unknown, fd: 1 | 2): boolean {
  return entry === 'inherit' || entry === fd || entry === (fd === 1 ? process.stdout : process.stderr);
}

/** What the child writes on `fd` goes to this thread's own stdout/stderr; the child shows it as inherited (null). */
function forwardOutput(child: ChildProcess, fd: 1 | 2): void {
  const stream = child.stdio[fd];
  if (!stream) return;
  const out = fd === 1 ? process.stdout : process.stderr;
  stream.on('data', (chunk: Buffer) => out.write(chunk));
  const stdio = child.stdio as unknown as unknown[];
  stdio[fd] = null;
  if (fd === 1) (child as { stdout: unknown }).stdout = null;
  else (child as { stderr: unknown }).stderr = null;
}

/** Gateway side: the process groups a worker's function started, killed when the worker ends. */
export class OwnChildren {
  /** Group leader's pid → its start (processStart) and whether it has exited. */
  private readonly groups = new Map<number, { start: string | null; exited: boolean }>();

  onFrame(frame: ChildFrame): void {
    if (frame.t === 'child') this.groups.set(frame.pid, { start: frame.start, exited: false });
    else {
      const group = this.groups.get(frame.pid);
      if (group) group.exited = true;
    }
  }

  /**
   * Kills every group with SIGKILL. A group outlives its leader while members remain, and its number is
   * not given to a new process meanwhile. So a group is ours when its leader still runs (same start), or
   * when no process has the leader's pid any more; a process with that pid and another start is someone
   * else's. Without /proc, only groups whose leader has not been seen to exit are killed.
   */
  endAll(): void {
    for (const [pid, { start, exited }] of this.groups) {
      const now = processStart(pid);
      const ours = start !== null ? now === null || now === start : !exited;
      if (ours) killGroup(pid);
    }
    this.groups.clear();
  }
}

/** SIGKILL to the process group `pid` leads; a group already gone is no error. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left in it
  }
}
