import Database from 'better-sqlite3';
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { LedgerError } from '../eventstore.errors';
import { errnoOf, makeDirectory } from './make-directory';
import { translateSqliteError } from './sqlite-errors';

/** 'FLLG': marks a SQLite file as a flash-ledger ledger, so a foreign database is never written to. */
export const LEDGER_APPLICATION_ID = 0x464c4c47;
/** The ledger file's schema version (PRAGMA user_version). */
export const LEDGER_SCHEMA_VERSION = 1;

export interface LedgerDatabaseOptions {
  /** `full` (default): every acknowledged append is fsynced. `normal`: faster, may lose the last appends on power loss. */
  durability?: 'full' | 'normal';
  /** How long to wait for another process's write lock before LEDGER_LOCKED. Default 5000 ms. */
  busyTimeoutMs?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  stream TEXT NOT NULL,
  revision INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  causation_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  recorded_at TEXT NOT NULL,
  UNIQUE (stream, revision)
) STRICT;
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TABLE IF NOT EXISTS checkpoints (
  subscriber TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
`;

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

function foreign(file: string, why: string): LedgerError {
  return new LedgerError(
    'LEDGER_FOREIGN_DATABASE',
    `${file} is a SQLite database but not a flash-ledger ledger (${why}): it was left untouched; point FLASH_HOME or FLASH_LEDGER at another file`,
    { details: { file } },
  );
}

/** Refuses foreign and newer files before anything is written, then creates the schema once. */
function ensureSchema(db: Database.Database, file: string): void {
  const check = (): 'ready' | 'empty' => {
    const appId = Number(db.pragma('application_id', { simple: true }));
    const version = Number(db.pragma('user_version', { simple: true }));
    if (appId === LEDGER_APPLICATION_ID) {
      if (version > LEDGER_SCHEMA_VERSION) {
        throw new LedgerError(
          'LEDGER_SCHEMA_TOO_NEW',
          `${file} was written by a newer flash-ledger (schema ${version}, this one reads ${LEDGER_SCHEMA_VERSION}): upgrade flash-ledger`,
          { details: { file, version } },
        );
      }
      return version === LEDGER_SCHEMA_VERSION ? 'ready' : 'empty';
    }
    if (appId !== 0) throw foreign(file, `application id ${appId}`);
    const tables = Number(
      db.prepare("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").pluck().get(),
    );
    if (tables > 0) throw foreign(file, `it holds ${tables} other table(s)`);
    return 'empty';
  };
  if (check() === 'ready') return;
  db.transaction(() => {
    if (check() === 'ready') return; // another process initialised it meanwhile
    db.exec(SCHEMA);
    db.pragma(`application_id = ${LEDGER_APPLICATION_ID}`);
    db.pragma(`user_version = ${LEDGER_SCHEMA_VERSION}`);
  }).immediate();
}

/** Opens (creating if needed) the ledger file in WAL mode, shared safely by several processes. */
export function openLedgerDatabase(file: string, options: LedgerDatabaseOptions = {}): Database.Database {
  ensureWritableDirectory(file);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
    db.pragma('application_id', { simple: true }); // reads the header: a non-SQLite file fails here, untouched
    ensureSchema(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${(options.durability ?? 'full') === 'full' ? 'FULL' : 'NORMAL'}`);
    return db;
  } catch (error) {
    db?.close();
    throw translateSqliteError(error, file);
  }
}
