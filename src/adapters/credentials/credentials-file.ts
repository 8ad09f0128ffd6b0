import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { FlashError } from '../../domain/errors';
import { readApiKey, removeApiKey, writeApiKey } from './config-toml';

/**
 * Where the RunPod credentials file is: `FLASH_CREDENTIALS_FILE` when set, else `~/.runpod/config.toml`,
 * the file runpod-python and Flash read and `flash login` writes (neither lets an environment variable move
 * it, hence a variable of our own, which tests point into a temp folder).
 */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.FLASH_CREDENTIALS_FILE?.trim();
  return override ? resolve(override) : join(env.HOME?.trim() || homedir(), '.runpod', 'config.toml');
}

/** The file's text; '' when it does not exist. */
function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new FlashError(
      'CREDENTIALS_UNREADABLE',
      `cannot read the credentials file ${path}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Replaces the file in one step, mode 0600 (it holds a key), in a folder of mode 0700 when made here: a
 * crash leaves the old file or the new one, never half of one.
 */
function replaceText(path: string, text: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileSync(temp, text, { mode: 0o600 });
      chmodSync(temp, 0o600); // the umask may have taken bits the mode asked for; never more than 0600
      renameSync(temp, path);
    } finally {
      rmSync(temp, { force: true });
    }
  } catch (error) {
    throw new FlashError(
      'CREDENTIALS_UNWRITABLE',
      `cannot write the credentials file ${path}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** The API key the credentials file holds (`[default] api_key`); undefined when none. */
export function readCredentialsKey(path: string): string | undefined {
  return readApiKey(readText(path));
}

/** Stores `apiKey` in the file, keeping every other line of it. */
export function storeCredentialsKey(path: string, apiKey: string): void {
  replaceText(path, writeApiKey(readText(path), apiKey));
}

/** Removes the key from the file, keeping every other line; false when it held none. */
export function forgetCredentialsKey(path: string): boolean {
  const { text, removed } = removeApiKey(readText(path));
  if (removed) replaceText(path, text);
  return removed;
}
