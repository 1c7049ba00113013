import { describe, expect, it } from 'vitest';
import { parseDefinitionText } from '../../src/definition/load.js';

describe('YAML', () => {
  it('YAML 1.2 core schema: timestamps and yes/no stay strings; anchors, aliases and << merge keys work', () => {
    const doc = parseDefinitionText(
      [
        'info: {version: 2016-10-21T17:26:28Z, title: no}',
        'x-base: &base',
        '  type: mock',
        '  passthroughBehavior: never',
        'paths:',
        '  /a:',
        '    get:',
        '      x-amazon-apigateway-integration:',
        '        <<: *base',
        '        passthroughBehavior: when_no_match',
        '    put:',
        '      x-amazon-apigateway-integration: *base',
        '',
      ].join('\n'),
    ) as any;
    expect(doc.info).toEqual({ version: '2016-10-21T17:26:28Z', title: 'no' });
    expect(doc.paths['/a'].get['x-amazon-apigateway-integration']).toEqual({ type: 'mock', passthroughBehavior: 'when_no_match' });
    expect(doc.paths['/a'].put['x-amazon-apigateway-integration']).toEqual({ type: 'mock', passthroughBehavior: 'never' });
  });

  it('a byte order mark is ignored', () => {
    expect(parseDefinitionText('\ufeff{"a": 1}')).toEqual({ a: 1 });
    expect(parseDefinitionText('\ufeffa: 1\n')).toEqual({ a: 1 });
  });
});
