import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './core/paths.js';

let cached: string | undefined;

/** The package version (read from package.json once). */
export function version(): string {
  if (cached) return cached;
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
    cached = pkg.version;
  } catch {
    cached = '0.0.0';
  }
  return cached;
}
