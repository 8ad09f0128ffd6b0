import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import semver from 'semver';

interface PackageJson {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
}

const readPackage = (dir: string): PackageJson | undefined => {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
};

/** Whether `range` is a plain registry range (`1.2.3`, `^1`, `>=6`, `*`, empty) that a copy can satisfy. */
function registryRange(range: string): boolean {
  return range === '' || range === '*' || range === 'latest' || semver.validRange(range) !== null;
}

const satisfies = (version: string | undefined, range: string): boolean =>
  version !== undefined && (range === '' || range === 'latest' || semver.satisfies(version, range));

/** Node's lookup of `name` from `fromDir`: the nearest `node_modules/<name>` up the tree. */
function lookup(fromDir: string, name: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Installs declared dependencies by copying them, and everything they depend on, from node_modules trees
 * already on this machine (the app's own, then flash-ledger's), so a build needs no network when the
 * packages were installed before. Answers false, having copied nothing that matters, when a package is
 * missing, a version does not satisfy its range, a spec is not a registry range, or two versions of one
 * package would be needed: the caller then installs with npm.
 */
export function installFromLocal(
  sourceRoots: readonly string[],
  deps: readonly { name: string; range: string }[],
  targetNodeModules: string,
): boolean {
  const flat = new Map<string, { dir: string; version: string }>();
  const queue: { name: string; range: string; from: string[] }[] = deps.map((d) => ({
    name: d.name,
    range: d.range,
    from: [...sourceRoots],
  }));
  while (queue.length > 0) {
    const next = queue.shift();
    if (!next) break;
    if (!registryRange(next.range)) return false;
    let found: string | undefined;
    for (const from of next.from) {
      const dir = lookup(from, next.name);
      if (dir && satisfies(readPackage(dir)?.version, next.range)) {
        found = dir;
        break;
      }
    }
    if (!found) return false;
    const version = readPackage(found)?.version ?? '';
    const known = flat.get(next.name);
    if (known) {
      if (known.dir === found) continue;
      if (known.version !== version) return false;
      continue;
    }
    flat.set(next.name, { dir: found, version });
    for (const [name, range] of Object.entries(readPackage(found)?.dependencies ?? {})) {
      // a dependency nested under the package travels inside its folder
      if (existsSync(join(found, 'node_modules', name, 'package.json'))) continue;
      queue.push({ name, range, from: [found] });
    }
  }
  mkdirSync(targetNodeModules, { recursive: true });
  for (const [name, { dir }] of flat)
    cpSync(dir, join(targetNodeModules, name), { recursive: true, dereference: true });
  return true;
}

/** The folder of the flash-ledger package this build runs from (its node_modules is a local source). */
export function ownPackageRoot(start = __dirname): string | undefined {
  for (let dir = start; dirname(dir) !== dir; dir = dirname(dir))
    if (readPackage(dir)?.name === 'flash-ledger') return dir;
  return undefined;
}
