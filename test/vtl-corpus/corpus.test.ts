// Differential corpus: every fixture in test/vtl-corpus/fixtures/*.json was rendered by the real
// Apache Velocity 1.7 + Jayway JsonPath (tools/vtl-oracle, regenerate with
// `node tools/vtl-oracle/generate.mjs`). restgate's engine must reproduce the bytes; expected
// errors ({error: true}) must make compileTemplate or renderMapping throw.
// A case listed in known-differences.json (with a reason that docs/fidelity.md also states)
// counts as expected. The match rate must stay >= 99 %.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileTemplate, renderMapping, type MappingInput } from '../../src/vtl/index.js';

interface Fixture {
  name: string;
  template: string;
  input: MappingInput;
  expected: string | { error: true };
  javaError?: string;
}
interface KnownDifference {
  name: string;
  reason: string;
}

const dir = new URL('./fixtures/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const fixtures: (Fixture & { file: string })[] = files.flatMap((file) =>
  (JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Fixture[]).map((f) => ({ ...f, file })),
);
const known: KnownDifference[] = JSON.parse(readFileSync(new URL('./known-differences.json', import.meta.url), 'utf8'));
const fidelity = readFileSync(new URL('../../docs/fidelity.md', import.meta.url), 'utf8');

type Outcome = { ok: true } | { ok: false; detail: string };

function run(f: Fixture): Outcome {
  let actual: string;
  try {
    actual = renderMapping(compileTemplate(f.template), f.input).body;
  } catch (e) {
    if (typeof f.expected !== 'string') return { ok: true };
    return { ok: false, detail: `threw ${(e as Error).name}: ${(e as Error).message}`.slice(0, 300) };
  }
  if (typeof f.expected !== 'string') {
    return { ok: false, detail: `expected an error (${f.javaError ?? 'Velocity error'}), rendered ${JSON.stringify(actual).slice(0, 200)}` };
  }
  if (actual === f.expected) return { ok: true };
  return { ok: false, detail: `expected ${JSON.stringify(f.expected).slice(0, 300)}\n      actual   ${JSON.stringify(actual).slice(0, 300)}` };
}

describe('VTL differential corpus (Velocity 1.7 + Jayway oracle)', () => {
  it('has at least 500 cases with unique names', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(500);
    expect(new Set(fixtures.map((f) => f.name)).size).toBe(fixtures.length);
  });

  it('known differences name real cases and are documented in docs/fidelity.md', () => {
    const names = new Set(fixtures.map((f) => f.name));
    for (const k of known) {
      expect(names.has(k.name), `known difference ${k.name} is not a corpus case`).toBe(true);
      expect(k.reason.length).toBeGreaterThan(10);
      expect(fidelity.includes(k.reason), `reason for ${k.name} must appear verbatim in docs/fidelity.md`).toBe(true);
    }
  });

  it('restgate renders >= 99 % of the cases exactly like Velocity', () => {
    const knownNames = new Map(known.map((k) => [k.name, k.reason]));
    const mismatches: string[] = [];
    let matched = 0;
    let expectedDiff = 0;
    for (const f of fixtures) {
      const r = run(f);
      if (r.ok) matched++;
      else if (knownNames.has(f.name)) expectedDiff++;
      else mismatches.push(`${f.file} ${f.name}: ${JSON.stringify(f.template).slice(0, 160)}\n      ${r.detail}`);
    }
    const rate = (matched + expectedDiff) / fixtures.length;
    console.log(
      `VTL corpus: ${matched}/${fixtures.length} identical, ${expectedDiff} known differences, ` +
        `${mismatches.length} mismatches, match rate ${(rate * 100).toFixed(2)} %`,
    );
    if (mismatches.length) console.log(`Mismatches:\n  ${mismatches.join('\n  ')}`);
    expect(rate, `${mismatches.length} mismatches:\n${mismatches.slice(0, 40).join('\n')}`).toBeGreaterThanOrEqual(0.99);
  });
});
