// Bundles the CLI into dist/bin/ (one entry plus lazily loaded chunks per service), so `nimbus`
// starts without resolving dozens of modules. The library entry (dist/index.js) stays as tsc emits it.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist/bin', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { nimbus: 'src/cli/main.ts' },
  outdir: 'dist/bin',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
});
