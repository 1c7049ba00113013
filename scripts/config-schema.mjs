// Writes restgate.config.schema.json (the package root) from the schema restgate validates configs with
// (src/config.ts CONFIG_SCHEMA, through dist/). `src/config.test.ts` checks the file is up to date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONFIG_SCHEMA } from '../dist/config.js';

export function configSchemaText() {
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', title: 'restgate.config', ...CONFIG_SCHEMA };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

writeFileSync(fileURLToPath(new URL('../restgate.config.schema.json', import.meta.url)), configSchemaText());
