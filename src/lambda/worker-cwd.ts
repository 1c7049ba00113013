// A worker's working directory. On Lambda a function runs in its code root (/var/task): relative paths
// given to fs, a child process's default directory, process.cwd() and path.resolve() all start there, and
// process.chdir() moves them all. A worker shares the gateway's process, whose working directory is the
// gateway's and which a worker cannot change (Node throws ERR_WORKER_UNSUPPORTED_OPERATION). So a worker
// instance keeps a directory of its own and applies it where a path is taken: process.cwd() and chdir(),
// every fs function that takes a path (callback, sync and promises; ESM named exports too), and the
// child_process functions' cwd (a relative `new Worker('./x.js')` starts here too: Node resolves it through
// process.cwd()). What is not covered: paths handed to native addons, and modules that take paths outside
// fs (a Unix socket path to net).
//
// Self-contained (node built-ins only): the instance bootstrap imports it.

import childProcess, { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { constants } from 'node:os';
import { isAbsolute, resolve, sep } from 'node:path';
import { inspect } from 'node:util';

/** fs functions whose first argument is a path (callback form; with `Sync` and in fs.promises alike). */
const FIRST_PATH = [
  'access', 'appendFile', 'chmod', 'chown', 'createReadStream', 'createWriteStream', 'exists', 'lchmod', 'lchown',
  'lstat', 'lutimes', 'mkdir', 'mkdtemp', 'open', 'openAsBlob', 'opendir', 'readdir', 'readFile', 'readlink',
  'realpath', 'rm', 'rmdir', 'stat', 'statfs', 'truncate', 'unlink', 'utimes', 'watch', 'watchFile', 'unwatchFile', 'writeFile',
];
/** Both arguments are paths. */
const TWO_PATHS = ['copyFile', 'cp', 'link', 'rename'];
/** Only the second: symlink's target is relative to the link, not to the working directory. */
const SECOND_PATH = ['symlink'];

type Fn = (...args: unknown[]) => unknown;

let cwd = '';

/** A path as the function meant it: relative ones start at the worker's directory. fds, handles and URLs as given. */
function absolute(p: unknown): unknown {
  if (typeof p === 'string') return p === '' || isAbsolute(p) ? p : resolve(cwd, p);
  if (Buffer.isBuffer(p) && p.length > 0 && p[0] !== 0x2f) return Buffer.concat([Buffer.from(cwd + sep), p]);
  return p;
}

/**
 * An fs error names the paths as the function gave them, as on Lambda ("ENOENT: no such file or directory,
 * open 'data.json'"), not as resolved here: `path` and `dest` and their quoted forms in the message.
 */
function restorePaths(error: unknown, resolved: readonly unknown[], given: readonly unknown[]): void {
  if (error === null || typeof error !== 'object') return;
  const e = error as { path?: unknown; dest?: unknown; message?: unknown };
  resolved.forEach((r, i) => {
    if (r === given[i] || typeof r !== 'string') return;
    if (e.path === r) e.path = given[i];
    if (e.dest === r) e.dest = given[i];
    if (typeof e.message === 'string') e.message = e.message.replace(`'${r}'`, `'${String(given[i])}'`);
  });
}

/** Listener arguments, not callbacks: wrapping them would change what unwatchFile is handed back. */
const LISTENER_TAKERS = new Set(['watch', 'watchFile', 'unwatchFile']);

function wrapped(fn: Fn, positions: readonly number[], own = true): Fn {
  const callbackLast = !LISTENER_TAKERS.has(fn.name);
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const given = positions.map((i) => args[i]);
    let changed = false;
    positions.forEach((at, k) => {
      if (at >= args.length) return;
      args[at] = absolute(args[at]);
      changed ||= args[at] !== given[k];
    });
    if (!changed) return fn.apply(this, args);
    const resolved = positions.map((i) => args[i]);
    const fix = (e: unknown) => restorePaths(e, resolved, given);
    const last = args.length - 1;
    if (callbackLast && last > 0 && typeof args[last] === 'function' && !positions.includes(last)) {
      const callback = args[last] as Fn;
      args[last] = function (this: unknown, err: unknown, ...rest: unknown[]): unknown {
        fix(err);
        return callback.call(this, err, ...rest);
      };
    }
    try {
      const result = fn.apply(this, args);
      return result instanceof Promise ? result.catch((e: unknown) => { fix(e); throw e; }) : result;
    } catch (e) {
      fix(e);
      throw e;
    }
  };
  // What hangs on the function (realpath.native, exists's promisified form) takes paths too; one level
  // (what hangs on those is not followed: some refer back).
  for (const key of own ? Reflect.ownKeys(fn) : []) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    const value = (fn as unknown as Record<PropertyKey, unknown>)[key];
    (wrapper as unknown as Record<PropertyKey, unknown>)[key] = typeof value === 'function' ? wrapped(value as Fn, positions, false) : value;
  }
  Object.defineProperty(wrapper, 'name', { value: fn.name });
  return wrapper;
}

function wrapAll(target: Record<string, unknown>, names: readonly string[], positions: readonly number[], suffixes: readonly string[]): void {
  for (const name of names) {
    for (const suffix of suffixes) {
      const fn = target[name + suffix];
      if (typeof fn === 'function') target[name + suffix] = wrapped(fn as Fn, positions);
    }
  }
}

/** Node's ERR_INVALID_ARG_TYPE text for `value` (its "Received …" part as lib/internal/errors.js writes it). */
function received(value: unknown): string {
  if (value === null || value === undefined) return `Received ${String(value)}`;
  if (typeof value === 'function') return `Received function ${value.name}`;
  if (typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
    return ctor ? `Received an instance of ${ctor}` : `Received ${inspect(value, { depth: -1 })}`;
  }
  return `Received type ${typeof value} (${inspect(value, { colors: false })})`; // Node 20 shortens only strings, never seen here
}

/** The error a process's chdir(dir) gives: `<code>: <text>, chdir '<cwd>' -> '<dir>'`, with errno, code, syscall, path and dest. */
function chdirError(dir: string, code: string, errno: number, text: string): Error {
  return Object.assign(new Error(`${code}: ${text}, chdir '${cwd}' -> '${dir}'`), { errno, code, syscall: 'chdir', path: cwd, dest: dir });
}

function chdir(dir: unknown): void {
  if (typeof dir !== 'string') {
    throw Object.assign(new TypeError(`The "directory" argument must be of type string. ${received(dir)}`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  const target = resolve(cwd, dir);
  let isDir: boolean;
  try {
    isDir = fs.statSync(target).isDirectory();
    if (isDir) fs.accessSync(target, fs.constants.X_OK);
  } catch (e) {
    // What chdir(2) would have answered, in the words the look at the directory gave ("ENOENT: no such file or directory, stat '…'").
    const { code = 'EIO', errno = -constants.errno.EIO, message } = e as NodeJS.ErrnoException;
    throw chdirError(dir, code, errno, /^\w+: (.*?), \w+ '/.exec(message)?.[1] ?? message);
  }
  if (!isDir) throw chdirError(dir, 'ENOTDIR', -constants.errno.ENOTDIR, 'not a directory');
  cwd = fs.realpathSync(target); // as getcwd() reports it after a chdir: links resolved
}

/** A child process's options with its cwd starting at the worker's directory. */
function withCwd(options: unknown): Record<string, unknown> {
  const given = options !== null && typeof options === 'object' ? (options as Record<string, unknown>) : {};
  const dir = given['cwd'];
  return { ...given, cwd: dir === undefined || dir === null ? cwd : dir instanceof URL ? dir : absolute(String(dir)) };
}

/** A synchronous child_process function with its options' cwd set. */
function syncWithCwd(fn: Fn, argsArray: boolean): Fn {
  return function (this: unknown, ...args: unknown[]): unknown {
    const at = syncOptionsAt(args, argsArray);
    args[at] = withCwd(args[at]);
    return fn.apply(this, args);
  };
}

/**
 * Where a synchronous child_process call's options are, so that the caller may set them: (file, args?,
 * options?) when `argsArray` (args an array, or left out with null, as Node reads them; then made []),
 * else (command, options?). Possibly past the end.
 */
export function syncOptionsAt(args: unknown[], argsArray: boolean): number {
  if (!argsArray) return 1;
  if (Array.isArray(args[1])) return 2;
  if ((args[1] === null || args[1] === undefined) && args.length > 2) {
    args[1] = [];
    return 2;
  }
  return 1;
}

/** Installs the worker's directory, starting at `root`. */
export function emulateCwd(root: string): void {
  cwd = root;
  process.cwd = () => cwd;
  process.chdir = chdir;
  const sync = fs as unknown as Record<string, unknown>;
  wrapAll(sync, FIRST_PATH, [0], ['', 'Sync']);
  wrapAll(sync, TWO_PATHS, [0, 1], ['', 'Sync']);
  wrapAll(sync, SECOND_PATH, [1], ['', 'Sync']);
  const promises = fs.promises as unknown as Record<string, unknown>;
  wrapAll(promises, FIRST_PATH, [0], ['']);
  wrapAll(promises, TWO_PATHS, [0, 1], ['']);
  wrapAll(promises, SECOND_PATH, [1], ['']);
  // spawn, exec, execFile and fork all start their process here.
  const proto = ChildProcess.prototype as unknown as { spawn(this: ChildProcess, options: Record<string, unknown>): unknown };
  const spawn = proto.spawn;
  proto.spawn = function (this: ChildProcess, options: Record<string, unknown>): unknown {
    return spawn.call(this, withCwd(options));
  };
  const cp = childProcess as unknown as Record<string, Fn>;
  cp['spawnSync'] = syncWithCwd(cp['spawnSync']!, true);
  cp['execFileSync'] = syncWithCwd(cp['execFileSync']!, true);
  cp['execSync'] = syncWithCwd(cp['execSync']!, false);
  syncBuiltinESMExports();
}
