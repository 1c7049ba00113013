// Instructions per request, counted by valgrind (callgrind), thread by thread: an instrument for
// the pipeline's own cost that the machine's speed does not move.
//
// Why: on the 2-core VMs restgate is measured on, the time a request takes moves by ±20 % from one
// second to the next (the ceiling against itself read 86–137 % on 2026-12-02), so a change of a few
// per cent in the gateway's code is invisible to req/s, and even bench/ab.mjs needs several runs.
// An instruction count does not depend on how fast the machine runs. What is counted is
// bench/lib/calls.mjs: requests through gateway.handle() in-process (no HTTP: node:http costs the
// same in restgate as in the ceiling), 50 in flight, the function in two worker instances as under
// `restgate serve`. Two runs of different lengths (in parallel, one per core) and their difference
// divided by the difference of their calls gives the cost of one request, without start-up, module
// loading and the first compilations. Thread 1 is the gateway's main thread, the one that bounds
// the proxy route; the instances and V8's helper threads (compiler, GC) are counted together as
// "other threads".
//
// Not exact: V8 compiles on helper threads, and when optimised code arrives (and how calls batch)
// depends on timing. The proxy route's main thread read 153k and 132k instructions per request in
// two runs of the same code (2026-12-02, Intel Xeon 2-core VM), and twice that with other work on
// the machine (calls batch less): run nothing else meanwhile, and run again before believing a
// difference under ~15 %.
//
// Usage: node bench/instructions.mjs [--route proxy|mock] [--calls 1000,4000] [DIR ...]
// where each DIR is a built checkout (dist/ present), default this one. Needs valgrind. A run of
// the defaults takes ~2 minutes per checkout.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    route: { type: 'string', default: 'proxy' },
    calls: { type: 'string', default: '1000,4000' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}
const [fewer, more] = opts.calls.split(',').map(Number);
if (!(fewer > 0 && more > fewer) || !['proxy', 'mock'].includes(opts.route)) {
  console.error('usage: node bench/instructions.mjs [--route proxy|mock] [--calls FEWER,MORE] [DIR ...]');
  process.exit(2);
}
try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('bench/instructions.mjs needs valgrind (Debian package valgrind)');
  process.exit(2);
}

/** Runs the call driver under callgrind; resolves instructions by thread number. */
function count(dir, calls) {
  const out = mkdtempSync(join(tmpdir(), 'restgate-cg-'));
  const args = [
    '--tool=callgrind',
    '--separate-threads=yes',
    // V8 writes machine code into its heap: valgrind must look for changed code there too.
    '--smc-check=all-non-file',
    `--callgrind-out-file=${join(out, 'cg')}`,
    process.execPath,
    join(root, 'bench', 'lib', 'calls.mjs'),
    dir,
    opts.route,
    String(calls),
  ];
  return new Promise((resolvePromise, reject) => {
    execFile('valgrind', args, { maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
      try {
        if (err) throw new Error(`valgrind run of ${calls} calls in ${dir} failed:\n${stderr.split('\n').filter((l) => !l.startsWith('==')).join('\n')}`);
        const threads = new Map();
        for (const file of readdirSync(out)) {
          const m = /-(\d+)$/.exec(file);
          const summary = /^summary: (\d+)/m.exec(readFileSync(join(out, file), 'utf8'));
          if (m && summary) threads.set(Number(m[1]), Number(summary[1]));
        }
        resolvePromise(threads);
      } catch (e) {
        reject(e);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });
}

const sum = (threads, pick) => [...threads].filter(([t]) => pick(t)).reduce((s, [, n]) => s + n, 0);
const dirs = positionals.length > 0 ? positionals.map((d) => resolve(d)) : [root];
const rows = [];
for (const dir of dirs) {
  const [a, b] = await Promise.all([count(dir, fewer), count(dir, more)]);
  const per = (pick) => (sum(b, pick) - sum(a, pick)) / (more - fewer);
  const row = { dir, main: per((t) => t === 1), other: per((t) => t !== 1) };
  rows.push(row);
  console.log(
    `${opts.route} ${dir}: main thread ${Math.round(row.main).toLocaleString('en-US')} instructions per request, other threads ${Math.round(row.other).toLocaleString('en-US')}`,
  );
}
if (rows.length === 2) console.log(`B/A main thread ${(rows[1].main / rows[0].main).toFixed(3)}, other threads ${(rows[1].other / rows[0].other).toFixed(3)}`);
