import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ignore from 'ignore';

/** Always left out of a build, before `.flashignore` (which may re-include them with `!`). */
export const DEFAULT_IGNORES: readonly string[] = [
  'node_modules/',
  '.flash/',
  '.git/',
  'dist/',
  '*.d.ts',
  '*.test.ts',
  '*.spec.ts',
];

/**
 * Decides whether a path (relative, `/`-separated) is ignored, with git's `.gitignore` semantics: the last
 * matching rule wins, and nothing inside an ignored folder can be re-included. Case-sensitive, as git is
 * by default (`core.ignorecase` unset), so a build does not depend on the machine it runs on.
 */
export function ignoreMatcher(gitignoreText: string): (path: string, isDir: boolean) => boolean {
  const rules = ignore({ ignorecase: false }).add(DEFAULT_IGNORES).add(gitignoreText);
  return (path, isDir) => rules.ignores(isDir ? `${path}/` : path);
}

/** The app's `.ts` sources, relative to `root` with `/` separators, sorted. */
export function listAppFiles(root: string): string[] {
  const ignoreFile = join(root, '.flashignore');
  const ignored = ignoreMatcher(existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : '');
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const rel = relative(root, full).split(sep).join('/');
      if (entry.isDirectory()) {
        if (!ignored(rel, true)) walk(full);
      } else if (entry.isFile() && entry.name.endsWith('.ts') && !ignored(rel, false)) {
        files.push(rel);
      }
    }
  };
  walk(root);
  return files.sort();
}
