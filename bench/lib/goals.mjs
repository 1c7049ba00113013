// The benchmark's goals (tracked, never failing anything), evaluated from a
// results object. met: true / false, or undefined when not measured.

import { ceilingFor, shareOfCeiling } from './report.mjs';

export function evaluateGoals(results) {
  const goals = [];
  const route = (k) => (results.routes?.[k] && !results.routes[k].skipped ? results.routes[k] : undefined);
  const add = (goal, met, detail) => goals.push({ goal, met, detail });
  const pct = (n) => `${(n * 100).toFixed(0)} %`;
  for (const [k, label, min] of [
    ['proxy', 'proxy route ≥ 60 % of ceiling req/s', 0.6],
    ['custom', 'custom integration route ≥ 45 % of ceiling req/s', 0.45],
  ]) {
    const r = route(k);
    const c = ceilingFor(results, r);
    if (!c || !r) add(label, undefined, 'not measured');
    else {
      const share = shareOfCeiling(results, r);
      const how = Array.isArray(r.pairedRatios) && r.pairedRatios.length > 0 ? `median of ${r.pairedRatios.length} paired rounds; totals ` : '';
      const cal = results.calibration && !results.calibration.skipped ? shareOfCeiling(results, results.calibration) : undefined;
      const floor = cal === undefined ? '' : `; the ceiling against itself, paired the same way: ${pct(cal)}`;
      add(label, share >= min, `${pct(share)} (${how}${Math.round(r.reqPerSecTotal)} vs ${Math.round(c.reqPerSecTotal)} req/s${floor})`);
    }
  }
  for (const k of ['proxy', 'custom', 'mock', 'http']) {
    const r = route(k);
    const label = `${k} route p99 ≤ 2x ceiling's`;
    const c = ceilingFor(results, r);
    if (!c || !r) add(label, undefined, 'not measured');
    else add(label, r.latencyMs.p99 <= 2 * c.latencyMs.p99, `${r.latencyMs.p99.toFixed(2)} ms vs ceiling ${c.latencyMs.p99.toFixed(2)} ms (${(r.latencyMs.p99 / c.latencyMs.p99).toFixed(2)}x)`);
  }
  const s = results.startup && !results.startup.skipped ? results.startup : undefined;
  add('start-up ≤ 300 ms (command → first answered request, median)', s ? s.startupMs.median <= 300 : undefined, s ? `${s.startupMs.median.toFixed(0)} ms` : 'not measured');
  for (const k of ['proxy', 'custom']) {
    const r = route(k);
    const p = results.peer?.[k] && !results.peer[k].skipped ? results.peer[k] : undefined;
    const label = `${k} route ≥ 10x serverless-offline --useInProcess req/s`;
    if (!r || !p) add(label, undefined, 'not measured');
    else add(label, r.reqPerSecTotal / p.reqPerSecTotal >= 10, `${(r.reqPerSecTotal / p.reqPerSecTotal).toFixed(1)}x (${Math.round(r.reqPerSecTotal)} vs ${Math.round(p.reqPerSecTotal)} req/s)`);
  }
  {
    const label = '10 MB round trip RSS growth ≤ 3x payload per in-flight request';
    const all = (results.binary?.runs ?? []).filter((b) => Math.abs(b.payloadBytes - 10e6) < 1);
    const measured = all.filter((b) => !b.skipped);
    if (!measured.length) add(label, undefined, all.length ? all.map((b) => `${b.target} ${b.direction}: ${b.skipped}`).join('; ') : 'not measured');
    else {
      const worst = Math.max(...measured.map((b) => b.growthPerPayload));
      const missing = all.filter((b) => b.skipped).map((b) => `${b.target} ${b.direction} not measured (${b.skipped.slice(0, 90)})`);
      add(label, worst <= 3, [...measured.map((b) => `${b.target} ${b.direction} ${b.growthPerPayload.toFixed(2)}x`), ...missing].join('; '));
    }
  }
  {
    const so = results.soak && !results.soak.skipped ? results.soak : undefined;
    add('RSS flat within 10 % across the soak', so ? so.rssChange <= 0.1 : undefined, so ? `${(so.rssChange * 100).toFixed(1)} % (${(so.rssEarly / 1048576).toFixed(1)} → ${(so.rssEnd / 1048576).toFixed(1)} MB over ${so.requests} requests${Number.isFinite(so.rssChangeSecondHalf) ? `; second half alone ${(so.rssChangeSecondHalf * 100).toFixed(1)} %` : ''})` : results.soak?.skipped ?? 'not measured');
  }
  {
    const r = results.render && !results.render.skipped ? results.render : undefined;
    add('template rendering ≥ 3x velocityjs (geometric mean)', r?.geomeanRatio !== undefined ? r.geomeanRatio >= 3 : undefined, r?.geomeanRatio !== undefined ? `${r.geomeanRatio.toFixed(2)}x` : (r?.restgateError ?? results.render?.skipped ?? 'not measured'));
  }
  return goals;
}
