import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The errno `code` and `path` of a file-system error, where it has them. */
export function errnoOf(error: unknown): { code?: string; path?: string } {
  if (typeof error !== 'object' || error === null) return {};
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const path = 'path' in error && typeof error.path === 'string' ? error.path : undefined;
  return { ...(code !== undefined ? { code } : {}), ...(path !== undefined ? { path } : {}) };
}

function notADirectory(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), {
    code: 'ENOTDIR',
    path,
    syscall: 'mkdir',
  });
}

/**
 * `mkdir -p` that tries each missing folder once and throws the first error (with its errno `code`).
 * Node's `mkdirSync(dir, { recursive: true })` retries forever when mkdir answers ENOENT under a parent
 * that exists, as procfs and some FUSE mounts do (`FLASH_HOME=/proc/nope` spun at 100% CPU).
 * The folders it creates are private to the user (`mode`, default 0700): they hold the ledger.
 */
export function makeDirectory(dir: string, mode = 0o700): void {
  const missing: string[] = [];
  // bounded: each step goes one folder up, and the root always exists
  for (let at = resolve(dir); ; at = dirname(at)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(at).isDirectory();
    } catch (error) {
      // ENOTDIR: a file is in the way further up; going up finds it
      const { code } = errnoOf(error);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(at) === at) throw error;
      missing.push(at);
      continue;
    }
    if (!isDirectory) throw notADirectory(at);
    break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder, { mode });
    } catch (error) {
      // another process may have created it meanwhile; anything else is final
      if (errnoOf(error).code !== 'EEXIST' || !statSync(folder).isDirectory()) throw error;
    }
  }
}
