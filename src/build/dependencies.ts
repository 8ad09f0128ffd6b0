import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { DependencySpec } from '../sdk/dependency-spec';
import { BuildFailed } from './build-errors';
import { canonicalJson } from '../../worker/contract/canonical-json';
import { installFromLocal, ownPackageRoot } from './local-packages';

export interface DeclaredDependency extends DependencySpec {
  /** Endpoints that declare it. */
  endpoints: string[];
}

/** All endpoints' declared dependencies, one per name; the same name with two ranges fails the build. */
export function collectDependencies(
  byEndpoint: readonly { endpoint: string; dependencies: readonly DependencySpec[] }[],
): DeclaredDependency[] {
  const byName = new Map<string, DeclaredDependency>();
  for (const { endpoint, dependencies } of byEndpoint) {
    for (const dep of dependencies) {
      const known = byName.get(dep.name);
      if (!known) byName.set(dep.name, { ...dep, endpoints: [endpoint] });
      else if (known.range !== dep.range) {
        throw new BuildFailed('DEPENDENCY_CONFLICT', [
          {
            file: '',
            line: 0,
            column: 0,
            message: `${dep.name} is declared as ${known.raw} by ${known.endpoints.join(', ')} and as ${dep.raw} by ${endpoint}: all endpoints share one node_modules, so declare the same version range`,
          },
        ]);
      } else known.endpoints.push(endpoint);
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function runNpm(cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(
      'npm',
      ['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'],
      {
        cwd,
        timeout: 10 * 60_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, npm_config_update_notifier: 'false' },
      },
      (error, stdout, stderr) =>
        done({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          output: `${stdout}\n${stderr}`,
        }),
    );
  });
}

/**
 * Renames a finished install into place. Builds of one app may install the same set at once: the first
 * rename wins and the others are dropped, so a folder in use is never replaced under a running build.
 */
function publishInstall(tmp: string, dir: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(tmp, dir);
      return;
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt > 0) throw error;
    }
    if (existsSync(join(dir, '.complete'))) {
      rmSync(tmp, { recursive: true, force: true });
      return;
    }
    // an install that never finished: move it aside (one process wins), then rename again
    const aside = `${dir}.trash-${process.pid}-${randomBytes(6).toString('hex')}`;
    try {
      renameSync(dir, aside);
    } catch {
      // another build moved it first
    }
    rmSync(aside, { recursive: true, force: true });
  }
}

export interface InstalledDependencies {
  /** Holds `node_modules`. */
  dir: string;
  resolved: Record<string, string>;
  reused: boolean;
}

/**
 * Installs the declared dependencies into a cache folder keyed by the set of specs, so an unchanged set is
 * reused: copied from packages already installed on this machine when they satisfy every range (no
 * network; `FLASH_DEPS_FROM=npm` turns this off), else with npm. Every declared dependency must end up installed; none is dropped silently.
 */
export async function installDependencies(
  root: string,
  cacheRoot: string,
  deps: readonly DeclaredDependency[],
): Promise<InstalledDependencies | undefined> {
  if (deps.length === 0) return undefined;
  const ranges = Object.fromEntries(
    deps.map((d) => [
      d.name,
      d.range.startsWith('file:') && !isAbsolute(d.range.slice(5))
        ? `file:${resolve(root, d.range.slice(5))}`
        : d.range,
    ]),
  );
  const key = createHash('sha256').update(canonicalJson(ranges)).digest('hex').slice(0, 16);
  const dir = join(cacheRoot, `deps-${key}`);
  let reused = existsSync(join(dir, '.complete'));
  if (!reused) {
    const tmp = `${dir}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
    mkdirSync(tmp, { recursive: true });
    writeFileSync(
      join(tmp, 'package.json'),
      JSON.stringify({ name: 'flash-app-dependencies', private: true, dependencies: ranges }, null, 2),
    );
    const own = ownPackageRoot();
    const local =
      process.env.FLASH_DEPS_FROM !== 'npm' &&
      installFromLocal(
        [root, ...(own ? [own] : [])],
        deps.map((d) => ({ name: d.name, range: ranges[d.name] ?? d.range })),
        join(tmp, 'node_modules'),
      );
    if (!local) rmSync(join(tmp, 'node_modules'), { recursive: true, force: true });
    const { code, output } = local ? { code: 0, output: '' } : await runNpm(tmp);
    if (code !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      const named = deps.filter((d) => output.includes(d.name));
      const culprits = (named.length > 0 ? named : deps).map(
        (d) => `${d.raw} (declared by ${d.endpoints.join(', ')})`,
      );
      const detail = output
        .split('\n')
        .filter((l) => /npm (error|ERR)/.test(l))
        .slice(0, 6)
        .join('\n    ');
      throw new BuildFailed('DEPENDENCY_INSTALL_FAILED', [
        {
          file: '',
          line: 0,
          column: 0,
          message: `npm could not install ${culprits.join(', ')}: fix the name or version in the endpoint's dependencies\n    ${detail || output.trim().slice(-600)}`,
        },
      ]);
    }
    writeFileSync(join(tmp, '.complete'), new Date().toISOString());
    publishInstall(tmp, dir);
    reused = false;
  }
  const resolved: Record<string, string> = {};
  for (const dep of deps) {
    const pkg = join(dir, 'node_modules', dep.name, 'package.json');
    if (!existsSync(pkg)) {
      rmSync(dir, { recursive: true, force: true }); // never reuse an install that lacks a declared dependency
      throw new BuildFailed('DEPENDENCY_MISSING', [
        {
          file: '',
          line: 0,
          column: 0,
          message: `${dep.raw} (declared by ${dep.endpoints.join(', ')}) was not installed by npm: check the spec`,
        },
      ]);
    }
    resolved[dep.name] = String(
      (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: unknown }).version ?? 'unknown',
    );
  }
  return { dir, resolved, reused };
}
