// Types for the tests (test/bench/); the implementation is plain ESM JavaScript.
export interface Ranked {
  what: string;
  ms: number;
  share: number;
  via?: string;
}
export interface ProfileSummary {
  totalMs: number;
  functions: Ranked[];
  files: Ranked[];
}
/** `profile` is a V8 .cpuprofile object; `root` is stripped from file paths. */
export function summarizeProfile(profile: any, root: string, top?: number): ProfileSummary;
export function summarizeProfiles(dir: string, root: string, maxFiles?: number): any;
