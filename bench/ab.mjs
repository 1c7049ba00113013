// A/B of two restgate checkouts (or one against the ceiling) on one route, for
// changes too small for `npm run bench` to see.
//
// Why: on a small shared VM a route's req/s moves by ±10 % from one run to the
// next, and restgate's threads (gateway, instances) compete with the load
// generator for the same two cores, so who gets which core decides as much as
// the code does. Here both servers (all their threads) are pinned to core 0 and
// the load generator to core 1, and the two are measured in alternating
// slices. Each server then runs alone on its core: its req/s is 1 / (its CPU
// time per request, all threads together), and A against itself stayed within
// ±4 % in 10-slice runs of the proxy route (the custom route is noisier: use 16
// slices or more; 2026-12-02). Besides the totals it prints the gateway main
// thread's CPU per request (the thread that bounds the proxy route) and the
// median and range of the round-by-round ratios: when the range is wide, run
// it again before believing a few per cent. Linux only (taskset from util-linux).
//
// Usage: node bench/ab.mjs [--route proxy|custom|mock|http] [--slices 10] [--slice 1]
//          [--connections 50] A B
// where A and B are checkout directories (built: dist/ present) or `ceiling`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measure } from './lib/load.mjs';
import { startProcess } from './lib/proc.mjs';
import { median } from './lib/stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    route: { type: 'string', default: 'proxy' },
    slices: { type: 'string', default: '10' },
    slice: { type: 'string', default: '1' },
    connections: { type: 'string', default: '50' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help || positionals.length !== 2) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
  process.exit(opts.help ? 0 : 2);
}

const customBody = JSON.stringify({ name: 'Bench "order"', items: Array.from({ length: 10 }, (_, i) => ({ sku: `SKU-${1000 + i}`, qty: i + 1 })) });
const ROUTES = {
  proxy: { path: '/proxy/42' },
  custom: { path: '/custom/42', method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: customBody },
  mock: { path: '/mock', headers: { accept: 'application/json' } },
  http: { path: '/http' },
};
const route = ROUTES[opts.route];
if (!route) throw new Error(`--route: one of ${Object.keys(ROUTES).join(', ')}`);
try {
  execFileSync('taskset', ['-V'], { stdio: 'ignore' });
} catch {
  throw new Error('bench/ab.mjs needs taskset (util-linux) to pin the servers and the load generator');
}

const pin = (pid, cpu) => execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });

async function start(spec, tag) {
  if (spec === 'ceiling') {
    const p = await startProcess(process.execPath, [join(root, 'bench', 'ceiling-server.mjs')], { cwd: root, ready: (l) => /LISTENING (\d+)/.exec(l)?.[1], label: 'ceiling' });
    return { ...p, base: `http://127.0.0.1:${p.value}`, path: '/proxy/42' };
  }
  const dir = resolve(spec);
  if (!existsSync(join(dir, 'dist', 'cli.js'))) throw new Error(`${dir}: not built (run npm run build there)`);
  // The bench API with a backend port nobody listens on: the http route needs `npm run bench`'s backend.
  const defDir = join(root, 'bench', 'results', 'tmp', `ab-${tag}`);
  mkdirSync(defDir, { recursive: true });
  writeFileSync(join(defDir, 'api.json'), readFileSync(join(dir, 'bench', 'api.json'), 'utf8').replaceAll('{{BACKEND_PORT}}', '9'));
  const args = [join(dir, 'bin', 'restgate.js'), 'serve', join(defDir, 'api.json'), '--port', '0', '--host', '127.0.0.1', '--functions', join(dir, 'bench', 'functions')];
  const p = await startProcess(process.execPath, args, { cwd: dir, env: { NODE_ENV: 'production' }, ready: (l) => /http:\/\/127\.0\.0\.1:\d+\S*/.exec(l)?.[0], label: `restgate ${tag}` });
  return { ...p, base: p.value.replace(/\/$/, ''), path: route.path };
}

const servers = [await start(positionals[0], 'a'), await start(positionals[1], 'b')];
for (const s of servers) pin(s.pid, 0);
pin(process.pid, 1);
/** CPU seconds the server's main thread (the gateway's event loop) has used so far; 0 where /proc is missing. */
const mainThreadCpu = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return 0;
  }
};
const run = (s, duration, warmup) =>
  measure({ url: s.base + s.path, pid: s.pid, method: route.method, headers: route.headers, body: route.body, connections: Number(opts.connections), duration, warmup });
for (const s of servers) await run(s, 1, 1); // warm-up: JIT, instances
const totals = [
  { n: 0, s: 0, cpu: 0, main: 0 },
  { n: 0, s: 0, cpu: 0, main: 0 },
];
const slices = Number(opts.slices);
/** Per round (one slice of each): B's req/s and main-thread CPU per request over A's. */
const rounds = { rps: [], main: [] };
for (let i = 0; i < slices; i++) {
  const slice = [];
  for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
    const before = mainThreadCpu(servers[k].pid);
    const r = await run(servers[k], Number(opts.slice), 0);
    const main = mainThreadCpu(servers[k].pid) - before;
    totals[k].main += main;
    totals[k].n += r.requests;
    totals[k].s += r.durationS;
    totals[k].cpu += (r.rss?.cpuCores ?? 0) * r.durationS;
    slice[k] = { rps: r.requests / r.durationS, main: main / r.requests };
  }
  rounds.rps.push(slice[1].rps / slice[0].rps);
  rounds.main.push(slice[1].main / slice[0].main);
}
for (const s of servers) await s.stop();
const [a, b] = totals.map((t) => ({ rps: t.n / t.s, us: (t.cpu * 1e6) / t.n, mainUs: (t.main * 1e6) / t.n }));
console.log(`route ${opts.route}, ${slices} slices of ${opts.slice} s each, ${opts.connections} connections`);
console.log(`A ${positionals[0]}: ${Math.round(a.rps)} req/s, ${a.us.toFixed(1)} µs CPU per request (main thread ${a.mainUs.toFixed(1)})`);
console.log(`B ${positionals[1]}: ${Math.round(b.rps)} req/s, ${b.us.toFixed(1)} µs CPU per request (main thread ${b.mainUs.toFixed(1)})`);
console.log(`B/A req/s ${(b.rps / a.rps).toFixed(3)}, main thread CPU per request ${(b.mainUs / a.mainUs).toFixed(3)}`);
const spread = (v) => `median ${median(v).toFixed(3)}, rounds ${Math.min(...v).toFixed(3)}–${Math.max(...v).toFixed(3)}`;
console.log(`B/A round by round: req/s ${spread(rounds.rps)}; main thread CPU per request ${spread(rounds.main)}`);
process.exit(0);
