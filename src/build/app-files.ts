import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Always left out of a build, before `.flashignore`. */
const DEFAULT_IGNORES = ['node_modules/', '.flash/', '.git/', 'dist/', '*.d.ts', '*.test.ts', '*.spec.ts'];

/** One `.flashignore` line (gitignore syntax: `*`, `**`, `?`, trailing `/` for folders, leading `/` anchors, `!` negates). */
interface Rule {
  negate: boolean;
  dirOnly: boolean;
  regex: RegExp;
}

function toRule(line: string): Rule | undefined {
  let pattern = line.trim();
  if (pattern === '' || pattern.startsWith('#')) return undefined;
  const negate = pattern.startsWith('!');
  if (negate) pattern = pattern.slice(1);
  const dirOnly = pattern.endsWith('/');
  if (dirOnly) pattern = pattern.slice(0, -1);
  const anchored = pattern.startsWith('/') || pattern.slice(0, -1).includes('/');
  pattern = pattern.replace(/^\//, '');
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return { negate, dirOnly, regex: new RegExp(`^${anchored ? '' : '(?:.*/)?'}${source}$`) };
}

/** Decides whether a path (relative, `/`-separated) is ignored; the last matching rule wins. */
export function ignoreMatcher(lines: readonly string[]): (path: string, isDir: boolean) => boolean {
  const rules = lines.map(toRule).filter((r): r is Rule => r !== undefined);
  return (path, isDir) => {
    let ignored = false;
    for (const rule of rules) {
      if (rule.dirOnly && !isDir) continue;
      if (rule.regex.test(path)) ignored = !rule.negate;
    }
    return ignored;
  };
}

/** The app's `.ts` sources, relative to `root` with `/` separators, sorted. */
export function listAppFiles(root: string): string[] {
  const ignoreFile = join(root, '.flashignore');
  const lines = [
    ...DEFAULT_IGNORES,
    ...(existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8').split(/\r?\n/) : []),
  ];
  const ignored = ignoreMatcher(lines);
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
