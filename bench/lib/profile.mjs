// Summarises V8 .cpuprofile files (written by node --cpu-prof) into the top
// functions and files by self time: where a restgate route spends its CPU.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

function shortUrl(url, root) {
  if (!url) return '(native)';
  let path = url;
  try {
    if (url.startsWith('file://')) path = fileURLToPath(url);
  } catch {
    /* keep as is */
  }
  if (path.startsWith(root)) path = relative(root, path);
  return path.replace(/^.*node_modules\//, 'node_modules/');
}

/** Self time by function and by file for one profile. */
export function summarizeProfile(profile, root, top = 12) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (cf) => `${cf.functionName || '(anonymous)'} ${shortUrl(cf.url, root)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
  // "via" for each hot function: its nearest caller, then the nearest two callers
  // outside Node's own modules (where the project's code asked for the work).
  const callers = (id) => {
    const out = [];
    let own = 0;
    for (let p = parent.get(id); p !== undefined && own < 2; p = parent.get(p)) {
      const cf = byId.get(p)?.callFrame;
      if (!cf || !cf.url || cf.functionName === '(root)') continue;
      const internal = cf.url.startsWith('node:');
      if (out.length === 0 || !internal) out.push(label(cf));
      if (!internal) own++;
    }
    return out.join(' < ');
  };
  const fns = new Map();
  const via = new Map();
  const files = new Map();
  for (const [id, us] of self) {
    const cf = byId.get(id)?.callFrame;
    if (!cf) continue;
    const file = shortUrl(cf.url, root);
    const key = label(cf);
    fns.set(key, (fns.get(key) ?? 0) + us);
    files.set(file, (files.get(file) ?? 0) + us);
    const v = via.get(key) ?? new Map();
    const chain = callers(id);
    v.set(chain, (v.get(chain) ?? 0) + us);
    via.set(key, v);
  }
  const rank = (m, withVia) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([what, us]) => {
        const row = { what, ms: Math.round(us / 1000), share: total ? us / total : 0 };
        if (withVia) {
          const best = [...(via.get(what) ?? new Map()).entries()].sort((a, b) => b[1] - a[1])[0];
          if (best && best[0]) row.via = best[0];
        }
        return row;
      });
  return { totalMs: Math.round(total / 1000), functions: rank(fns, true), files: rank(files, false) };
}

/** Summaries of the profiles in a directory (one per process or thread), biggest first. */
export function summarizeProfiles(dir, root, maxFiles = 2) {
  let names = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.cpuprofile'));
  } catch {
    return { error: `no profiles in ${relative(root, dir)}` };
  }
  if (!names.length) return { error: `no profiles written in ${relative(root, dir)} (a process killed by a signal writes none)` };
  const summaries = names.map((name) => {
    const summary = summarizeProfile(JSON.parse(readFileSync(join(dir, name), 'utf8')), root);
    // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread.
    const m = /\.(\d+)\.(\d+)\.\d+\.cpuprofile$/.exec(name);
    return { file: relative(root, join(dir, name)), pid: m ? Number(m[1]) : undefined, thread: m ? Number(m[2]) : undefined, ...summary };
  });
  summaries.sort((a, b) => b.totalMs - a.totalMs);
  return { count: names.length, profiles: summaries.slice(0, maxFiles) };
}
