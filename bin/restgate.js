#!/usr/bin/env node
import module from 'node:module';

// Node 22.1 and later keep V8's compiled code of restgate's modules between runs (start-up);
// Node 20 has no compile cache.
module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
