import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The installed version of an npm package, read from its own package.json. Some packages (ml-matrix)
 * do not export `./package.json`, so the lookup resolves the entry point and walks up to the folder
 * whose package.json carries the package's name. Answers "unknown" rather than throwing.
 */
export function installedVersion(name: string): string {
  let dir: string;
  try {
    dir = dirname(require.resolve(name));
  } catch {
    return 'unknown';
  }
  for (; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === name && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here (or not JSON): keep walking up
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
