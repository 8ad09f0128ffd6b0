import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { LedgerError } from '../eventstore.errors';
import { assertNotShrunk } from './ledger-witnesses';
import { type ChainBreak, ChainCursor, type ChainRow } from './sqlite-chain';
import { translateSqliteError } from './sqlite-errors';
import { ledgerCorrupt, ledgerTampered, quickCheck } from './sqlite-integrity';
import { EVENT_COLUMNS, type EventRow } from './sqlite-rows';
import { migrateSchema, schemaState } from './sqlite-schema';

/** What `flash ledger verify` found: every event checked, or where the ledger first goes wrong. */
export type LedgerVerification =
  { ok: true; events: number } | { ok: false; events: number; firstBadPosition?: number; error: LedgerError };

const isCorruption = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
};

/** Reads every event in position order, in one read transaction, and stops at the first that breaks the chain. */
function walk(
  db: Database.Database,
  hashed: boolean,
): { events: number; broken?: ChainBreak; unreadable?: boolean } {
  const cursor = new ChainCursor();
  const rows = db
    .prepare(`SELECT ${EVENT_COLUMNS}${hashed ? ', hash' : ''} FROM events ORDER BY position`)
    .raw(true);
  db.exec('BEGIN'); // one snapshot, whatever other processes append meanwhile
  try {
    for (const row of rows.iterate()) {
      const broken = hashed ? cursor.next(row as ChainRow) : cursor.nextUnhashed(row as EventRow);
      if (broken) return { events: cursor.verified, broken };
    }
    return { events: cursor.verified };
  } catch (error) {
    if (!isCorruption(error)) throw error;
    const broken = { position: cursor.verified + 1, why: 'cannot be read (SQLITE_CORRUPT)' };
    return { events: cursor.verified, broken, unreadable: true };
  } finally {
    try {
      if (db.inTransaction) db.exec('ROLLBACK'); // it only read
    } catch {
      // SQLite ended the transaction itself on the damage just reported
    }
  }
}

function shrunk(file: string, head: number): LedgerVerification | undefined {
  try {
    assertNotShrunk(file, () => head);
    return undefined;
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    return { ok: false, events: head, firstBadPosition: head + 1, error };
  }
}

function verifyOpen(db: Database.Database, file: string): LedgerVerification {
  db.pragma('application_id', { simple: true }); // a file that is not SQLite fails here
  const state = schemaState(db, file);
  if (state === 'empty') return shrunk(file, 0) ?? { ok: true, events: 0 };
  const problem = quickCheck(db);
  if (state === 'old' && problem === undefined) migrateSchema(db, file); // as every open does
  const { events, broken, unreadable } = walk(db, state !== 'old' || problem === undefined);
  if (problem !== undefined) {
    const why = `SQLite's integrity check found: ${problem}`;
    const error = broken
      ? ledgerCorrupt(file, `${why}; the event at position ${broken.position} ${broken.why}`, true)
      : ledgerCorrupt(
          file,
          `${why}; every event reads back and matches its hash, so an index is damaged`,
          true,
        );
    return { ok: false, events, ...(broken ? { firstBadPosition: broken.position } : {}), error };
  }
  if (broken) {
    const error = unreadable
      ? ledgerCorrupt(file, `the event at position ${broken.position} ${broken.why}`, true)
      : ledgerTampered(file, broken, true);
    return { ok: false, events, firstBadPosition: broken.position, error };
  }
  return shrunk(file, events) ?? { ok: true, events };
}

/**
 * Checks the whole embedded ledger: SQLite's quick_check, every event against its hash (from the first),
 * and the views and local cloud next to it. A missing or empty file is not created. Throws only when the
 * file cannot be checked at all (not SQLite, foreign, newer, locked).
 */
export function verifySqliteLedger(
  file: string,
  options: { busyTimeoutMs?: number } = {},
): LedgerVerification {
  if (!existsSync(file) || statSync(file).size === 0) return shrunk(file, 0) ?? { ok: true, events: 0 };
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: options.busyTimeoutMs ?? 5000 });
    return verifyOpen(db, file);
  } catch (error) {
    throw translateSqliteError(error, file);
  } finally {
    db?.close();
  }
}
