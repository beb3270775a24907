import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The package's root folder (where package.json and runtime/ live), found by walking up from this
 * module: the same answer from src/ (tsx), dist/ (tsc) and the bundled CLI in dist/bin/.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'runtime'))) return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('Nimbus cannot find its package folder (package.json beside runtime/)');
    dir = up;
  }
}
