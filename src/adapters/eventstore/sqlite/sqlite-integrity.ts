import type Database from 'better-sqlite3';
import { basename, dirname, join } from 'node:path';
import { LedgerError } from '../eventstore.errors';
import { type ChainBreak, ChainCursor, type ChainRow } from './sqlite-chain';
import { EVENT_COLUMNS } from './sqlite-rows';

/** How many of the last events open checks against their hashes. `flash ledger verify` checks them all. */
export const TAIL_DEPTH = 64;

/** What to do with a damaged ledger, for messages; `verified` when the whole chain was already walked. */
export function restoreAdvice(file: string, verified = false): string {
  const views = join(dirname(file), 'projections.db');
  const find = verified ? '' : 'run `flash ledger verify` to find the first damaged event, then ';
  return `${find}restore ${basename(file)} from a backup; to start a new ledger instead, move ${file} aside together with ${views}`;
}

/** SQLite's own structural check of every page; the first problem it finds, or undefined when the file is sound. */
export function quickCheck(db: Database.Database): string | undefined {
  const answer = db.pragma('quick_check(1)', { simple: true });
  if (answer === 'ok') return undefined;
  // one line for messages: SQLite prefixes the database's name and breaks lines
  return String(answer)
    .replace(/\*\*\* in database \w+ \*\*\*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function ledgerCorrupt(file: string, why: string, verified = false): LedgerError {
  return new LedgerError(
    'LEDGER_CORRUPT',
    `${file} is damaged (${why}) and nothing was written to it: ${restoreAdvice(file, verified)}`,
    { details: { file } },
  );
}

export function ledgerTampered(file: string, broken: ChainBreak, verified = false): LedgerError {
  return new LedgerError(
    'LEDGER_TAMPERED',
    `the event at position ${broken.position} in ${file} ${broken.why}: the ledger was edited or damaged on disk, and nothing was written to it; ${restoreAdvice(file, verified)}`,
    { details: { file, position: broken.position } },
  );
}

/** The last `depth + 1` stored events with their hashes, oldest first. */
export function tailRows(db: Database.Database, depth: number): ChainRow[] {
  const rows = db
    .prepare(`SELECT ${EVENT_COLUMNS}, hash FROM events ORDER BY position DESC LIMIT ?`)
    .raw(true)
    .all(depth + 1) as ChainRow[];
  return rows.reverse();
}

/**
 * Recomputes the hashes of the last `depth` events from the stored hash of the event before them (the
 * genesis hash when the ledger is that short). Answers the position and hash the next event chains
 * to, or where the chain breaks.
 */
export function checkTail(
  rows: readonly ChainRow[],
  depth: number,
): { position: number; hash: Buffer } | ChainBreak {
  let cursor = new ChainCursor();
  let from = 0;
  const first = rows[0];
  if (rows.length > depth && first) {
    const stored = first[11];
    if (!(stored instanceof Uint8Array) || stored.length !== 32)
      return { position: first[0], why: 'has no valid hash (it was written around flash-ledger)' };
    cursor = new ChainCursor(first[0], Buffer.from(stored));
    from = 1;
  }
  for (let i = from; i < rows.length; i++) {
    const broken = cursor.next(rows[i] as ChainRow);
    if (broken) return broken;
  }
  return { position: cursor.verified, hash: cursor.head };
}

/** Throws LEDGER_TAMPERED when one of the last `depth` events does not match its hash. */
export function assertTailIntact(db: Database.Database, file: string, depth = TAIL_DEPTH): void {
  const tail = checkTail(tailRows(db, depth), depth);
  if ('why' in tail) throw ledgerTampered(file, tail);
}
