import { chmodSync, statSync } from 'node:fs';
import { errnoOf } from './make-directory';

/** Where a one-line warning goes by default: stderr. */
export const warnOnStderr = (line: string): void => void process.stderr.write(`${line}\n`);

/** A SQLite file and the WAL and shared-memory files that live next to it. */
export const withSidecars = (file: string): string[] => [file, `${file}-wal`, `${file}-shm`];

function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o777;
  } catch (error) {
    if (errnoOf(error).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Makes the files (0600) and folders (0700) that exist private to their owner. Those that were looser
 * are named in one warning line, unless `quiet` says they were just created (SQLite creates its
 * files 0644, less the umask).
 */
export function keepPrivate(
  paths: { files?: readonly string[]; folders?: readonly string[] },
  warn: (line: string) => void = warnOnStderr,
  quiet: ReadonlySet<string> = new Set(),
): void {
  const loose: string[] = [];
  const failed: string[] = [];
  const wanted = [
    ...(paths.folders ?? []).map((path) => ({ path, mode: 0o700 })),
    ...(paths.files ?? []).map((path) => ({ path, mode: 0o600 })),
  ];
  for (const { path, mode } of wanted) {
    const current = modeOf(path);
    if (current === undefined || (current & 0o077) === 0) continue;
    try {
      chmodSync(path, current & mode);
      if (!quiet.has(path)) loose.push(`${path} (${current.toString(8)})`);
    } catch {
      failed.push(path);
    }
  }
  if (loose.length > 0)
    warn(
      `warning: ${loose.join(', ')} could be read by other users: made private to you (0600 files, 0700 folders)`,
    );
  if (failed.length > 0)
    warn(
      `warning: ${failed.join(', ')} can be read by other users and could not be made private: chmod go-rwx them`,
    );
}
