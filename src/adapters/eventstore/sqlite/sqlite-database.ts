import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { LedgerError } from '../eventstore.errors';
import { assertNotShrunk } from './ledger-witnesses';
import { errnoOf, makeDirectory } from './make-directory';
import { keepPrivate, warnOnStderr, withSidecars } from './private-files';
import { translateSqliteError } from './sqlite-errors';
import { assertTailIntact, ledgerCorrupt, quickCheck } from './sqlite-integrity';
import { createSchema, migrateSchema, schemaState } from './sqlite-schema';

export interface LedgerDatabaseOptions {
  /** `full` (default): every acknowledged append is fsynced. `normal`: faster, may lose the last appends on power loss. */
  durability?: 'full' | 'normal';
  /** How long to wait for another process's write lock before LEDGER_LOCKED. Default 5000 ms. */
  busyTimeoutMs?: number;
  /**
   * FLASH_HOME, when the ledger lives in it: a mode looser than 0700 is tightened at open, with a
   * warning. Default: none (the folder a `FLASH_LEDGER=sqlite:` path names keeps its mode).
   */
  home?: string;
  /** Where one-line warnings go (a file or folder made private). Default: stderr. */
  warn?: (line: string) => void;
  /**
   * Skip SQLite's quick_check (it reads every page): only for a read-only open of a file that passed it
   * as it is now (quick-check-memo.ts). The chain's tail and the neighbours are checked regardless.
   * Default false.
   */
  skipQuickCheck?: boolean;
}

function ensureWritableDirectory(file: string): void {
  const dir = dirname(file);
  try {
    makeDirectory(dir);
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const { code = 'error', path } = errnoOf(error);
    const where = path !== undefined && path !== dir ? ` at ${path}` : '';
    throw new LedgerError(
      'LEDGER_DIR_UNWRITABLE',
      `cannot use ${dir} for the ledger (${code}${where}): point FLASH_HOME at a writable directory (or FLASH_LEDGER at sqlite:<a writable file>), or create ${dir} writable`,
      { cause: error, details: { file, dir } },
    );
  }
  let isDirectory: boolean;
  try {
    isDirectory = statSync(file).isDirectory();
  } catch {
    return; // no file yet: it is created on open
  }
  if (isDirectory) {
    throw new LedgerError(
      'LEDGER_CONFIG_INVALID',
      `${file} is a directory, not a ledger file: remove it or choose another path`,
      {
        details: { file },
      },
    );
  }
}

/**
 * Checks the file before anything is written to it, then brings it to this schema: refuses a foreign,
 * newer or damaged file (SQLite's quick_check), creates a new one unless the views or the local cloud
 * next to it remember events, migrates schema 1 (one transaction).
 */
function ensureSchema(db: Database.Database, file: string, skipQuickCheck: boolean): void {
  let state = schemaState(db, file);
  if (state === 'empty') {
    const created = createSchema(db, file, () => assertNotShrunk(file, () => 0));
    if (created === 'created') return;
    state = created;
  }
  const problem = skipQuickCheck && state !== 'old' ? undefined : quickCheck(db);
  if (problem !== undefined) throw ledgerCorrupt(file, `SQLite's integrity check found: ${problem}`);
  if (state === 'old') migrateSchema(db, file);
}

/**
 * Opens (creating if needed) the ledger file in WAL mode, shared safely by several processes, private
 * to the user. Refuses, before writing anything, a file that fails SQLite's quick_check, whose last
 * events do not match their hashes, or that holds less than its neighbours remember.
 */
export function openLedgerDatabase(file: string, options: LedgerDatabaseOptions = {}): Database.Database {
  ensureWritableDirectory(file);
  const created = new Set(withSidecars(file).filter((f) => !existsSync(f)));
  let db: Database.Database | undefined;
  try {
    // a new ledger next to views or a cloud that remember one is refused before the file is created
    if (created.has(file) || statSync(file).size === 0) assertNotShrunk(file, () => 0);
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
    db.pragma('application_id', { simple: true }); // reads the header: a non-SQLite file fails here, untouched
    ensureSchema(db, file, options.skipQuickCheck ?? false);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${(options.durability ?? 'full') === 'full' ? 'FULL' : 'NORMAL'}`);
    keepPrivate(
      { files: withSidecars(file), folders: options.home ? [options.home] : [] },
      options.warn ?? warnOnStderr,
      created,
    );
    assertTailIntact(db, file);
    const head = db.prepare('SELECT max(position) FROM events').pluck();
    assertNotShrunk(file, () => Number(head.get() ?? 0));
    return db;
  } catch (error) {
    db?.close();
    throw translateSqliteError(error, file);
  }
}
