import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlashError } from '../../domain/errors';

/**
 * The webhook configuration files in `<home>/hooks/` (folder 0700, files 0600): `secrets.json` (source →
 * its secret) and `map.json` (push-to-deploy mappings). Read and written whole; a write replaces the file
 * in one step (temp file + rename), so a crash leaves the old file or the new one.
 */
export const hooksFolder = (home: string): string => join(home, 'hooks');
export const secretsFile = (home: string): string => join(hooksFolder(home), 'secrets.json');
export const mapFile = (home: string): string => join(hooksFolder(home), 'map.json');

/** The parsed JSON of a file; `fallback` when it does not exist. */
export function readJsonFile(path: string, fallback: unknown): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw new FlashError('HOOKS_CONFIG_UNREADABLE', `cannot read ${path}: ${String(error)}`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new FlashError(
      'HOOKS_CONFIG_INVALID',
      `${path} is not valid JSON: fix it, or remove it and add the sources again with \`flash hooks add\``,
      { cause: error },
    );
  }
}

/** Replaces the file with `value` as JSON, mode 0600, in a folder of mode 0700. */
export function writeJsonFile(path: string, folder: string, value: unknown): void {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    chmodSync(folder, 0o700);
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
      chmodSync(temp, 0o600); // the umask may have taken bits; never more than 0600
      renameSync(temp, path);
    } finally {
      rmSync(temp, { force: true });
    }
  } catch (error) {
    throw new FlashError('HOOKS_CONFIG_UNWRITABLE', `cannot write ${path}: ${String(error)}`, {
      cause: error,
    });
  }
}
