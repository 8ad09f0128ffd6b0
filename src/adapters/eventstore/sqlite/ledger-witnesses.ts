import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ledgerShrunk, type LedgerWitness } from '../eventstore.errors';

/**
 * Reads one value from a SQLite file another part of flash-ledger owns, without creating it. A file
 * that is missing or cannot be read witnesses nothing: it must not stop the ledger from opening.
 */
function readOther(file: string, sql: string): unknown {
  if (!existsSync(file)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 1000 });
    return db.prepare(sql).pluck().safeIntegers(true).get();
  } catch {
    return undefined;
  } finally {
    db?.close();
  }
}

/** Views stored up to `position`: the ledger held that event. */
export const viewsAt = (views: string, position: bigint): LedgerWitness => ({
  file: views,
  remembers: `position ${position}`,
  position,
  startOver: `move ${views} aside too`,
});

/** The highest position the views file (`src/projections/view-table.ts`) stored for any view. */
export function viewsWitness(views: string): LedgerWitness | undefined {
  const position = readOther(views, 'SELECT max(CAST(position AS INTEGER)) FROM views');
  return typeof position === 'bigint' && position > 0n ? viewsAt(views, position) : undefined;
}

/** The local cloud's endpoints: each was provisioned for an event of the ledger, so it held one at least. */
export function cloudWitness(cloudDb: string): LedgerWitness | undefined {
  const endpoints = readOther(cloudDb, "SELECT count(*) FROM records WHERE kind = 'endpoint'");
  if (typeof endpoints !== 'bigint' || endpoints < 1n) return undefined;
  return {
    file: cloudDb,
    remembers: `${endpoints} endpoint(s) deployed from it (a deploy now would provision them again and orphan these)`,
    position: 1n,
    startOver: `stop the local cloud (\`flash cloud stop\`) and move ${dirname(cloudDb)} aside, with the views (projections.db) next to the ledger`,
  };
}

/**
 * Refuses a ledger that holds less than the views and the local cloud next to it (FLASH_HOME's
 * layout: `projections.db`, `cloud/cloud.db`) remember. `readHead` answers the ledger's last position
 * (0: none); it is read again before refusing, because another process may append meanwhile, and
 * what it appended may already be in a witness.
 */
export function assertNotShrunk(file: string, readHead: () => number): void {
  const dir = dirname(file);
  let head = readHead();
  const views = viewsWitness(join(dir, 'projections.db'));
  const witnesses = [views, head === 0 ? cloudWitness(join(dir, 'cloud', 'cloud.db')) : undefined];
  for (const witness of witnesses) {
    if (!witness || witness.position <= BigInt(head)) continue;
    head = readHead();
    if (witness.position > BigInt(head)) throw ledgerShrunk(file, BigInt(head), witness);
  }
}
