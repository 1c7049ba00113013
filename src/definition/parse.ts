// Definition text → plain JS document. JSON or YAML, decided by content:
// text whose first non-blank character is `{` or `[` is JSON, anything else YAML 1.2.
// Syntax errors become DefinitionErrors carrying the line and column.

import { createRequire } from 'node:module';
import { DefinitionError } from './model.js';

/** The yaml library, loaded with the first YAML definition (~70 modules a JSON one never needs at start-up). */
let yaml: typeof import('yaml') | undefined;
const loadYaml = (): typeof import('yaml') => (yaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

export function parseDefinitionText(text: string, file?: string): unknown {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const trimmed = source.trimStart();
  if (trimmed === '') throw new DefinitionError('', 'the definition is empty', file);
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return parseJson(source, file);
  return parseYaml(source, file);
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function parseJson(text: string, file?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    // "Unexpected end of JSON input" carries no position: the problem is at the end.
    const offset = at ? Number(at[1]) : text.trimEnd().length;
    const { line, column } = lineColumn(text, offset);
    const reason = message.replace(/\s*(in JSON )?at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '');
    throw new DefinitionError('', `invalid JSON at line ${line}, column ${column}: ${reason}`, file);
  }
}

function parseYaml(text: string, file?: string): unknown {
  const doc = loadYaml().parseDocument(text, { version: '1.2', uniqueKeys: true, prettyErrors: true, merge: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const reason = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    throw new DefinitionError('', `invalid YAML${where}: ${reason}`, file);
  }
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    throw new DefinitionError('', `invalid YAML: ${(e as Error).message}`, file);
  }
}
