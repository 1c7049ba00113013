// Child processes for the benchmark: start, wait for readiness, measure memory,
// and always clean up (normal end, errors, Ctrl-C).
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, watch, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

const children = new Set();

function killGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Each child leads its own process group (detached), so this also ends
    // whatever it started itself (function processes, workers' helpers).
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

export function killAll() {
  for (const child of children) killGroup(child, 'SIGKILL');
  children.clear();
}

let handlersInstalled = false;
function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      killAll();
      process.stderr.write(`\nbench: ${sig} received, child processes stopped\n`);
      process.exit(130);
    });
  }
  process.on('uncaughtException', (err) => {
    killAll();
    process.stderr.write(`bench: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  });
}

/**
 * Starts a process in its own process group. `ready(line)` is called for each
 * stdout/stderr line and returns a value (truthy) once the process is ready.
 * Resolves { child, pid, value, output (lines until ready), tail() (the last 8 KB it
 * printed), stop } or rejects with the output tail.
 *
 * The process writes its output to a file, not to a pipe this process reads: this
 * process also runs the load generator, and a server that logs as it serves
 * (restgate: Lambda's START/END/REPORT lines for every request) would otherwise cost
 * the load generator CPU for every request that a silent one (the ceiling) does not.
 * The file is watched until the process is ready, then left alone.
 */
export function startProcess(command, args, { cwd, env, ready, timeoutMs = 30_000, label = command } = {}) {
  installExitHandlers();
  const started = process.hrtime.bigint();
  const dir = mkdtempSync(join(tmpdir(), 'restgate-bench-'));
  const outFile = join(dir, 'output.log');
  const out = openSync(outFile, 'w');
  let child;
  try {
    child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', out, out],
      detached: true,
    });
  } finally {
    closeSync(out);
  }
  children.add(child);
  const lines = [];
  let settled = false;
  const tail = () => {
    try {
      const text = readFileSync(outFile, 'utf8');
      return text.slice(-8192);
    } catch {
      return '';
    }
  };
  const removeOutput = () => rmSync(dir, { recursive: true, force: true });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      children.delete(child);
      removeOutput();
      return;
    }
    const exited = new Promise((resolve) => child.once('exit', resolve));
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    // Make sure nothing of its group is left behind.
    killGroup(child, 'SIGKILL');
    children.delete(child);
    removeOutput();
  };
  return new Promise((resolve, reject) => {
    // Reading the output file as it grows, until ready: a watch for promptness, a poll in case a change is missed.
    const reader = openSync(outFile, 'r');
    const decoder = new StringDecoder('utf8');
    const chunk = Buffer.allocUnsafe(64 * 1024);
    let offset = 0;
    let buf = '';
    const watcher = watch(outFile, () => readNew());
    const poll = setInterval(() => readNew(), 20);
    const done = () => {
      watcher.close();
      clearInterval(poll);
      closeSync(reader);
    };
    const fail = (why) => {
      if (settled) return;
      readNew(); // what it printed last (the ready line may be among it)
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done();
      const text = lines.slice(-15).join('\n');
      stop().finally(() => {
        const err = new Error(`${label}: ${why}${text ? `\n--- output tail ---\n${text}` : ''}`);
        // The line that says what went wrong, for one-line summaries.
        const culprit = lines.find((l) => /\b(Error|error|invalid|Cannot|EADDRINUSE|not allowed)\b/.test(l)) ?? lines.filter((l) => l.trim()).at(-1);
        err.summary = `${why}${culprit ? `: ${culprit.trim().slice(0, 200)}` : ''}`;
        reject(err);
      });
    };
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    const onLine = (line) => {
      lines.push(line);
      if (lines.length > 400) lines.splice(0, lines.length - 200);
      if (settled || !ready) return;
      let value;
      try {
        value = ready(line);
      } catch (err) {
        fail(String(err));
        return;
      }
      if (value) {
        settled = true;
        clearTimeout(timer);
        done();
        const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
        resolve({ child, pid: child.pid, value, readyMs, output: lines, tail, stop });
      }
    };
    function readNew() {
      if (settled) return;
      for (let n; (n = readSync(reader, chunk, 0, chunk.length, offset)) > 0; ) {
        offset += n;
        buf += decoder.write(chunk.subarray(0, n));
        let i;
        while (!settled && (i = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, i).replace(/\r$/, ''));
          buf = buf.slice(i + 1);
        }
        if (settled) return;
      }
    }
    child.on('error', (err) => fail(`could not start: ${err.message}`));
    child.on('exit', (code, signal) => {
      children.delete(child);
      fail(`exited before it was ready (code ${code}, signal ${signal})`);
    });
    if (!ready) {
      settled = true;
      clearTimeout(timer);
      done();
      resolve({ child, pid: child.pid, value: true, readyMs: 0, output: lines, tail, stop });
    }
  });
}

/** A free TCP port on 127.0.0.1 (for programs that cannot listen on port 0 and report it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function statusKb(pid, field) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The pid and all its descendants (via /proc/PID/task/TID/children). */
export function processTree(pid) {
  const out = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    out.push(p);
    let tids = [];
    try {
      tids = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const kids = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim();
        if (kids) for (const k of kids.split(/\s+/)) stack.push(Number(k));
      } catch {
        /* gone */
      }
    }
  }
  return out;
}

/** Resident set size (bytes) of a process and its descendants. */
export function treeRss(pid) {
  let kb = 0;
  for (const p of processTree(pid)) kb += statusKb(p, 'VmRSS');
  return kb * 1024;
}

/** Resets the kernel's peak-RSS counter (VmHWM) of a process tree (Linux: clear_refs 5). */
export function resetPeak(pid) {
  for (const p of processTree(pid)) {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, '5');
    } catch {
      /* not permitted: sampling still works */
    }
  }
}

/** Sum of VmHWM (peak RSS since start or last reset) over the process tree, bytes. */
export function treePeak(pid) {
  let kb = 0;
  for (const p of processTree(pid)) kb += statusKb(p, 'VmHWM');
  return kb * 1024;
}

/** CPU seconds (user + system) used so far by a process tree (/proc/PID/stat, 100 ticks/s). */
export function treeCpuSeconds(pid) {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces) start at field 3.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime stime cutime cstime
    } catch {
      /* gone */
    }
  }
  return ticks / 100;
}

/**
 * Samples the RSS of a process tree every `intervalMs` until stopped.
 * stop() → { peak, samples: [[ms, bytes]...], start, end } where peak also
 * includes the kernel's VmHWM (catches spikes between samples).
 */
export function sampleRss(pid, intervalMs = 100) {
  resetPeak(pid);
  const cpu0 = treeCpuSeconds(pid);
  const t0 = Date.now();
  const samples = [[0, treeRss(pid)]];
  const timer = setInterval(() => samples.push([Date.now() - t0, treeRss(pid)]), intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      samples.push([Date.now() - t0, treeRss(pid)]);
      const sampledPeak = Math.max(...samples.map((s) => s[1]));
      const elapsed = (Date.now() - t0) / 1000;
      // Cores busy on average in the server's process tree during the run.
      const cpuCores = elapsed > 0 ? (treeCpuSeconds(pid) - cpu0) / elapsed : undefined;
      return { peak: Math.max(sampledPeak, treePeak(pid)), sampledPeak, samples, start: samples[0][1], end: samples.at(-1)[1], cpuCores };
    },
  };
}
