// Types for the tests (test/bench/); the implementation is plain ESM JavaScript.
export interface Goal {
  goal: string;
  /** undefined when not measured */
  met: boolean | undefined;
  detail: string;
}
/** `results` is the object written to bench/results/latest.json. */
export function evaluateGoals(results: any): Goal[];
