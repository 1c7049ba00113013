// The same reporting with the real VTL parser (src/vtl): the problem carries the
// parser's line and column, at the template's pointer.
import { describe, expect, it } from 'vitest';
import { compileTemplate, VtlSyntaxError } from '../../src/vtl/index.js';
import { loadError, withIntegration } from './helpers.js';

describe('mapping template errors (real parser)', () => {
  it('a stray #end on line 3', async () => {
    const source = '{\n  "a": "$input.body"\n#end';
    let thrown: unknown;
    try {
      compileTemplate(source);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(VtlSyntaxError);
    const { line, column } = thrown as VtlSyntaxError;
    expect([line, column]).toEqual([3, 1]);

    const err = await loadError(withIntegration({ type: 'mock', requestTemplates: { 'application/json': source } }));
    expect(err.pointer).toBe('/paths/~1r/get/x-amazon-apigateway-integration/requestTemplates/application~1json');
    expect(err.problem).toMatch(/^mapping template syntax error at line 3, column 1: \S/);
    expect(err.problem).not.toMatch(/at line \d+, column \d+$/);
  });
});
