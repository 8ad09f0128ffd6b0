import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';

/**
 * What the file system says of a ledger: inode, size and modification time (ns) of the file and its
 * WAL. Any write through SQLite, a truncate, `dd` or an editor changes it.
 */
function identity(file: string): string {
  const part = (path: string): string => {
    try {
      const s = statSync(path, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch {
      return '-';
    }
  };
  return `${part(file)}|${part(`${file}-wal`)}`;
}

const memoOf = (file: string): string => `${file}.checked`;

/**
 * Whether the ledger is, as far as the file system tells, exactly as it was when it last passed
 * SQLite's quick_check. Commands that only read use it to skip a check that reads every page (about
 * 0.8 s for a million events); every open that may write runs the check regardless.
 */
export function passedQuickCheckAsIs(file: string): boolean {
  try {
    return readFileSync(memoOf(file), 'utf8') === identity(file);
  } catch {
    return false;
  }
}

/** Remembers the ledger's identity now as one that passed quick_check (after the checking connection closed). */
export function rememberQuickCheckPassed(file: string): void {
  const tmp = `${memoOf(file)}.${process.pid}`;
  try {
    writeFileSync(tmp, identity(file), { mode: 0o600 });
    renameSync(tmp, memoOf(file));
  } catch {
    // a memo that cannot be written only means the next read checks again
  }
}
