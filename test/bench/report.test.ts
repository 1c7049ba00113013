// The benchmark's bookkeeping (bench/lib): goal evaluation, statistics, the
// Markdown/SVG rendering and the CPU-profile summary, on hand-made results.
// No load is generated and nothing is timed here.
import { describe, expect, it } from 'vitest';
import { evaluateGoals } from '../../bench/lib/goals.mjs';
import { summarize } from '../../bench/lib/load.mjs';
import { summarizeProfile } from '../../bench/lib/profile.mjs';
import { headline, markdownReport, svgChart, textReport } from '../../bench/lib/report.mjs';
import { median, percentiles } from '../../bench/lib/stats.mjs';

function run(reqPerSecTotal: number, p99: number, extra: Record<string, unknown> = {}) {
  return {
    reqPerSecTotal,
    requests: reqPerSecTotal * 7,
    latencyMs: { p50: p99 / 4, p90: p99 / 2, p99, max: p99 * 2, mean: p99 / 3, count: 10 },
    status: { '1xx': 0, '2xx': reqPerSecTotal * 7, '3xx': 0, '4xx': 0, '5xx': 0 },
    errors: 0,
    timeouts: 0,
    rss: { peak: 100 * 1048576, start: 50 * 1048576, end: 60 * 1048576, cpuCores: 0.9 },
    ...extra,
  };
}

function results() {
  return {
    command: 'npm run bench',
    elapsedMs: 120_000,
    machine: { cpuModel: 'Test CPU', cores: 2, totalMemBytes: 24 * 1024 ** 3, node: 'v20.20.0', platform: 'Linux', date: '2026-01-01T00:00:00.000Z', loadavg: [1, 1, 1] },
    options: { quick: false, connections: 50, duration: 7, binaryConnections: 4 },
    notes: [],
    ceiling: run(10_000, 4),
    routes: {
      proxy: run(7_000, 6), // 70 % of the ceiling, p99 1.5x
      custom: run(4_000, 9), // 40 %, p99 2.25x
      mock: run(9_000, 8), // p99 exactly 2x
      http: { skipped: 'probe GET /bench/http answered 500: {"message": "Internal server error"}' },
    },
    peer: { version: '13.9.0', proxy: run(700, 30), custom: run(500, 50) },
    startup: { runs: 5, startupMs: { median: 250, min: 200, max: 300 }, coldStartMs: { median: 80, min: 60, max: 90 }, warmMs: { median: 1, min: 1, max: 2 } },
    binary: {
      runs: [
        { ...run(10, 100), target: 'HTTP_PROXY', direction: 'PUT', payloadBytes: 10e6, mbPerSecBytes: 1e8, growthPerInFlight: 25e6, growthPerPayload: 2.5 },
        { ...run(10, 100), target: 'HTTP_PROXY', direction: 'GET', payloadBytes: 10e6, mbPerSecBytes: 1e8, growthPerInFlight: 31e6, growthPerPayload: 3.1 },
        { target: 'image-api', direction: 'PUT', payloadBytes: 10e6, skipped: 'probe PUT /v1/lambda answered 500' },
      ],
    },
    render: { restgateAvailable: true, geomeanRatio: 3.2, cases: [{ name: 'a <b> & c', restgate: { perSec: 3200 }, velocityjs: { perSec: 1000 }, ratio: 3.2, sameOutput: true }] },
    soak: { ...run(5_000, 10), requested: 200_000, rssEarly: 100, rssEnd: 109, rssChange: 0.09 },
  };
}

describe('bench goals', () => {
  it('marks each goal met, missed or not measured from the numbers of one run', () => {
    const goals = Object.fromEntries(evaluateGoals(results()).map((g) => [g.goal, g]));
    expect(goals['proxy route ≥ 60 % of ceiling req/s']).toMatchObject({ met: true, detail: '70 % (7000 vs 10000 req/s)' });
    expect(goals['custom integration route ≥ 45 % of ceiling req/s']).toMatchObject({ met: false, detail: '40 % (4000 vs 10000 req/s)' });
    expect(goals["proxy route p99 ≤ 2x ceiling's"]?.met).toBe(true);
    expect(goals["custom route p99 ≤ 2x ceiling's"]?.met).toBe(false);
    expect(goals["mock route p99 ≤ 2x ceiling's"]?.met).toBe(true);
    expect(goals["http route p99 ≤ 2x ceiling's"]).toMatchObject({ met: undefined, detail: 'not measured' });
    expect(goals['start-up ≤ 300 ms (command → first answered request, median)']).toMatchObject({ met: true, detail: '250 ms' });
    expect(goals['proxy route ≥ 10x serverless-offline --useInProcess req/s']).toMatchObject({ met: true, detail: '10.0x (7000 vs 700 req/s)' });
    expect(goals['custom route ≥ 10x serverless-offline --useInProcess req/s']?.met).toBe(false);
    const binary = goals['10 MB round trip RSS growth ≤ 3x payload per in-flight request'];
    expect(binary?.met).toBe(false); // worst of PUT 2.5x and GET 3.1x
    expect(binary?.detail).toContain('HTTP_PROXY GET 3.10x');
    expect(binary?.detail).toContain('image-api PUT not measured');
    expect(goals['RSS flat within 10 % across the soak']?.met).toBe(true);
    expect(goals['template rendering ≥ 3x velocityjs (geometric mean)']).toMatchObject({ met: true, detail: '3.20x' });
  });

  it('reports every goal as not measured when nothing ran', () => {
    const r = { ...results(), ceiling: undefined, routes: undefined, peer: undefined, startup: undefined, binary: undefined, render: undefined, soak: undefined };
    const goals = evaluateGoals(r);
    expect(goals).toHaveLength(12);
    expect(goals.every((g) => g.met === undefined)).toBe(true);
  });
});

describe('bench statistics', () => {
  it('takes nearest-rank percentiles of float response times', () => {
    const values = Array.from({ length: 200 }, (_, i) => (i + 1) / 10); // 0.1 … 20.0
    const p = percentiles(values);
    expect(p.p50).toBe(10);
    expect(p.p90).toBe(18);
    expect(p.p99).toBe(19.8);
    expect(p.max).toBe(20);
    expect(p.count).toBe(200);
    expect(p.mean).toBeCloseTo(10.05, 10);
    expect(percentiles([]).p99).toBeNaN();
  });

  it('takes medians of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('bench load bookkeeping', () => {
  it('merges the slices of an alternating (paired) measurement: totals, every latency, CPU weighted by time', () => {
    const slice = (requests: number, latencies: number[], cpuCores: number, elapsedMs: number) => ({
      res: { duration: elapsedMs / 1000, requests: { total: requests, average: requests }, throughput: { total: requests * 100 }, '1xx': 0, '2xx': requests - 1, '3xx': 0, '4xx': 0, '5xx': 1, errors: 0, timeouts: 1 },
      latencies,
      elapsedMs,
      rss: { peak: elapsedMs * 1000, start: 1, end: 2, cpuCores, samples: [[0, 1]] },
    });
    const m = summarize({ url: 'http://127.0.0.1:1/x', connections: 50 }, [slice(1000, [1, 2, 3], 1, 1000), slice(3000, [4, 5], 2, 3000)]);
    expect(m).toMatchObject({ method: 'GET', durationS: 4, elapsedMs: 4000, requests: 4000, reqPerSecTotal: 1000, bytesRead: 400_000, errors: 0, timeouts: 2 });
    expect(m.status).toEqual({ '1xx': 0, '2xx': 3998, '3xx': 0, '4xx': 0, '5xx': 2 });
    expect(m.latencyMs).toEqual({ p50: 3, p90: 5, p99: 5, max: 5, mean: 3, count: 5 });
    expect(m.rss).toMatchObject({ peak: 3_000_000, start: 1, end: 2, cpuCores: 1.75 });
    expect(m.okRatio).toBeCloseTo(3998 / 4000);
  });
});

describe('bench report', () => {
  it('writes the Markdown table with ratios to the ceiling, skip reasons and goals', () => {
    const r = results();
    const md = markdownReport({ ...r, goals: evaluateGoals(r) });
    expect(md).toContain('| restgate Lambda proxy (AWS_PROXY) | 7,000 | 10,000 | 70 % | 1.50 | 6.00 | 1.50x | 100.0 | 0.90 cores | 0 |  |');
    expect(md).toContain('skipped: probe GET /bench/http answered 500: {"message": "Internal server error"}');
    expect(md).toContain('- **MISSED** custom integration route ≥ 45 % of ceiling req/s: 40 % (4000 vs 10000 req/s)');
    expect(md).toContain('![req/s and p99 per route](chart.svg)');
    expect(headline(r)).toBe(
      'Headline: Lambda proxy 70 % of ceiling req/s, p99 1.50x, 10x serverless-offline; custom integration 40 % of ceiling req/s, p99 2.25x, 8.00x serverless-offline; MOCK 90 % of ceiling req/s, p99 2.00x; start-up 250 ms; templates 3.20x velocityjs.',
    );
    expect(textReport({ ...r, goals: evaluateGoals(r) })).toContain('MET     proxy route ≥ 60 % of ceiling req/s: 70 %');
  });

  it('compares each route with the ceiling run paired with it, when there is one', () => {
    // The machine slowed down during the run: the first ceiling ran at 10,000 req/s, the one just
    // before the proxy route at 8,750 (p99 5 ms); the proxy route's ratios use the latter.
    const r = results();
    r.routes.proxy = { ...run(7_000, 6), ceiling: run(8_750, 5) } as typeof r.routes.proxy;
    const goals = Object.fromEntries(evaluateGoals(r).map((g) => [g.goal, g]));
    expect(goals['proxy route ≥ 60 % of ceiling req/s']).toMatchObject({ met: true, detail: '80 % (7000 vs 8750 req/s)' });
    expect(goals["proxy route p99 ≤ 2x ceiling's"]).toMatchObject({ met: true, detail: '6.00 ms vs ceiling 5.00 ms (1.20x)' });
    // custom has no paired run: the first ceiling
    expect(goals['custom integration route ≥ 45 % of ceiling req/s']).toMatchObject({ met: false, detail: '40 % (4000 vs 10000 req/s)' });
    expect(headline(r)).toMatch(/^Headline: Lambda proxy 80 % of ceiling req\/s, p99 1\.20x, 10x serverless-offline; custom integration 40 % /);
    const md = markdownReport({ ...r, goals: evaluateGoals(r) });
    expect(md).toContain('| restgate Lambda proxy (AWS_PROXY) | 7,000 | 8,750 | 80 % | 1.50 | 6.00 | 1.20x |');
    expect(md).toContain('| ceiling (bare node:http, same handler) | 10,000 |  | 100 % |');
  });

  it('takes a paired route share as the median of its round-by-round ratios, so one stalled round does not move it', () => {
    // Seven rounds near 55 % and one where the ceiling's slice stalled (the route then looks like
    // 95 %): totals would say 62 %, the rounds' median says 55 %.
    const r = results();
    r.routes.proxy = { ...run(6_200, 6), ceiling: run(10_000, 5), pairedRatios: [0.55, 0.54, 0.95, 0.56, 0.55, 0.53, 0.56] } as typeof r.routes.proxy;
    const goals = Object.fromEntries(evaluateGoals(r).map((g) => [g.goal, g]));
    expect(goals['proxy route ≥ 60 % of ceiling req/s']).toMatchObject({ met: false, detail: '55 % (median of 7 paired rounds; totals 6200 vs 10000 req/s)' });
    expect(headline(r)).toMatch(/^Headline: Lambda proxy 55 % of ceiling req\/s, p99 1\.20x,/);
    const md = markdownReport({ ...r, goals: evaluateGoals(r) });
    expect(md).toContain('| restgate Lambda proxy (AWS_PROXY) | 6,200 | 10,000 | 55 % | 1.50 | 6.00 | 1.20x | 100.0 | 0.90 cores | 0 | rounds 53 %–95 % |');
    // An even count: the mean of the middle two; a single round has no spread to show.
    r.routes.proxy = { ...run(6_200, 6), ceiling: run(10_000, 5), pairedRatios: [0.5, 0.6, 0.7, 0.8] } as typeof r.routes.proxy;
    expect(headline(r)).toMatch(/^Headline: Lambda proxy 65 % /);
    r.routes.proxy = { ...run(6_200, 6), ceiling: run(10_000, 5), pairedRatios: [0.58] } as typeof r.routes.proxy;
    expect(markdownReport({ ...r, goals: [] })).toContain('| 58 % | 1.50 | 6.00 | 1.20x | 100.0 | 0.90 cores | 0 |  |');
  });

  it('shows the noise floor: the ceiling against itself, paired as a route is, in the table, the goals and the headline, not in the chart', () => {
    const r = results();
    r.routes.proxy = { ...run(6_200, 6), ceiling: run(10_000, 5), pairedRatios: [0.6, 0.62, 0.58] } as typeof r.routes.proxy;
    const calibration = { ...run(9_000, 5), ceiling: run(10_000, 5), pairedRatios: [0.85, 0.92, 1.1] };
    const withFloor = { ...r, calibration };
    const goals = Object.fromEntries(evaluateGoals(withFloor).map((g) => [g.goal, g]));
    expect(goals['proxy route ≥ 60 % of ceiling req/s']).toMatchObject({
      met: true,
      detail: '60 % (median of 3 paired rounds; totals 6200 vs 10000 req/s; the ceiling against itself, paired the same way: 92 %)',
    });
    const md = markdownReport({ ...withFloor, goals: [] });
    expect(md).toContain('| ceiling again, paired (noise floor) | 9,000 | 10,000 | 92 % | 1.25 | 5.00 | 1.00x | 100.0 | 0.90 cores | 0 | rounds 85 %–110 % |');
    expect(headline(withFloor)).toContain('; the ceiling against itself 92 % (this run\'s noise floor);');
    expect(svgChart(withFloor).match(/<rect x="\d[^>]*><title>/g)).toHaveLength(12); // as without it
    expect(svgChart(withFloor)).not.toContain('noise floor');
    // Skipped: a row saying so, nothing in the goals.
    const skipped = { ...r, calibration: { skipped: 'probe GET /bench/proxy/42 failed: ECONNREFUSED' } };
    expect(markdownReport({ ...skipped, goals: [] })).toContain('| ceiling again, paired (noise floor) | – |');
    expect(evaluateGoals(skipped).find((g) => g.goal.startsWith('proxy route ≥'))?.detail).toBe('60 % (median of 3 paired rounds; totals 6200 vs 10000 req/s)');
  });

  it('shows the warm-invocation overhead: sequential calls on one connection, p50 over the ceiling', () => {
    const seq = (reqPerSec: number, p50: number) => ({ reqPerSec, p50, mean: p50 * 1.2, p99: p50 * 4, non2xx: 0 });
    const r = { ...results(), warm: { ceiling: seq(14_000, 0.05), proxy: seq(4_000, 0.2), invoke: seq(6_000, 0.125), overheadMs: { proxy: 0.15, invoke: 0.075 } } };
    const md = markdownReport({ ...r, goals: evaluateGoals(r) });
    expect(md).toContain('| restgate Lambda proxy (AWS_PROXY) | 4,000 | 0.200 | 0.240 | 0.800 | +0.150 | 0 |');
    expect(md).toContain('| restgate Lambda Invoke API | 6,000 | 0.125 | 0.150 | 0.500 | +0.075 | 0 |');
    expect(headline(r)).toContain('; warm call +0.150 ms over the ceiling (proxy, p50);');
    const skipped = markdownReport({ ...r, warm: { skipped: 'probe GET /bench/proxy/42 answered 502' }, goals: [] });
    expect(skipped).toContain('skipped: probe GET /bench/proxy/42 answered 502');
  });

  it('draws one bar per measured route in each panel, escapes text, and marks skipped routes', () => {
    const svg = svgChart(results());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    // ceiling, proxy, custom, mock, 2 peer rows measured → 6 bars per panel, 2 panels
    expect(svg.match(/<rect x="\d[^>]*><title>/g)).toHaveLength(12);
    expect(svg).toContain('<title>restgate Lambda proxy (AWS_PROXY): 7,000</title>');
    expect(svg.match(/>skipped</g)).toHaveLength(2); // http route in both panels
    const withAmp = results();
    withAmp.machine.cpuModel = 'CPU <fast> & "new"';
    expect(svgChart(withAmp)).toContain('CPU &lt;fast&gt; &amp; &quot;new&quot;');
  });
});

describe('bench CPU profile summary', () => {
  it('ranks self time by function and file and names the callers', () => {
    const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '0' });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '', -1), children: [2] },
        { id: 2, callFrame: frame('serve', 'file:///repo/dist/server/index.js', 9), children: [3, 4] },
        { id: 3, callFrame: frame('render', 'file:///repo/dist/vtl/index.js', 19), children: [] },
        { id: 4, callFrame: frame('send', 'node:internal/child_process', 99), children: [5] },
        { id: 5, callFrame: frame('writeUtf8String', '', -1), children: [] },
      ],
      samples: [3, 5, 5, 5, 2],
      timeDeltas: [1000, 2000, 2000, 2000, 1000],
    };
    const s = summarizeProfile(profile, '/repo/');
    expect(s.totalMs).toBe(8);
    expect(s.functions[0]).toEqual({ what: 'writeUtf8String (native)', ms: 6, share: 0.75, via: 'send node:internal/child_process:100 < serve dist/server/index.js:10' });
    expect(s.functions.map((f) => f.what)).toEqual(['writeUtf8String (native)', 'render dist/vtl/index.js:20', 'serve dist/server/index.js:10']);
    expect(s.files[0]).toEqual({ what: '(native)', ms: 6, share: 0.75 });
  });
});
