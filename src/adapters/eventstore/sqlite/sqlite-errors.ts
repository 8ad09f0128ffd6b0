import { LedgerError } from '../eventstore.errors';

function sqliteCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** Turns a better-sqlite3 error into the ledger's stable codes, naming the file and what to do. */
export function translateSqliteError(error: unknown, file: string): unknown {
  if (error instanceof LedgerError) return error;
  const code = sqliteCode(error);
  if (code === undefined || !code.startsWith('SQLITE_')) return error;
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code.startsWith('SQLITE_LOCKED')) {
    return new LedgerError(
      'LEDGER_LOCKED',
      `the ledger ${file} is locked by another process (a deploy in progress, or one that hangs): wait and retry, or stop that process`,
      { cause: error, details: { file } },
    );
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new LedgerError(
      'LEDGER_CORRUPT',
      `${file} is not a readable flash-ledger database (corrupt, or not SQLite) and nothing was written to it: restore it from a backup, or move it aside (with the views, projections.db, next to it) and run again to start a new ledger, or point FLASH_HOME elsewhere`,
      { cause: error, details: { file } },
    );
  }
  if (
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_PERM')
  ) {
    return new LedgerError(
      'LEDGER_DIR_UNWRITABLE',
      `cannot open ${file} for writing (${code}): make the file and its directory writable, or point FLASH_HOME at a writable directory`,
      { cause: error, details: { file } },
    );
  }
  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')) {
    return new LedgerError(
      'LEDGER_IO_FAILED',
      `writing ${file} failed (${code}): check free disk space and the disk's health; nothing of this append was written`,
      { cause: error, details: { file } },
    );
  }
  return error;
}
