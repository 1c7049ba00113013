// Differential regression set: 2100 randomly generated templates (directives, whitespace, escapes,
// references, operators, literals, methods, macros, control flow) rendered by Apache Velocity 1.7 with
// map = {a=1, b=x}, list = [1, 2, 3], str = "hello", n = 5. mode "aws" used a reference-insertion
// handler that prints null as "" (API Gateway); mode "velocity" is plain 1.7. Expected errors
// (error: true) must make compileTemplate or rendering throw.
import { readFileSync } from 'node:fs';
import { sampleVariables } from '../../test/support/vtl-vars.js';
import { describe, expect, it } from 'vitest';
import { compileTemplate, renderTemplate } from './index.js';

interface Case {
  mode: 'aws' | 'velocity';
  template: string;
  expected?: string;
  error?: true;
}
const cases: Case[] = JSON.parse(readFileSync(new URL('./fuzz-fixtures.json', import.meta.url), 'utf8'));

function render(c: Case): string {
  const vars = sampleVariables();
  return renderTemplate(compileTemplate(c.template), vars, { nullAsLiteral: c.mode === 'velocity' });
}

describe('random templates rendered exactly like Velocity 1.7', () => {
  it('has the generated cases', () => {
    expect(cases.length).toBe(2100);
  });

  it('every case matches (output bytes or error)', () => {
    const failures: string[] = [];
    for (const c of cases) {
      let out: string | undefined;
      let threw = false;
      try {
        out = render(c);
      } catch {
        threw = true;
      }
      if (c.error ? !threw : out !== c.expected) {
        failures.push(`${JSON.stringify(c.template)}\n  expected ${c.error ? 'an error' : JSON.stringify(c.expected)}\n  actual   ${threw ? 'an error' : JSON.stringify(out)}`);
      }
    }
    expect(failures.slice(0, 10).join('\n')).toBe('');
  });
});
