// Types for the tests (test/bench/); the implementation is plain ESM JavaScript.
export function summarize(target: any, runs: any[]): any;
