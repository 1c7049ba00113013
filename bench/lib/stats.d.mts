// Types for the tests (test/bench/); the implementation is plain ESM JavaScript.
export function median(values: Iterable<number>): number;
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  count: number;
}
export function percentiles(values: ArrayLike<number>): Percentiles;
