import type Database from 'better-sqlite3';
import { LedgerError } from '../eventstore.errors';
import { chainHash, GENESIS_HASH } from './sqlite-chain';
import { EVENT_COLUMNS, type EventRow } from './sqlite-rows';

/** 'FLLG': marks a SQLite file as a flash-ledger ledger, so a foreign database is never written to. */
export const LEDGER_APPLICATION_ID = 0x464c4c47;
/** The ledger file's schema version (PRAGMA user_version). 1: no hash chain; 2: every event is hashed. */
export const LEDGER_SCHEMA_VERSION = 2;

const NO_UPDATE = `CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;`;

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
  hash BLOB,
  UNIQUE (stream, revision)
) STRICT;
${NO_UPDATE}
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TABLE IF NOT EXISTS checkpoints (
  subscriber TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
`;

/** `ready`: this schema; `old`: schema 1, to migrate; `empty`: a new file, to create. */
export type SchemaState = 'ready' | 'old' | 'empty';

function foreign(file: string, why: string): LedgerError {
  return new LedgerError(
    'LEDGER_FOREIGN_DATABASE',
    `${file} is a SQLite database but not a flash-ledger ledger (${why}): it was left untouched; point FLASH_HOME or FLASH_LEDGER at another file`,
    { details: { file } },
  );
}

/** Refuses foreign and newer files before anything is written. */
export function schemaState(db: Database.Database, file: string): SchemaState {
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
    if (version === LEDGER_SCHEMA_VERSION) return 'ready';
    return version === 1 ? 'old' : 'empty';
  }
  if (appId !== 0) throw foreign(file, `application id ${appId}`);
  const tables = Number(
    db.prepare("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").pluck().get(),
  );
  if (tables > 0) throw foreign(file, `it holds ${tables} other table(s)`);
  return 'empty';
}

/**
 * Creates the schema in a new file, in one transaction. `beforeCreate` runs inside it first and may
 * refuse (a new ledger next to views that remember an old one). Answers the state the file was in:
 * another process may have created (or an older flash-ledger begun) it meanwhile.
 */
export function createSchema(
  db: Database.Database,
  file: string,
  beforeCreate: () => void,
): SchemaState | 'created' {
  return db
    .transaction((): SchemaState | 'created' => {
      const state = schemaState(db, file);
      if (state !== 'empty') return state;
      beforeCreate();
      db.exec(SCHEMA);
      db.pragma(`application_id = ${LEDGER_APPLICATION_ID}`);
      db.pragma(`user_version = ${LEDGER_SCHEMA_VERSION}`);
      return 'created';
    })
    .immediate();
}

const PAGE = 1000;

/**
 * Schema 1 to 2 in one transaction: adds the hash column and chains every stored event, oldest first.
 * The append-only trigger is lifted for the hashes alone and put back before the commit.
 */
export function migrateSchema(db: Database.Database, file: string): void {
  db.transaction(() => {
    if (schemaState(db, file) !== 'old') return; // another process migrated it meanwhile
    db.exec('ALTER TABLE events ADD COLUMN hash BLOB; DROP TRIGGER IF EXISTS events_no_update;');
    const page = db
      .prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ${PAGE}`)
      .raw(true);
    const update = db.prepare('UPDATE events SET hash = ? WHERE position = ?');
    let previous = GENESIS_HASH;
    for (let after = 0; ;) {
      const rows = page.all(after) as EventRow[];
      for (const row of rows) {
        previous = chainHash(previous, row);
        update.run(previous, row[0]);
        after = row[0];
      }
      if (rows.length < PAGE) break;
    }
    db.exec(NO_UPDATE);
    db.pragma(`user_version = ${LEDGER_SCHEMA_VERSION}`);
  }).immediate();
}
