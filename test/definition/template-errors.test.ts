// A template syntax error names the template's pointer plus "line L, column C".
// The VTL parser is another module: here its compileTemplate is made to fail at a
// known place, so the test pins the loader's reporting whatever the parser says.
import { describe, expect, it, vi } from 'vitest';
import { loadError, withIntegration } from './helpers.js';

vi.mock('../../src/vtl/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/vtl/index.js')>();
  return {
    ...original,
    compileTemplate: (source: string) => {
      if (source.includes('#if(')) throw new original.VtlSyntaxError('Encountered "<EOF>"', 2, 7);
      if (source.includes('#boom')) throw new Error('template too large');
      return original.compileTemplate(source);
    },
  };
});

const INTEGRATION = '/paths/~1r/get/x-amazon-apigateway-integration';

describe('mapping template errors', () => {
  it('request template syntax error', async () => {
    const err = await loadError(withIntegration({ type: 'mock', requestTemplates: { 'application/json': '{}', 'application/x-www-form-urlencoded': 'x\n#if(' } }));
    expect(err.pointer).toBe(`${INTEGRATION}/requestTemplates/application~1x-www-form-urlencoded`);
    expect(err.problem).toBe('mapping template syntax error at line 2, column 7: Encountered "<EOF>"');
  });

  it('response template syntax error', async () => {
    const err = await loadError(
      withIntegration({ type: 'mock', responses: { '4\\d{2}': { statusCode: '400', responseTemplates: { 'text/html': '#if(' } } } }),
    );
    expect(err.pointer).toBe(`${INTEGRATION}/responses/4\\d{2}/responseTemplates/text~1html`);
    expect(err.problem).toBe('mapping template syntax error at line 2, column 7: Encountered "<EOF>"');
  });

  it('other compile failures and non-string templates', async () => {
    let err = await loadError(withIntegration({ type: 'mock', requestTemplates: { 'application/json': '#boom' } }));
    expect([err.pointer, err.problem]).toEqual([
      `${INTEGRATION}/requestTemplates/application~1json`,
      'mapping template cannot be compiled: template too large',
    ]);
    err = await loadError(withIntegration({ type: 'mock', requestTemplates: { 'application/json': { a: 1 } } }));
    expect([err.pointer, err.problem]).toEqual([`${INTEGRATION}/requestTemplates/application~1json`, 'mapping template must be a string, got an object']);
  });
});
