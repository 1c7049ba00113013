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
// Self-contained (node built-ins only): the instance bootstrap imports the instance side.

import { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

/** Instance side, in a worker: every child the function starts leads its own process group, and is reported. */
export function trackOwnChildren(report: (frame: ChildFrame) => void): void {
  if (!HAS_PROCESS_GROUPS) return;
  const proto = ChildProcess.prototype as unknown as { spawn(this: ChildProcess, options: SpawnOptions): unknown };
  const spawn = proto.spawn;
  proto.spawn = function (this: ChildProcess, options: SpawnOptions): unknown {
    const result = spawn.call(this, { ...options, detached: true });
    const pid = this.pid;
    if (pid !== undefined) {
      report({ t: 'child', pid, start: processStart(pid) });
      this.once('exit', () => report({ t: 'child-exit', pid }));
    }
    return result;
  };
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
