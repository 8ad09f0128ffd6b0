import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { nameProblem } from '../../../worker/contract/names';
import { FlashError } from '../../domain/errors';

/** Where an app is and what it is called. */
export interface AppLocation {
  root: string;
  name: string;
  /** Where the name came from, for messages. */
  nameFrom: 'option' | 'package.json' | 'folder';
}

function readPackage(
  dir: string,
): { name?: unknown; dependencies?: unknown; devDependencies?: unknown } | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined; // an unreadable package.json names nothing
  }
}

const dependsOnUs = (deps: unknown): boolean =>
  typeof deps === 'object' && deps !== null && 'flash-ledger' in deps;

/** A folder is an app when its package.json depends on flash-ledger, or it has been built (`.flash/`). */
function isApp(dir: string): boolean {
  const pkg = readPackage(dir);
  if (pkg && (dependsOnUs(pkg.dependencies) || dependsOnUs(pkg.devDependencies))) return true;
  return existsSync(join(dir, '.flash', 'build', 'flash_manifest.json'));
}

/** The nearest app at or above `start`; undefined when no folder up to the root is one. */
export function findAppRoot(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (isApp(dir)) return dir;
    if (dir === dirname(dir)) return undefined;
  }
}

/** The app's name: package.json `name`, else the folder's name. */
export function appNameOf(root: string): { name: string; from: 'package.json' | 'folder' } {
  const name = readPackage(root)?.name;
  return typeof name === 'string' && name !== ''
    ? { name, from: 'package.json' }
    : { name: basename(root), from: 'folder' };
}

/**
 * The app a command works on: the folder given, else the nearest app around the current folder, else
 * the current folder; its name from `--app`, else package.json, else the folder. The name is checked
 * here, before anything is built or recorded.
 */
export function locateApp(dir: string | undefined, appOption?: string, cwd = process.cwd()): AppLocation {
  const start = resolve(cwd, dir ?? '.');
  if (dir !== undefined && !(existsSync(start) && statSync(start).isDirectory()))
    throw new FlashError(
      'APP_NOT_FOUND',
      `${start} is not a folder: pass the app's folder, or create one with \`flash init <dir>\``,
    );
  const root = findAppRoot(start) ?? start;
  const { name, from } =
    appOption !== undefined ? { name: appOption, from: 'option' as const } : appNameOf(root);
  checkName('app', name, from, root);
  return { root, name, nameFrom: from };
}

/** Throws INVALID_APP_NAME / INVALID_ENVIRONMENT_NAME with the rule and how to fix it. */
export function checkName(
  kind: 'app' | 'environment',
  name: string,
  from: AppLocation['nameFrom'] = 'option',
  root?: string,
): void {
  const problem = nameProblem(kind, name);
  if (!problem) return;
  if (kind === 'environment')
    throw new FlashError('INVALID_ENVIRONMENT_NAME', `${problem}; choose another --env`);
  const fix =
    from === 'option'
      ? 'pass another --app'
      : from === 'package.json'
        ? `set "name" in ${join(root ?? '.', 'package.json')} to a valid name, or pass --app <name>`
        : `rename the folder, add a package.json with a valid "name", or pass --app <name>`;
  throw new FlashError(
    'INVALID_APP_NAME',
    `${problem} (the name comes from the ${from === 'folder' ? "folder's name" : from === 'option' ? '--app option' : "app's package.json"}); ${fix}`,
  );
}
