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

/**
 * Runs one load scenario against `url`: a warm-up (not measured), then the
 * measured run while sampling the server's RSS (pid). Either `duration`
 * seconds or `amount` requests.
 */
export async function measure({ url, pid, method = 'GET', headers = {}, body, connections, duration, amount, warmup = 1, pipelining = 1, sampleMs = 100 }) {
  assertLoopback(url);
  const common = { url, method, headers, body, connections, pipelining };
  if (warmup > 0) await runCannon({ ...common, duration: warmup });
  const sampler = pid ? sampleRss(pid, sampleMs) : undefined;
  const started = Date.now();
  const latencies = [];
  const res = await runCannon(amount ? { ...common, amount } : { ...common, duration }, latencies);
  const elapsedMs = Date.now() - started;
  const rss = sampler ? sampler.stop() : undefined;
  const ok = res['2xx'];
  return {
    url,
    method,
    connections,
    durationS: res.duration,
    elapsedMs,
    requests: res.requests.total,
    reqPerSec: res.requests.average,
    // Mean over the run from totals (autocannon's per-second average ignores partial seconds).
    reqPerSecTotal: res.requests.total / (res.duration || elapsedMs / 1000),
    // All responses (any status), float milliseconds.
    latencyMs: percentiles(latencies),
    throughputBytesPerSec: res.throughput.average,
    bytesRead: res.throughput.total,
    status: { '1xx': res['1xx'], '2xx': ok, '3xx': res['3xx'], '4xx': res['4xx'], '5xx': res['5xx'] },
    errors: res.errors,
    timeouts: res.timeouts,
    okRatio: res.requests.total ? ok / res.requests.total : 0,
    rss: rss && { peak: rss.peak, start: rss.start, end: rss.end, cpuCores: rss.cpuCores, samples: rss.samples },
  };
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
