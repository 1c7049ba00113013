// Types for the tests (test/bench/); the implementation is plain ESM JavaScript.
/** `results` is the object written to bench/results/latest.json. */
export function textReport(results: any): string;
export function markdownReport(results: any): string;
export function svgChart(results: any): string;
export function goalLines(results: any): string[];
export function routeRows(results: any): Array<Record<string, any>>;
export function headline(results: any): string;
export function ceilingFor(results: any, route: any): any;
