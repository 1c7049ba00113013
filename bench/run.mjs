#!/usr/bin/env node
// restgate's benchmark: `npm run bench` (builds dist/ first). One run, one
// machine: a bare node:http ceiling, restgate's routes, binary payloads,
// start-up and cold start, template rendering vs velocityjs, the
// serverless-offline peer, and a soak. Prints one report and writes
// bench/results/latest.{json,md} and chart.svg. Run with --help for options.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchOnce, measure, measurePaired } from './lib/load.mjs';
import { median } from './lib/stats.mjs';
import { evaluateGoals } from './lib/goals.mjs';
import { summarizeProfiles } from './lib/profile.mjs';
import { freePort, killAll, startProcess, treeRss } from './lib/proc.mjs';
import { markdownReport, svgChart, textReport } from './lib/report.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = join(root, 'bench');
const node = process.execPath;

// ---- options ------------------------------------------------------------------
const HELP = `Usage: npm run bench -- [options]   (or: node bench/run.mjs [options] after npm run build)
  --quick                 smoke run: short durations, 10 connections, 1 MB only, small soak
  --connections N         concurrent connections for route runs (default 50; env BENCH_CONNECTIONS)
  --duration S            measured seconds per route (default 7; env BENCH_DURATION)
  --warmup S              unmeasured warm-up seconds before each route run (default 1)
  --sizes 1,10            binary payload sizes in MB (10^6 bytes) (default 1,10)
  --binary-connections N  connections for binary runs (default 4)
  --binary-duration S     seconds per binary run (default 4)
  --startup-runs N        start-up measurements (default 5)
  --render-ms N           measuring time per template and engine in ms (default 1000)
  --soak                  always run the soak; --no-soak never (default: only if it fits the budget)
  --soak-requests N       soak request count (default 200000)
  --budget S              time budget of a full run in seconds, used for the soak decision (default 290)
  --no-peer               skip serverless-offline
  --no-pair               measure routes alone and compare them with the first ceiling run (default:
                          each route alternates with the ceiling in one-second slices, so drifting
                          machine speed does not skew the ratios)
  --profile               CPU-profile restgate's gateway process per route (a fresh server each,
                          node --cpu-prof); top files and functions by self time go in the report
  --warm-duration S       seconds per warm-invocation run (1 connection, sequential) (default 3)
  --only LIST             run only these parts: ceiling,routes,warm,binary,startup,render,peer,soak
  --routes LIST           run only these routes of the routes part: calibration (the ceiling
                          against itself, paired as a route is: the run's noise floor),
                          proxy,custom,mock,http,invoke
  --out DIR               results directory (default bench/results; --quick: bench/results/tmp)
  --render-only [FILE]    re-render table, Markdown and chart from a results JSON
  --help`;

const ROUTE_NAMES = ['calibration', 'proxy', 'custom', 'mock', 'http', 'invoke'];

function parseOptions(argv) {
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n${HELP}`);
    const [k, inline] = a.slice(2).split('=', 2);
    const next = argv[i + 1];
    if (inline !== undefined) flags[k] = inline;
    else if (next !== undefined && !next.startsWith('--')) {
      flags[k] = next;
      i++;
    } else flags[k] = true;
  }
  const env = (name) => process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  const get = (name, def) => flags[name] ?? env(name) ?? def;
  const num = (name, def) => {
    const v = Number(get(name, def));
    if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} needs a non-negative number`);
    return v;
  };
  const quick = !!get('quick', false) && get('quick', false) !== 'false';
  const known = new Set(['quick', 'connections', 'duration', 'warmup', 'sizes', 'binary-connections', 'binary-duration', 'startup-runs', 'render-ms', 'warm-duration', 'soak', 'no-soak', 'soak-requests', 'budget', 'no-peer', 'no-pair', 'profile', 'only', 'routes', 'out', 'render-only', 'help']);
  for (const k of Object.keys(flags)) if (!known.has(k)) throw new Error(`unknown option --${k}\n${HELP}`);
  const only = flags.only ? new Set(String(flags.only).split(',')) : undefined;
  const routes = flags.routes ? new Set(String(flags.routes).split(',')) : undefined;
  for (const r of routes ?? []) if (!ROUTE_NAMES.includes(r)) throw new Error(`--routes: ${r} is not one of ${ROUTE_NAMES.join(', ')}`);
  return {
    help: !!flags.help,
    renderOnly: flags['render-only'],
    quick,
    connections: num('connections', quick ? 10 : 50),
    duration: num('duration', quick ? 2 : 7),
    warmup: num('warmup', quick ? 0.5 : 1),
    sizesMB: String(get('sizes', quick ? '1' : '1,10')).split(',').map(Number).filter((n) => n > 0),
    binaryConnections: num('binary-connections', quick ? 2 : 4),
    binaryDuration: num('binary-duration', quick ? 2 : 4),
    startupRuns: num('startup-runs', quick ? 2 : 5),
    renderMs: num('render-ms', quick ? 200 : 1000),
    warmDuration: num('warm-duration', quick ? 1 : 3),
    soak: flags['no-soak'] ? 'never' : flags.soak ? 'always' : 'if-fits',
    soakRequests: num('soak-requests', quick ? 5000 : 200_000),
    budgetS: num('budget', 290),
    peer: !flags['no-peer'],
    pair: !flags['no-pair'],
    profile: !!flags.profile,
    only,
    routes,
    out: flags.out ? String(flags.out) : join(benchDir, 'results', quick ? 'tmp' : ''),
  };
}

function machineInfo() {
  let commit;
  try {
    commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--', 'src', 'bin', 'bench'], { encoding: 'utf8' }).trim();
    if (dirty) commit += '+local changes';
  } catch {
    /* not a git checkout */
  }
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown CPU',
    cores: cpus.length,
    availableParallelism: os.availableParallelism?.() ?? cpus.length,
    totalMemBytes: os.totalmem(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    loadavg: os.loadavg(),
    commit,
  };
}

// ---- helpers -------------------------------------------------------------------
const log = (line) => process.stderr.write(`${line}\n`);
const urlIn = (line) => {
  const m = /https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):\d+[^\s'"]*/.exec(line);
  return m ? m[0].replace(/[).,]+$/, '') : undefined;
};

function stageOf(definitionFile) {
  try {
    const text = readFileSync(definitionFile, 'utf8');
    const doc = JSON.parse(text);
    if (doc.basePath) return doc.basePath.replace(/^\//, '');
    const base = doc.servers?.[0]?.variables?.basePath?.default;
    if (base) return base.replace(/^\//, '');
    const u = doc.servers?.[0]?.url;
    if (u) return new URL(u.replace(/\{[^}]+\}/g, 'x')).pathname.replace(/^\//, '') || undefined;
  } catch {
    /* YAML or unreadable: rely on the printed URL */
  }
  return undefined;
}

/** Starts `bin/restgate.js serve` and returns { base, origin, pid, stop, readyMs }. */
async function startRestgate(definition, { functionsDir, extraArgs = [], timeoutMs = 30_000, env = {}, nodeArgs = [] } = {}) {
  const args = [...nodeArgs, join(root, 'bin', 'restgate.js'), 'serve', definition, '--port', '0', '--host', '127.0.0.1', ...(functionsDir ? ['--functions', functionsDir] : []), ...extraArgs];
  const proc = await startProcess(node, args, { cwd: root, ready: urlIn, timeoutMs, label: 'restgate serve', env: { NODE_ENV: 'production', ...env } });
  const printed = new URL(proc.value);
  const stage = stageOf(definition);
  const origin = printed.origin;
  const base = printed.pathname.length > 1 ? `${origin}${printed.pathname.replace(/\/$/, '')}` : stage ? `${origin}/${stage}` : origin;
  return { ...proc, origin, base };
}

function restgatePrereq() {
  const missing = ['bin/restgate.js', 'dist/cli.js', 'dist/server/index.js'].filter((f) => !existsSync(join(root, f)));
  return missing.length ? `not built yet (missing ${missing.join(', ')})` : undefined;
}

async function probe(url, init, expect = 200) {
  try {
    const r = await fetchOnce(url, init);
    if (r.status !== expect) return `probe ${init?.method ?? 'GET'} ${new URL(url).pathname} answered ${r.status}: ${r.body.toString('utf8').slice(0, 160)}`;
    return undefined;
  } catch (err) {
    return `probe ${init?.method ?? 'GET'} ${new URL(url).pathname} failed: ${err.message}`;
  }
}

const stripSamples = (r) => (r && r.rss ? { ...r, rss: { peak: r.rss.peak, start: r.rss.start, end: r.rss.end, cpuCores: r.rss.cpuCores } } : r);

const customBody = JSON.stringify({
  name: 'Bench "order"',
  items: Array.from({ length: 10 }, (_, i) => ({ sku: `SKU-${1000 + i}`, qty: i + 1 })),
});
const jsonHeaders = { 'content-type': 'application/json', accept: 'application/json' };

/** Starts a ceiling server; `url` is its proxy route (the path the restgate routes use). */
async function startCeiling(label) {
  const srv = await startProcess(node, [join(benchDir, 'ceiling-server.mjs')], { ready: (l) => /^LISTENING (\d+)/.exec(l)?.[1], label });
  return { srv, url: `http://127.0.0.1:${srv.value}/bench/proxy/42` };
}

// ---- scenarios ------------------------------------------------------------------
async function runCeiling(o) {
  log('ceiling: bare node:http server calling the proxy handler in-process');
  const { srv, url } = await startCeiling('ceiling server');
  try {
    const bad = await probe(url);
    if (bad) return { skipped: bad };
    return stripSamples(await measure({ url, pid: srv.pid, connections: o.connections, duration: o.duration, warmup: o.warmup }));
  } finally {
    await srv.stop();
  }
}

/**
 * The ceiling server again, kept running beside the servers under test: each
 * route is measured in alternation with it (one-second slices, measurePaired),
 * and the route's ratios use that paired ceiling. The machine's speed drifts
 * within seconds; a ratio to a ceiling measured minutes (or even seconds)
 * earlier drifts with it. With --no-pair, or when the ceiling cannot serve,
 * routes are measured alone and compared with the run's first ceiling.
 */
async function pairedCeiling(o) {
  if (!o.pair) return undefined;
  const { srv, url } = await startCeiling('ceiling server (paired)');
  if (await probe(url)) {
    await srv.stop();
    return undefined;
  }
  return { target: { url, pid: srv.pid }, stop: () => srv.stop() };
}

/** A route's measurement: paired with the ceiling when there is one (the ceiling's figures in `.ceiling`). */
async function measureRoute(o, paired, target) {
  const run = { connections: o.connections, duration: o.duration, warmup: o.warmup };
  if (!paired) return stripSamples(await measure({ ...target, ...run }));
  const { a: ceiling, b: route, ratios } = await measurePaired({ a: paired.target, b: target, ...run, rounds: Math.max(1, Math.round(o.duration)) });
  return {
    ...stripSamples(route),
    ceiling: { reqPerSecTotal: ceiling.reqPerSecTotal, requests: ceiling.requests, latencyMs: ceiling.latencyMs, okRatio: ceiling.okRatio },
    pairedRatios: ratios,
  };
}

/**
 * The noise floor: a second ceiling server measured against the paired one exactly as a route is.
 * Both run the same code, so its share would be 100 % on a quiet machine; how far it lands from
 * that in this run says how far any route's share may be off.
 */
async function runCalibration(o, paired, results) {
  const { srv, url } = await startCeiling('ceiling server (calibration)');
  try {
    const bad = await probe(url);
    if (bad) results.calibration = { skipped: bad };
    else {
      log('routes: calibration (the ceiling against itself)');
      results.calibration = await measureRoute(o, paired, { url, pid: srv.pid });
    }
  } finally {
    await srv.stop();
  }
}

async function runRoutes(o, results) {
  const why = restgatePrereq();
  if (why) {
    results.routesSkipped = why;
    log(`routes: skipped — restgate ${why}`);
    return;
  }
  const backend = await startProcess(node, [join(benchDir, 'backend-server.mjs')], { ready: (l) => /^LISTENING (\d+)/.exec(l)?.[1], label: 'HTTP backend' });
  const paired = await pairedCeiling(o);
  if (paired && (!o.routes || o.routes.has('calibration'))) await runCalibration(o, paired, results);
  let gw;
  const profileRoot = join(benchDir, 'results', 'tmp', 'profiles');
  try {
    const def = benchDefinition(backend.value);
    const start = async (route) => {
      // --profile: a fresh server per route, its gateway process under --cpu-prof
      // (NODE_OPTIONS may not carry --cpu-prof, so function processes are not profiled).
      const nodeArgs = o.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(profileRoot, route)}`] : [];
      if (o.profile) rmSync(join(profileRoot, route), { recursive: true, force: true });
      return startRestgate(def, { functionsDir: join(benchDir, 'functions'), nodeArgs });
    };
    try {
      gw = await start('proxy');
    } catch (err) {
      results.routesSkipped = `restgate did not start (${err.summary ?? err.message.split('\n')[0]})`;
      results.notes.push(`restgate start failure output:\n${err.message}`);
      log(`routes: skipped — ${results.routesSkipped}`);
      return;
    }
    log(`routes: restgate at ${gw.base} (pid ${gw.pid})`);
    const routes = {
      proxy: { path: '/proxy/42' },
      custom: { path: '/custom/42', method: 'POST', headers: jsonHeaders, body: customBody },
      mock: { path: '/mock', headers: { accept: 'application/json' } },
      http: { path: '/http' },
      // Diagnostic: the same function through restgate's Lambda Invoke API, no API pipeline.
      invoke: { origin: true, path: '/2015-03-31/functions/hello/invocations', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ httpMethod: 'GET', pathParameters: { id: '42' } }) },
    };
    results.routes = {};
    for (const [name, r] of Object.entries(routes)) {
      if (o.routes && !o.routes.has(name)) continue;
      if (!gw) gw = await start(name);
      const url = `${r.origin ? gw.origin : gw.base}${r.path}`;
      const bad = await probe(url, { method: r.method, headers: r.headers, body: r.body });
      if (bad) {
        results.routes[name] = { skipped: bad };
        log(`routes: ${name} skipped — ${bad}`);
      } else {
        log(`routes: ${name} ${r.method ?? 'GET'} ${new URL(url).pathname}`);
        results.routes[name] = await measureRoute(o, paired, { url, method: r.method, headers: r.headers, body: r.body, pid: gw.pid });
      }
      if (o.profile) {
        await gw.stop();
        gw = undefined;
        if (!bad) results.routes[name].profile = summarizeProfiles(join(profileRoot, name), root);
      }
    }
  } finally {
    if (gw) await gw.stop();
    await paired?.stop();
    await backend.stop();
  }
}

function findImageApi() {
  const dir = join(root, 'examples', 'image-api');
  for (const f of ['openapi.json', 'openapi.yaml', 'openapi.yml', 'swagger.json', 'swagger.yaml', 'api.json']) if (existsSync(join(dir, f))) return join(dir, f);
  return undefined;
}

/** Writes a copy of bench/api.json with the backend's port filled in; returns its path. */
function benchDefinition(backendPort) {
  const tmp = join(benchDir, 'results', 'tmp');
  mkdirSync(tmp, { recursive: true });
  const def = join(tmp, 'api.json');
  writeFileSync(def, readFileSync(join(benchDir, 'api.json'), 'utf8').replaceAll('{{BACKEND_PORT}}', String(backendPort)));
  return def;
}

/**
 * PUT then GET `size` bytes through a fresh server per size: idle RSS after one
 * probe of each, then peak RSS under `binaryConnections` requests in flight.
 */
async function binaryRuns(o, results, target, size, start) {
  const payload = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4096) payload[i] = (i / 4096) & 0xff; // non-uniform bytes
  let gw;
  try {
    gw = await start();
  } catch (err) {
    results.binary.runs.push({ target, direction: 'PUT+GET', payloadBytes: size, skipped: `restgate did not start (${err.summary ?? err.message.split('\n')[0]})` });
    return;
  }
  try {
    const url = gw.urlFor(`bench-${size}.bin`);
    const put = { method: 'PUT', headers: { 'content-type': 'application/octet-stream', accept: 'application/json' }, body: payload };
    const get = { method: 'GET', headers: { 'content-type': 'application/json', accept: 'application/octet-stream' } };
    const putBad = await probe(url, put);
    const getBad = await probe(url, get);
    const baseline = treeRss(gw.pid);
    for (const [direction, init, bad] of [
      ['PUT', put, putBad],
      ['GET', get, getBad],
    ]) {
      if (bad) {
        results.binary.runs.push({ target, direction, payloadBytes: size, skipped: bad });
        log(`binary: ${target} ${direction} ${size / 1e6} MB skipped — ${bad}`);
        continue;
      }
      log(`binary: ${target} ${direction} ${size / 1e6} MB × ${o.binaryConnections} connections`);
      const r = await measure({ url, ...init, pid: gw.pid, connections: o.binaryConnections, duration: o.binaryDuration, warmup: 0, sampleMs: 50 });
      const moved = direction === 'PUT' ? r.status['2xx'] * size : r.bytesRead;
      const growth = Math.max(0, r.rss.peak - baseline);
      results.binary.runs.push({
        ...stripSamples(r),
        target,
        direction,
        payloadBytes: size,
        idleRss: baseline,
        mbPerSecBytes: moved / (r.durationS || r.elapsedMs / 1000),
        growthPerInFlight: growth / o.binaryConnections,
        growthPerPayload: growth / o.binaryConnections / size,
      });
    }
  } finally {
    await gw.stop();
  }
}

async function runBinary(o, results) {
  const why = restgatePrereq();
  if (why) {
    results.binary = { skipped: `restgate ${why}` };
    log(`binary: skipped — ${results.binary.skipped}`);
    return;
  }
  const def = findImageApi();
  results.binary = { definition: def && relative(root, def), runs: [] };
  for (const sizeMB of o.sizesMB) {
    const size = Math.round(sizeMB * 1e6);
    // 1. The seed example: non-proxy Lambda, CONVERT_TO_TEXT upload, binary download.
    if (!def) results.binary.runs.push({ target: 'image-api', direction: 'PUT+GET', payloadBytes: size, skipped: 'examples/image-api has no definition yet' });
    else
      await binaryRuns(o, results, 'image-api', size, async () => {
        // The example's function stores images under IMAGE_DATA_DIR: keep them out of the tree.
        const gw = await startRestgate(def, { env: { IMAGE_DATA_DIR: join(benchDir, 'results', 'tmp', 'images') } });
        return { ...gw, urlFor: (key) => `${gw.base}/lambda?key=${key}` };
      });
    if (size > 4.5e6 && results.binary.runs.some((b) => b.target === 'image-api' && b.payloadBytes === size && b.skipped)) {
      results.notes.push(
        `binary: image-api ${sizeMB} MB did not succeed. Through the seed's non-proxy Lambda integration an upload travels as base64 in the event (~${((size * 4) / 3 / 1e6).toFixed(1)} MB), above Lambda's 6 MB invocation payload limit (aws-semantics §14), so it cannot succeed on API Gateway either; the RSS goal for 10 MB is measured on the HTTP_PROXY /blob route.`,
      );
    }
    // 2. The same bytes through an HTTP_PROXY route (bench/api.json /blob/{key}) to the local backend.
    await binaryRuns(o, results, 'HTTP_PROXY', size, async () => {
      const backend = await startProcess(node, [join(benchDir, 'backend-server.mjs')], { ready: (l) => /^LISTENING (\d+)/.exec(l)?.[1], label: 'HTTP backend' });
      try {
        const gw = await startRestgate(benchDefinition(backend.value), { functionsDir: join(benchDir, 'functions') });
        return {
          ...gw,
          urlFor: (key) => `${gw.base}/blob/${key}`,
          stop: async () => {
            await gw.stop();
            await backend.stop();
          },
        };
      } catch (err) {
        await backend.stop();
        throw err;
      }
    });
    // 3. A streaming function behind AWS_PROXY with responseTransferMode STREAM (bench/api.json
    // /stream/{key}, bench/functions/stream.mjs): GET only; a PUT of this size is over Lambda's limit.
    await binaryRuns(o, results, 'Lambda STREAM', size, async () => {
      const gw = await startRestgate(benchDefinition(9), { functionsDir: join(benchDir, 'functions') });
      return { ...gw, urlFor: (key) => `${gw.base}/stream/${key}` };
    });
  }
}

async function runStartup(o, results) {
  const why = restgatePrereq();
  if (why) {
    results.startup = { skipped: `restgate ${why}` };
    log(`startup: skipped — restgate ${why}`);
    return;
  }
  // The HTTP_PROXY routes are not requested here; any port will do.
  const tmpDef = benchDefinition(9);
  const startup = [];
  const cold = [];
  const warm = [];
  let failure;
  for (let i = 0; i < o.startupRuns; i++) {
    const t0 = performance.now();
    let gw;
    try {
      gw = await startRestgate(tmpDef, { functionsDir: join(benchDir, 'functions') });
      // First answered request: the MOCK route (no function involved).
      let answered;
      let lastAnswer = 'no answer from GET /mock';
      for (let tries = 0; tries < 400 && !answered; tries++) {
        try {
          const r = await fetchOnce(`${gw.base}/mock`, { headers: { accept: 'application/json' } });
          if (r.status === 200) answered = performance.now();
          else lastAnswer = `GET /mock answered ${r.status}`;
        } catch {
          await new Promise((res) => setTimeout(res, 5));
        }
      }
      if (!answered) throw new Error(lastAnswer);
      startup.push(answered - t0);
      // Cold start of a fresh function, then warm sequential requests.
      const first = await fetchOnce(`${gw.base}/proxy/1`);
      if (first.status !== 200) throw new Error(`GET /proxy/1 answered ${first.status}: ${first.body.toString().slice(0, 120)}`);
      const warms = [];
      for (let k = 0; k < 15; k++) warms.push((await fetchOnce(`${gw.base}/proxy/1`)).ms);
      const w = median(warms);
      warm.push(w);
      cold.push(first.ms - w);
    } catch (err) {
      failure = err.summary ?? err.message.split('\n')[0];
      break;
    } finally {
      if (gw) await gw.stop();
    }
  }
  if (!startup.length) {
    results.startup = { skipped: failure };
    log(`startup: skipped — ${failure}`);
    return;
  }
  const stats = (a) => ({ median: median(a), min: Math.min(...a), max: Math.max(...a), all: a });
  results.startup = { runs: startup.length, startupMs: stats(startup), coldStartMs: stats(cold.length ? cold : [NaN]), warmMs: stats(warm.length ? warm : [NaN]), failure };
  log(`startup: median ${results.startup.startupMs.median.toFixed(0)} ms, cold start median ${results.startup.coldStartMs.median.toFixed(1)} ms`);
}

async function runRender(o, results) {
  log('render: restgate VTL vs velocityjs');
  const r = spawnSync(node, [join(benchDir, 'render-bench.mjs'), '--ms', String(o.renderMs)], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  const line = (r.stdout || '').trim().split('\n').pop();
  try {
    results.render = JSON.parse(line);
    for (const c of results.render.cases) {
      // Keep the outputs short in the JSON (they are for eyeballing differences).
      for (const k of ['restgateOutput', 'velocityjsOutput']) if (typeof c[k] === 'string' && c[k].length > 400) c[k] = `${c[k].slice(0, 400)}…`;
    }
    if (!results.render.restgateAvailable) results.notes.push(`render: restgate's engine not available (${results.render.restgateError}); velocityjs figures only.`);
  } catch {
    results.render = { skipped: `render bench failed: ${(r.stderr || r.error?.message || 'no output').split('\n').slice(0, 3).join(' ')}` };
  }
}

async function ensurePeerInstalled(results) {
  const peers = join(benchDir, 'peers');
  if (existsSync(join(peers, 'node_modules', 'serverless-offline', 'package.json')) && existsSync(join(peers, 'node_modules', 'serverless', 'bin', 'serverless.js'))) return undefined;
  log('peer: installing serverless 3 + serverless-offline 13 into bench/peers (first use: npm ci --prefix bench/peers) …');
  results.notes.push('peer: installed bench/peers with npm ci on first use.');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--prefix', peers, '--no-audit', '--no-fund'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) return `npm ci --prefix bench/peers failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ')}`;
  return undefined;
}

async function runPeer(o, results) {
  const peers = join(benchDir, 'peers');
  const failed = await ensurePeerInstalled(results);
  if (failed) {
    results.peer = { skipped: failed };
    log(`peer: skipped — ${failed}`);
    return;
  }
  const version = JSON.parse(readFileSync(join(peers, 'node_modules', 'serverless-offline', 'package.json'), 'utf8')).version;
  const slsVersion = JSON.parse(readFileSync(join(peers, 'node_modules', 'serverless', 'package.json'), 'utf8')).version;
  const [httpPort, lambdaPort, websocketPort] = [await freePort(), await freePort(), await freePort()];
  let srv;
  let paired;
  try {
    srv = await startProcess(
      node,
      [join(peers, 'node_modules', 'serverless', 'bin', 'serverless.js'), 'offline', 'start', '--useInProcess', '--host', '127.0.0.1', '--httpPort', String(httpPort), '--lambdaPort', String(lambdaPort), '--websocketPort', String(websocketPort)],
      {
        cwd: peers,
        ready: (l) => /Server ready/.test(l),
        timeoutMs: 60_000,
        label: 'serverless offline',
        env: { SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', SLS_DEPRECATION_DISABLE: '*', SLS_INTERACTIVE_SETUP_DISABLE: '1', CI: '1' },
      },
    );
  } catch (err) {
    results.peer = { skipped: `serverless-offline did not start: ${err.message.split('\n')[0]}` };
    results.notes.push(`peer start failure output:\n${err.message}`);
    log(`peer: skipped — ${results.peer.skipped}`);
    return;
  }
  try {
    log(`peer: serverless-offline ${version} (serverless ${slsVersion}) --useInProcess at :${httpPort}, ready in ${srv.readyMs.toFixed(0)} ms`);
    results.peer = { version, serverlessVersion: slsVersion, mode: 'useInProcess', readyMs: srv.readyMs };
    const base = `http://127.0.0.1:${httpPort}/bench`;
    paired = await pairedCeiling(o);
    const routes = {
      proxy: { url: `${base}/proxy/42` },
      custom: { url: `${base}/custom/42`, method: 'POST', headers: jsonHeaders, body: customBody },
    };
    for (const [name, r] of Object.entries(routes)) {
      const bad = await probe(r.url, { method: r.method, headers: r.headers, body: r.body });
      if (bad) {
        results.peer[name] = { skipped: bad };
        continue;
      }
      log(`peer: ${name}`);
      results.peer[name] = await measureRoute(o, paired, { url: r.url, method: r.method, headers: r.headers, body: r.body, pid: srv.pid });
    }
  } finally {
    await paired?.stop();
    await srv.stop();
  }
}

async function runSoak(o, results, startedAt) {
  const proxy = results.routes?.proxy;
  const rate = proxy && !proxy.skipped ? proxy.reqPerSecTotal : undefined;
  const elapsedS = (Date.now() - startedAt) / 1000;
  const estimateS = rate ? o.soakRequests / rate + 5 : undefined;
  if (o.soak === 'never') {
    results.soak = { skipped: 'not run (--no-soak)' };
    return;
  }
  const why = restgatePrereq();
  if (why) {
    results.soak = { skipped: `restgate ${why}` };
    return;
  }
  if (!rate && results.routesSkipped) {
    results.soak = { skipped: `restgate routes unavailable (${results.routesSkipped})` };
    log(`soak: skipped — ${results.soak.skipped}`);
    return;
  }
  if (o.soak === 'if-fits' && (estimateS === undefined || elapsedS + estimateS > o.budgetS)) {
    results.soak = {
      skipped:
        estimateS === undefined
          ? 'no proxy-route rate measured to size it; run with --soak'
          : `${o.soakRequests} requests would take ~${estimateS.toFixed(0)} s, over the ${o.budgetS} s budget (elapsed ${elapsedS.toFixed(0)} s); run with --soak`,
    };
    log(`soak: skipped — ${results.soak.skipped}`);
    return;
  }
  const tmpDef = benchDefinition(9);
  const gw = await startRestgate(tmpDef, { functionsDir: join(benchDir, 'functions') });
  try {
    const url = `${gw.base}/proxy/7`;
    const bad = await probe(url);
    if (bad) {
      results.soak = { skipped: bad };
      return;
    }
    log(`soak: ${o.soakRequests} requests on the proxy route${estimateS ? ` (~${estimateS.toFixed(0)} s)` : ''}`);
    const r = await measure({ url, pid: gw.pid, connections: o.connections, amount: o.soakRequests, warmup: 0, sampleMs: 200 });
    // Early RSS: median over 10–20 % of the run (past warm-up); end: median over the last 10 %.
    const samples = r.rss.samples;
    const total = samples.at(-1)[0] || 1;
    const win = (a, b) => median(samples.filter(([t]) => t >= a * total && t <= b * total).map((s) => s[1]));
    const rssEarly = win(0.1, 0.2);
    const rssMid = win(0.45, 0.55);
    const rssEnd = win(0.9, 1);
    results.soak = {
      ...r,
      requested: o.soakRequests,
      rssEarly,
      rssMid,
      rssEnd,
      rssChange: (rssEnd - rssEarly) / rssEarly,
      // Growth that stops (heaps sizing up) versus growth that goes on (a leak).
      rssChangeSecondHalf: (rssEnd - rssMid) / rssMid,
      rss: { ...r.rss, samples: r.rss.samples.filter((_, i) => i % 5 === 0) },
    };
  } finally {
    await gw.stop();
  }
}

function writeOutputs(results, outDir) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, 'latest.md'), markdownReport(results));
  writeFileSync(join(outDir, 'chart.svg'), svgChart(results));
}

/**
 * Warm invocation overhead: one keep-alive connection, one request at a time, after a
 * warm-up, against the ceiling and against restgate's proxy route and Lambda Invoke API
 * (same function). What restgate adds to one warm call is the difference of the median
 * latencies (the ceiling calls the handler in-process, so that is everything: routing,
 * the event, the hop to the isolated instance and back, response validation).
 */
async function runWarm(o, results) {
  const why = restgatePrereq();
  if (why) {
    results.warm = { skipped: `restgate ${why}` };
    return;
  }
  const sequential = (url, init = {}) => measure({ url, ...init, connections: 1, duration: o.warmDuration, warmup: Math.min(1, o.warmup || 1) });
  const summary = (r) => ({ reqPerSec: r.reqPerSecTotal, p50: r.latencyMs.p50, mean: r.latencyMs.mean, p99: r.latencyMs.p99, non2xx: r.requests - r.status['2xx'] });
  const warm = {};
  const { srv, url: ceilingUrl } = await startCeiling('ceiling server');
  try {
    warm.ceiling = summary(await sequential(ceilingUrl));
  } finally {
    await srv.stop();
  }
  let gw;
  try {
    gw = await startRestgate(benchDefinition(9), { functionsDir: join(benchDir, 'functions') });
    const proxyUrl = `${gw.base}/proxy/42`;
    const bad = await probe(proxyUrl);
    if (bad) {
      results.warm = { skipped: bad };
      return;
    }
    warm.proxy = summary(await sequential(proxyUrl));
    warm.invoke = summary(
      await sequential(`${gw.origin}/2015-03-31/functions/hello/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ httpMethod: 'GET', pathParameters: { id: '42' } }),
      }),
    );
  } catch (err) {
    results.warm = { skipped: err.summary ?? err.message.split('\n')[0] };
    return;
  } finally {
    if (gw) await gw.stop();
  }
  warm.overheadMs = { proxy: warm.proxy.p50 - warm.ceiling.p50, invoke: warm.invoke.p50 - warm.ceiling.p50 };
  results.warm = warm;
  log(`warm: ceiling p50 ${warm.ceiling.p50.toFixed(3)} ms, proxy +${warm.overheadMs.proxy.toFixed(3)} ms, Invoke API +${warm.overheadMs.invoke.toFixed(3)} ms`);
}

// ---- main ----------------------------------------------------------------------------
async function main() {
  const o = parseOptions(process.argv.slice(2));
  if (o.help) {
    console.log(HELP);
    return;
  }
  if (o.renderOnly) {
    const file = typeof o.renderOnly === 'string' ? o.renderOnly : join(o.out, 'latest.json');
    const results = JSON.parse(readFileSync(file, 'utf8'));
    results.goals = evaluateGoals(results);
    writeOutputs(results, dirname(file));
    console.log(textReport(results));
    return;
  }
  const startedAt = Date.now();
  const wants = (part) => !o.only || o.only.has(part);
  const results = {
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: machineInfo(),
    options: { quick: o.quick, connections: o.connections, duration: o.duration, warmup: o.warmup, sizesMB: o.sizesMB, binaryConnections: o.binaryConnections, binaryDuration: o.binaryDuration, startupRuns: o.startupRuns, renderMs: o.renderMs, warmDuration: o.warmDuration, soak: o.soak, soakRequests: o.soakRequests, budgetS: o.budgetS, peer: o.peer, profile: o.profile, only: o.only ? [...o.only] : undefined },
    notes: [],
  };
  log(`bench: ${results.machine.cpuModel}, ${results.machine.cores} cores, Node ${results.machine.node}${o.quick ? ' (quick run)' : ''}`);
  if (wants('ceiling')) results.ceiling = await runCeiling(o);
  if (wants('routes')) await runRoutes(o, results);
  if (wants('warm')) await runWarm(o, results);
  if (wants('binary')) await runBinary(o, results);
  if (wants('startup')) await runStartup(o, results);
  if (wants('render')) await runRender(o, results);
  if (wants('peer')) {
    if (o.peer) await runPeer(o, results);
    else results.peer = { skipped: 'not run (--no-peer)' };
  }
  if (wants('soak')) await runSoak(o, results, startedAt);
  if (results.ceiling?.rss?.cpuCores !== undefined && results.machine.cores <= 2) {
    results.notes.push(
      `ceiling: the bare server used ${results.ceiling.rss.cpuCores.toFixed(2)} cores; autocannon (same machine, ${results.machine.cores} cores) used much of the rest, so the ceiling is bounded by the load generator as much as by the server. The "server CPU" column shows what each server needed per run.`,
    );
  }
  results.elapsedMs = Date.now() - startedAt;
  results.machine.loadavgAtEnd = os.loadavg();
  results.goals = evaluateGoals(results);
  writeOutputs(results, o.out);
  console.log(textReport(results));
  log(`\nbench: wrote ${relative(root, join(o.out, 'latest.json'))}, latest.md, chart.svg in ${(results.elapsedMs / 1000).toFixed(0)} s`);
}

main().then(
  () => {
    killAll();
  },
  (err) => {
    killAll();
    console.error(`bench: ${err && err.stack ? err.stack : err}`);
    process.exitCode = 1;
  },
);
