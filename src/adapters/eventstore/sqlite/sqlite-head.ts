import { openLedgerDatabase } from './sqlite-database';

/**
 * The position of the last event in an embedded ledger file (undefined when it holds none), read
 * without loading the store: commands that only read views use it to tell whether their stored views
 * are current, which keeps them from loading the event schemas at all.
 */
export function sqliteLedgerHead(file: string): bigint | undefined {
  const db = openLedgerDatabase(file);
  try {
    const head = db.prepare('SELECT max(position) FROM events').pluck().safeIntegers(true).get();
    return typeof head === 'bigint' ? head : undefined;
  } finally {
    db.close();
  }
}
