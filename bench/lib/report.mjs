// Turns the benchmark's JSON into the printed table, the Markdown report and
// the SVG chart. Pure functions of the results object (no I/O), so a results
// file can be re-rendered: `node bench/run.mjs --render-only [file]`.

import { median } from './stats.mjs';

const MB = 1024 * 1024;

export const fmt = {
  int: (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–'),
  ms: (n) => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)) : '–'),
  /** Sub-millisecond latencies: three decimals. */
  ms3: (n) => (Number.isFinite(n) ? (n >= 10 ? n.toFixed(1) : n.toFixed(3)) : '–'),
  pct: (n) => (Number.isFinite(n) ? `${(n * 100).toFixed(0)} %` : '–'),
  x: (n) => (Number.isFinite(n) ? `${n >= 10 ? n.toFixed(0) : n.toFixed(2)}x` : '–'),
  mb: (bytes) => (Number.isFinite(bytes) ? (bytes / MB).toFixed(1) : '–'),
  cores: (n) => (Number.isFinite(n) ? `${n.toFixed(2)} cores` : '–'),
  mbps: (n) => (Number.isFinite(n) ? (n / MB).toFixed(1) : '–'),
};

/**
 * The ceiling a route is compared with: the ceiling run measured just before
 * that route (`r.ceiling`, paired), else the run's first ceiling. Pairing keeps
 * the ratio honest when the machine's speed drifts during the run.
 */
export function ceilingFor(results, r) {
  if (r?.ceiling && !r.ceiling.skipped) return r.ceiling;
  return results.ceiling && !results.ceiling.skipped ? results.ceiling : undefined;
}

/**
 * A route's req/s as a share of its ceiling's. Paired (r.pairedRatios): the median of the
 * round-by-round ratios, so a round in which the machine stalled for one of the two does not
 * move the figure; otherwise (and for results written before rounds were kept) totals over totals.
 */
export function shareOfCeiling(results, r) {
  if (!r || r.skipped) return undefined;
  if (Array.isArray(r.pairedRatios) && r.pairedRatios.length > 0 && r.ceiling && !r.ceiling.skipped) return median(r.pairedRatios);
  const c = ceilingFor(results, r);
  return c ? r.reqPerSecTotal / c.reqPerSecTotal : undefined;
}

/** The lowest and highest round-by-round ratio of a paired route, or undefined. */
export function roundSpread(r) {
  const v = r?.pairedRatios;
  return Array.isArray(v) && v.length > 1 ? [Math.min(...v), Math.max(...v)] : undefined;
}

/** The rows of the main comparison: ceiling, restgate routes, peer routes. */
export function routeRows(results) {
  const rows = [];
  const ceiling = results.ceiling;
  const push = (group, name, r) => {
    if (!r) return;
    if (r.skipped) {
      rows.push({ group, name, skipped: r.skipped });
      return;
    }
    const c = group === 'ceiling' ? undefined : ceilingFor(results, r);
    rows.push({
      group,
      name,
      rps: r.reqPerSecTotal,
      ofCeiling: group === 'ceiling' ? 1 : shareOfCeiling(results, r),
      spread: group === 'ceiling' ? undefined : roundSpread(r),
      pairedCeilingRps: group === 'ceiling' ? undefined : c?.reqPerSecTotal,
      p50: r.latencyMs.p50,
      p99: r.latencyMs.p99,
      p99xCeiling: group === 'ceiling' ? 1 : c ? r.latencyMs.p99 / c.latencyMs.p99 : undefined,
      peakRss: r.rss?.peak,
      cpuCores: r.rss?.cpuCores,
      okRatio: r.okRatio,
      non2xx: r.requests - r.status['2xx'],
      errors: r.errors + r.timeouts,
    });
  };
  push('ceiling', 'ceiling (bare node:http, same handler)', ceiling);
  if (results.calibration) push('calibration', 'ceiling again, paired (noise floor)', results.calibration);
  for (const [key, label] of [
    ['proxy', 'restgate Lambda proxy (AWS_PROXY)'],
    ['custom', 'restgate custom integration (AWS + templates)'],
    ['mock', 'restgate MOCK'],
    ['http', 'restgate HTTP_PROXY (local backend)'],
    ['invoke', 'restgate Lambda Invoke API (diagnostic)'],
  ]) {
    const r = results.routes?.[key];
    if (r || results.routesSkipped) push('restgate', label, r ?? { skipped: results.routesSkipped });
  }
  if (results.peer) {
    if (results.peer.skipped) rows.push({ group: 'peer', name: 'serverless-offline', skipped: results.peer.skipped });
    else {
      push('peer', `serverless-offline ${results.peer.version ?? ''} in-process: proxy`.replace('  ', ' '), results.peer.proxy);
      push('peer', `serverless-offline ${results.peer.version ?? ''} in-process: custom`.replace('  ', ' '), results.peer.custom);
    }
  }
  return rows;
}

function table(headers, rows, align) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) =>
    r.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

function mdTable(headers, rows, align) {
  const esc = (c) => String(c).replace(/\|/g, '\\|');
  return [
    `| ${headers.map(esc).join(' | ')} |`,
    `| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

function sections(results) {
  const out = [];
  // Routes
  {
    const headers = ['Route', 'req/s', 'ceiling req/s (paired)', '% of ceiling', 'p50 ms', 'p99 ms', 'p99 vs ceiling', 'peak RSS MB', 'server CPU', 'non-2xx', 'notes'];
    const align = ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'];
    const rows = routeRows(results).map((r) =>
      r.skipped
        ? [r.name, '–', '–', '–', '–', '–', '–', '–', '–', '–', `skipped: ${r.skipped}`]
        : [r.name, fmt.int(r.rps), r.group === 'ceiling' ? '' : fmt.int(r.pairedCeilingRps), fmt.pct(r.ofCeiling), fmt.ms(r.p50), fmt.ms(r.p99), fmt.x(r.p99xCeiling), fmt.mb(r.peakRss), fmt.cores(r.cpuCores), fmt.int(r.non2xx + r.errors), r.spread ? `rounds ${fmt.pct(r.spread[0])}–${fmt.pct(r.spread[1])}` : ''],
    );
    out.push({
      title: `Routes (${results.options.connections} connections, ${results.options.duration} s each; ${results.options.profile ? 'a fresh restgate server per route (--profile)' : 'restgate routes share one server, so peak RSS includes function instances started by earlier rows'})`,
      headers,
      align,
      rows,
    });
  }
  // Binary
  if (results.binary) {
    const headers = ['Binary payload', 'MB/s', 'req/s', 'p99 ms', 'peak RSS MB', 'RSS growth per in-flight MB', 'growth / payload', 'non-2xx', 'notes'];
    const align = ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'];
    const rows = [];
    if (results.binary.skipped) rows.push(['all', '–', '–', '–', '–', '–', '–', '–', `skipped: ${results.binary.skipped}`]);
    for (const b of results.binary.runs ?? []) {
      const label = `${b.target ?? 'image-api'} ${b.direction} ${(b.payloadBytes / 1e6).toFixed(0)} MB`;
      if (b.skipped) rows.push([label, '–', '–', '–', '–', '–', '–', '–', `skipped: ${b.skipped}`]);
      else
        rows.push([
          label,
          fmt.mbps(b.mbPerSecBytes),
          fmt.int(b.reqPerSecTotal),
          fmt.ms(b.latencyMs.p99),
          fmt.mb(b.rss.peak),
          fmt.mb(b.growthPerInFlight),
          fmt.x(b.growthPerPayload),
          fmt.int(b.requests - b.status['2xx'] + b.errors + b.timeouts),
          '',
        ]);
    }
    out.push({ title: `Binary payloads (${results.options.binaryConnections} connections in flight)`, headers, align, rows });
  }
  // Start-up
  if (results.startup) {
    const s = results.startup;
    const headers = ['Start-up', 'median ms', 'min ms', 'max ms', 'runs', 'notes'];
    const align = ['l', 'r', 'r', 'r', 'r', 'l'];
    const rows = s.skipped
      ? [['restgate', '–', '–', '–', '–', `skipped: ${s.skipped}`]]
      : [
          ['restgate: command → first answered request', fmt.ms(s.startupMs.median), fmt.ms(s.startupMs.min), fmt.ms(s.startupMs.max), s.runs, s.failure ? `a run failed: ${s.failure}` : ''],
          ['restgate: function cold start (first − warm)', fmt.ms(s.coldStartMs.median), fmt.ms(s.coldStartMs.min), fmt.ms(s.coldStartMs.max), s.runs, ''],
          ['restgate: warm proxy request (sequential)', fmt.ms(s.warmMs.median), fmt.ms(s.warmMs.min), fmt.ms(s.warmMs.max), s.runs, ''],
        ];
    if (results.peer && !results.peer.skipped && results.peer.readyMs) rows.push(['serverless-offline: command → "Server ready"', fmt.ms(results.peer.readyMs), '–', '–', 1, '']);
    out.push({ title: 'Start-up', headers, align, rows });
  }
  // Warm invocation overhead
  if (results.warm) {
    const w = results.warm;
    const headers = ['Warm call, 1 connection, sequential', 'req/s', 'p50 ms', 'mean ms', 'p99 ms', 'p50 over ceiling ms', 'non-2xx'];
    const align = ['l', 'r', 'r', 'r', 'r', 'r', 'r'];
    const row = (label, r, over) => [label, fmt.int(r.reqPerSec), fmt.ms3(r.p50), fmt.ms3(r.mean), fmt.ms3(r.p99), over === undefined ? '' : `+${fmt.ms3(over)}`, fmt.int(r.non2xx)];
    const rows = w.skipped
      ? [['all', '–', '–', '–', '–', '–', `skipped: ${w.skipped}`]]
      : [
          row('ceiling (handler in-process)', w.ceiling),
          row('restgate Lambda proxy (AWS_PROXY)', w.proxy, w.overheadMs.proxy),
          row('restgate Lambda Invoke API', w.invoke, w.overheadMs.invoke),
        ];
    out.push({ title: 'Warm invocation overhead (what restgate adds to one warm call)', headers, align, rows });
  }
  // Render
  if (results.render) {
    const r = results.render;
    const headers = ['Template', 'restgate renders/s', 'velocityjs renders/s', 'ratio', 'same output', 'notes'];
    const align = ['l', 'r', 'r', 'r', 'l', 'l'];
    const rows = r.skipped
      ? [['all', '–', '–', '–', '–', `skipped: ${r.skipped}`]]
      : r.cases.map((c) => [
          c.name,
          c.restgate ? fmt.int(c.restgate.perSec) : '–',
          c.velocityjs ? fmt.int(c.velocityjs.perSec) : '–',
          fmt.x(c.ratio),
          c.sameOutput === undefined ? '–' : c.sameOutput ? 'yes' : 'no',
          [
            c.restgateError && `restgate error: ${c.restgateError}`,
            c.velocityjsError && `velocityjs error: ${c.velocityjsError}`,
            c.firstDifference && `first difference at ${c.firstDifference.index}: restgate ${JSON.stringify(c.firstDifference.restgate.slice(40, 70))} vs velocityjs ${JSON.stringify(c.firstDifference.velocityjs.slice(40, 70))}`,
          ]
            .filter(Boolean)
            .join('; '),
        ]);
    if (!r.skipped) rows.push(['geometric mean', '', '', fmt.x(r.geomeanRatio), '', r.restgateAvailable ? '' : `restgate engine unavailable: ${r.restgateError}`]);
    out.push({ title: 'Template rendering (compile once, render per request)', headers, align, rows });
  }
  // Profiles (--profile)
  const profiled = Object.entries(results.routes ?? {}).filter(([, r]) => r && r.profile);
  if (profiled.length) {
    const headers = ['Route / process', 'self ms', 'share', 'function or file (self time)'];
    const align = ['l', 'r', 'r', 'l'];
    const rows = [];
    for (const [name, r] of profiled) {
      if (r.profile.error) {
        rows.push([name, '–', '–', r.profile.error]);
        continue;
      }
      for (const p of r.profile.profiles) {
        const count = r.profile.count ?? r.profile.processes;
        const who = `${name} pid ${p.pid ?? '?'} ${p.thread ? `worker thread ${p.thread}` : 'main thread'} (${p.totalMs} ms sampled; ${count} profile${count === 1 ? '' : 's'})`;
        for (const f of p.files.slice(0, 5)) rows.push([who, fmt.int(f.ms), fmt.pct(f.share), `file ${f.what}`]);
        for (const f of p.functions.slice(0, 8)) rows.push([who, fmt.int(f.ms), fmt.pct(f.share), `${f.what}${f.via ? `  ← ${f.via}` : ''}`]);
      }
    }
    out.push({ title: 'CPU profiles (--profile): top files and functions by self time', headers, align, rows });
  }
  // Soak
  if (results.soak) {
    const s = results.soak;
    const headers = ['Soak (proxy route)', 'requests', 'req/s', 'RSS early MB', 'RSS mid MB', 'RSS end MB', 'peak MB', 'change', 'second half', 'non-2xx', 'notes'];
    const align = ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'];
    const rows = s.skipped
      ? [['soak', '–', '–', '–', '–', '–', '–', '–', '–', '–', `skipped: ${s.skipped}`]]
      : [
          [
            `${fmt.int(s.requested)} requests`,
            fmt.int(s.requests),
            fmt.int(s.reqPerSecTotal),
            fmt.mb(s.rssEarly),
            fmt.mb(s.rssMid),
            fmt.mb(s.rssEnd),
            fmt.mb(s.rss.peak),
            `${(s.rssChange * 100).toFixed(1)} %`,
            Number.isFinite(s.rssChangeSecondHalf) ? `${(s.rssChangeSecondHalf * 100).toFixed(1)} %` : '–',
            fmt.int(s.requests - s.status['2xx'] + s.errors + s.timeouts),
            'median RSS over 10–20 % (early), 45–55 % (mid) and the last 10 % (end) of the run',
          ],
        ];
    out.push({ title: 'Soak', headers, align, rows });
  }
  return out;
}

export function goalLines(results) {
  return (results.goals ?? []).map((g) => `${g.met === true ? 'MET   ' : g.met === false ? 'MISSED' : 'N/A   '}  ${g.goal}: ${g.detail}`);
}

export function machineLine(results) {
  const m = results.machine;
  return `${m.cpuModel}, ${m.cores} cores, ${(m.totalMemBytes / 1024 ** 3).toFixed(0)} GiB RAM, Node ${m.node}, ${m.platform}; ${m.date}${m.commit ? `; restgate ${m.commit}` : ''}`;
}

/** One line of headline ratios (to the ceiling and to the peer) measured in this run. */
export function headline(results) {
  const parts = [];
  for (const [k, label] of [
    ['proxy', 'Lambda proxy'],
    ['custom', 'custom integration'],
    ['mock', 'MOCK'],
    ['http', 'HTTP_PROXY'],
  ]) {
    const r = results.routes?.[k];
    const c = ceilingFor(results, r);
    if (!c || !r || r.skipped) continue;
    let text = `${label} ${fmt.pct(shareOfCeiling(results, r))} of ceiling req/s, p99 ${fmt.x(r.latencyMs.p99 / c.latencyMs.p99)}`;
    const p = results.peer?.[k];
    if (p && !p.skipped) text += `, ${fmt.x(r.reqPerSecTotal / p.reqPerSecTotal)} serverless-offline`;
    parts.push(text);
  }
  const cal = results.calibration;
  if (cal && !cal.skipped) parts.push(`the ceiling against itself ${fmt.pct(shareOfCeiling(results, cal))} (this run's noise floor)`);
  const w = results.warm;
  if (w && !w.skipped) parts.push(`warm call +${fmt.ms3(w.overheadMs.proxy)} ms over the ceiling (proxy, p50)`);
  const st = results.startup;
  if (st && !st.skipped) parts.push(`start-up ${fmt.ms(st.startupMs.median)} ms`);
  const rd = results.render;
  if (rd && Number.isFinite(rd.geomeanRatio)) parts.push(`templates ${fmt.x(rd.geomeanRatio)} velocityjs`);
  return parts.length ? `Headline: ${parts.join('; ')}.` : 'Headline: no restgate route measured in this run.';
}

export function textReport(results) {
  const parts = [`restgate benchmark — ${machineLine(results)}`, headline(results)];
  for (const s of sections(results).filter((x) => x.rows.length)) parts.push(`\n${s.title}\n${table(s.headers, s.rows, s.align)}`);
  parts.push(`\nGoals (tracked, never failing)\n${goalLines(results).join('\n')}`);
  if (results.notes?.length) parts.push(`\nNotes\n${results.notes.map((n) => `- ${n}`).join('\n')}`);
  return parts.join('\n');
}

export function markdownReport(results) {
  const parts = [
    '# restgate benchmark results',
    '',
    `Machine: ${machineLine(results)}. Load average (1/5/15 min) at start: ${(results.machine.loadavg ?? []).map((n) => n.toFixed(2)).join(' / ')}${results.machine.loadavgAtEnd ? `, at end: ${results.machine.loadavgAtEnd.map((n) => n.toFixed(2)).join(' / ')}` : ''} (other work on the machine skews absolute numbers; ratios within one run are the point).`,
    '',
    `Command: \`${results.command}\` (${results.options.quick ? 'quick smoke run' : 'full run'}, ${(results.elapsedMs / 1000).toFixed(0)} s). Servers under test run in child processes; autocannon runs in the bench process. Headline figures are ratios to the ceiling measured in the same run.`,
    '',
    `**${headline(results)}**`,
    '',
    '![req/s and p99 per route](chart.svg)',
  ];
  for (const s of sections(results).filter((x) => x.rows.length)) parts.push('', `## ${s.title}`, '', mdTable(s.headers, s.rows, s.align));
  parts.push('', '"server CPU" is the CPU time of the server\'s whole process tree divided by the run\'s wall time (2 cores = both cores busy); the load generator runs on the same machine.');
  parts.push('', '## Goals (tracked, never failing anything)', '', ...goalLines(results).map((l) => `- ${l.replace(/^(MET|MISSED|N\/A)\s+/, (m, w) => `**${w}** `)}`));
  if (results.notes?.length) parts.push('', '## Notes', '', ...results.notes.map((n) => `- ${n}`));
  return `${parts.join('\n')}\n`;
}

// ---- SVG chart ---------------------------------------------------------------

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const COLORS = { ceiling: '#7f7f7f', restgate: '#1f77b4', peer: '#ff7f0e' };

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

/** Two panels of horizontal bars (req/s and p99 per route), hand-written SVG. */
export function svgChart(results) {
  const rows = routeRows(results).filter((r) => r.group !== 'calibration');
  const labelW = 330;
  const panelW = 330;
  const gap = 40;
  const barH = 20;
  const rowH = 28;
  const top = 78;
  const width = labelW + panelW * 2 + gap + 30;
  const height = top + rows.length * rowH + 84;
  const cRow = rows.find((r) => r.group === 'ceiling' && !r.skipped);
  const panels = [
    {
      key: 'rps',
      title: 'Requests per second (higher is better)',
      x: labelW,
      format: fmt.int,
      extra: (r) => (r.ofCeiling !== undefined && r.group !== 'ceiling' ? ` (${fmt.pct(r.ofCeiling)})` : ''),
      log: false,
      marks: cRow ? [[cRow.rps * 0.6, '60 %'], [cRow.rps * 0.45, '45 %']] : [],
    },
    {
      key: 'p99',
      title: 'p99 latency, ms, log scale (lower is better)',
      x: labelW + panelW + gap,
      format: fmt.ms,
      extra: () => '',
      log: true,
      marks: cRow ? [[cRow.p99 * 2, '2x ceiling']] : [],
    },
  ];
  const o = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  o.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  o.push(`<text x="12" y="22" font-size="16" font-weight="bold">restgate benchmark: routes vs bare node:http ceiling and serverless-offline</text>`);
  o.push(`<text x="12" y="40" fill="#555">${esc(machineLine(results))}</text>`);
  o.push(`<text x="12" y="56" fill="#555">${esc(`${results.options.connections} connections, ${results.options.duration} s per route${results.options.quick ? ' (quick run)' : ''}; dashed lines: goals relative to the ceiling`)}</text>`);
  const bottom = top + rows.length * rowH;
  for (const p of panels) {
    const values = rows.filter((r) => !r.skipped && r[p.key] > 0).map((r) => r[p.key]);
    const innerW = panelW - 90;
    let scale;
    let ticks;
    if (p.log) {
      const lo = 10 ** Math.floor(Math.log10(Math.max(0.01, Math.min(...values, ...p.marks.map((m) => m[0]), 1))));
      const hi = 10 ** Math.ceil(Math.log10(Math.max(...values, ...p.marks.map((m) => m[0]), lo * 10)));
      scale = (v) => (innerW * (Math.log10(Math.max(v, lo)) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo));
      ticks = [];
      for (let t = lo; t <= hi * 1.0001; t *= 10) ticks.push(t);
    } else {
      const max = niceMax(Math.max(0, ...values));
      scale = (v) => (innerW * v) / max;
      ticks = [0, 1, 2, 3, 4].map((t) => (max * t) / 4);
    }
    o.push(`<text x="${p.x}" y="${top - 8}" font-weight="bold">${esc(p.title)}</text>`);
    for (const t of ticks) {
      const x = p.x + scale(t);
      o.push(`<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="#e5e5e5"/>`);
      o.push(`<text x="${x.toFixed(1)}" y="${bottom + 14}" text-anchor="middle" fill="#777" font-size="10">${esc(p.log ? String(t) : p.format(t))}</text>`);
    }
    rows.forEach((r, i) => {
      const y = top + i * rowH + (rowH - barH) / 2;
      if (r.skipped) {
        o.push(`<text x="${p.x + 4}" y="${y + barH / 2 + 4}" fill="#999" font-style="italic">skipped</text>`);
        return;
      }
      const v = r[p.key] ?? 0;
      const w = Math.max(1, scale(v));
      o.push(`<rect x="${p.x}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${barH}" fill="${COLORS[r.group]}"><title>${esc(`${r.name}: ${p.format(v)}`)}</title></rect>`);
      o.push(`<text x="${(p.x + w + 4).toFixed(1)}" y="${(y + barH / 2 + 4).toFixed(1)}">${esc(p.format(v) + p.extra(r))}</text>`);
    });
    for (const [k, [v, label]] of p.marks.entries()) {
      const x = p.x + scale(v);
      o.push(`<line x1="${x.toFixed(1)}" y1="${top - 2}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="#2ca02c" stroke-dasharray="4 3"/>`);
      o.push(`<text x="${x.toFixed(1)}" y="${bottom + 26 + 11 * k}" text-anchor="middle" fill="#2ca02c" font-size="10">${esc(label)}</text>`);
    }
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2 + 4;
    o.push(`<text x="${labelW - 8}" y="${y}" text-anchor="end" fill="${r.group === 'restgate' ? '#000' : '#333'}">${esc(r.name)}</text>`);
  });
  const ly = height - 20;
  let lx = 12;
  for (const [group, label] of [
    ['ceiling', 'ceiling: bare node:http + same handler in-process'],
    ['restgate', 'restgate (bin/restgate.js serve)'],
    ['peer', 'serverless-offline --useInProcess'],
  ]) {
    o.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${COLORS[group]}"/>`);
    o.push(`<text x="${lx + 16}" y="${ly}">${esc(label)}</text>`);
    lx += 16 + label.length * 6.2 + 24;
  }
  o.push('</svg>');
  return `${o.join('\n')}\n`;
}
