// Small statistics helpers shared by the benchmark.

export function median(values) {
  const v = [...values].sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Nearest-rank percentiles of response times (ms), with max, mean and count. */
export function percentiles(values) {
  const v = Float64Array.from(values).sort();
  const at = (q) => (v.length ? v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))] : NaN);
  let sum = 0;
  for (const x of v) sum += x;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: v.length ? v[v.length - 1] : NaN, mean: v.length ? sum / v.length : NaN, count: v.length };
}
