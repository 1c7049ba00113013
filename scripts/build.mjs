// Transpiles src/**/*.ts to dist/ one file per module (no bundling), so worker
// and child-process entry points stay separate files. Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts') ? [p] : [];
  });
}

rmSync(join(root, 'dist'), { recursive: true, force: true });
const entryPoints = sources(src);
await build({
  entryPoints,
  outdir: join(root, 'dist'),
  outbase: src,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
if (process.argv.includes('--verbose')) console.log(`built ${entryPoints.length} modules into ${relative(root, join(root, 'dist'))}/`);
