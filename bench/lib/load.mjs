// Load generation with autocannon's programmatic API (runs in the bench
// process; servers under test run in their own processes).
import autocannon from 'autocannon';
import { request } from 'node:http';
import { sampleRss } from './proc.mjs';
import { percentiles } from './stats.mjs';

function assertLoopback(url) {
  const host = new URL(url).hostname;
  if (!/^127\.\d+\.\d+\.\d+$/.test(host) && host !== 'localhost' && host !== '[::1]') {
    throw new Error(`bench sends traffic only to loopback addresses, not ${host}`);
  }
}

// autocannon's own histogram keeps whole milliseconds; the 'response' event
// carries the float response time, so percentiles are computed from that.
function runCannon(opts, latencies) {
  return new Promise((resolve, reject) => {
    const inst = autocannon({ ...opts, timeout: opts.timeout ?? 30 }, (err, res) => (err ? reject(err) : resolve(res)));
    inst.on('error', reject);
    if (latencies) inst.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

/** One measured autocannon run against `target`, sampling the server's RSS and CPU (target.pid). */
async function measuredRun(target, run, sampleMs) {
  const { url, method = 'GET', headers = {}, body, pid, connections, pipelining = 1 } = target;
  const sampler = pid ? sampleRss(pid, sampleMs) : undefined;
  const started = Date.now();
  const latencies = [];
  const res = await runCannon({ url, method, headers, body, connections, pipelining, ...run }, latencies);
  return { res, latencies, elapsedMs: Date.now() - started, rss: sampler?.stop() };
}

/** measure()'s result from one or more measured runs against the same target (totals, all latencies). */
export function summarize(target, runs) {
  const sum = (f) => runs.reduce((n, r) => n + f(r), 0);
  const durationS = sum((r) => r.res.duration || r.elapsedMs / 1000);
  const requests = sum((r) => r.res.requests.total);
  const ok = sum((r) => r.res['2xx']);
  const latencies = runs.length === 1 ? runs[0].latencies : runs.flatMap((r) => r.latencies);
  const rss = runs.every((r) => r.rss) ? runs.map((r) => r.rss) : undefined;
  return {
    url: target.url,
    method: target.method ?? 'GET',
    connections: target.connections,
    durationS,
    elapsedMs: sum((r) => r.elapsedMs),
    requests,
    reqPerSec: runs.length === 1 ? runs[0].res.requests.average : requests / durationS,
    // Mean over the run from totals (autocannon's per-second average ignores partial seconds).
    reqPerSecTotal: requests / durationS,
    // All responses (any status), float milliseconds.
    latencyMs: percentiles(latencies),
    throughputBytesPerSec: sum((r) => r.res.throughput.total) / durationS,
    bytesRead: sum((r) => r.res.throughput.total),
    status: Object.fromEntries(['1xx', '2xx', '3xx', '4xx', '5xx'].map((k) => [k, sum((r) => r.res[k])])),
    errors: sum((r) => r.res.errors),
    timeouts: sum((r) => r.res.timeouts),
    okRatio: requests ? ok / requests : 0,
    rss: rss && {
      peak: Math.max(...rss.map((x) => x.peak)),
      start: rss[0].start,
      end: rss.at(-1).end,
      // cores busy on average over the measured time
      cpuCores: rss.every((x) => x.cpuCores !== undefined) ? runs.reduce((n, r, i) => n + rss[i].cpuCores * r.elapsedMs, 0) / sum((r) => r.elapsedMs) : undefined,
      samples: rss.flatMap((x) => x.samples),
    },
  };
}

/**
 * Runs one load scenario against `url`: a warm-up (not measured), then the
 * measured run while sampling the server's RSS (pid). Either `duration`
 * seconds or `amount` requests.
 */
export async function measure({ url, pid, method = 'GET', headers = {}, body, connections, duration, amount, warmup = 1, pipelining = 1, sampleMs = 100 }) {
  assertLoopback(url);
  const target = { url, pid, method, headers, body, connections, pipelining };
  if (warmup > 0) await runCannon({ url, method, headers, body, connections, pipelining, duration: warmup });
  return summarize(target, [await measuredRun(target, amount ? { amount } : { duration }, sampleMs)]);
}

/**
 * Two targets measured in alternation — `rounds` slices of duration/rounds
 * seconds each, after one warm-up of each, a then b in even rounds and b then
 * a in odd ones (a drift within a round then favours neither) — so both see
 * the same machine even when its speed drifts within seconds (the bench
 * compares each route with the ceiling this way). Targets: { url, pid,
 * method, headers, body }. Returns { a, b } in measure()'s shape, over all
 * slices, and `ratios`: b's req/s over a's, round by round.
 */
export async function measurePaired({ a, b, connections, duration, warmup = 1, rounds = 7, sampleMs = 100 }) {
  const targets = [a, b].map((t) => ({ ...t, method: t.method ?? 'GET', headers: t.headers ?? {}, connections, pipelining: 1 }));
  for (const t of targets) {
    assertLoopback(t.url);
    if (warmup > 0) await runCannon({ url: t.url, method: t.method, headers: t.headers, body: t.body, connections, duration: warmup });
  }
  const runs = [[], []];
  for (let i = 0; i < rounds; i++) {
    for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) runs[k].push(await measuredRun(targets[k], { duration: duration / rounds }, sampleMs));
  }
  const rps = (r) => r.res.requests.total / (r.res.duration || r.elapsedMs / 1000);
  const ratios = runs[1].map((r, i) => rps(r) / rps(runs[0][i]));
  return { a: summarize(targets[0], runs[0]), b: summarize(targets[1], runs[1]), ratios };
}

/** One request with node:http; resolves { status, headers, body: Buffer, ms }. */
export function fetchOnce(url, { method = 'GET', headers = {}, body, timeoutMs = 10_000 } = {}) {
  assertLoopback(url);
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request(url, { method, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), ms: Number(process.hrtime.bigint() - t0) / 1e6 }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
