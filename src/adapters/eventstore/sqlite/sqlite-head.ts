import { passedQuickCheckAsIs, rememberQuickCheckPassed } from './quick-check-memo';
import { openLedgerDatabase, type LedgerDatabaseOptions } from './sqlite-database';
import { homeOfLedger, ledgerConfigFromEnv } from '../ledger-config';

/**
 * The position of the last event in an embedded ledger file (undefined when it holds none), read
 * without loading the store: commands that only read views use it to tell whether their stored views
 * are current, which keeps them from loading the event schemas at all. The file passes the checks of
 * any open (the chain's tail, the views and local cloud next to it), and SQLite's quick_check unless
 * it is, as the file system tells, exactly as it was when it last passed one.
 */
export function sqliteLedgerHead(
  file: string,
  options: Pick<LedgerDatabaseOptions, 'home' | 'warn'> = {},
): bigint | undefined {
  // quick_check reads every page: a read skips it when the file is as it was when it last passed
  const db = openLedgerDatabase(file, { ...options, skipQuickCheck: passedQuickCheckAsIs(file) });
  let head: unknown;
  try {
    head = db.prepare('SELECT max(position) FROM events').pluck().safeIntegers(true).get();
  } finally {
    db.close();
  }
  rememberQuickCheckPassed(file);
  return typeof head === 'bigint' ? head : undefined;
}

/**
 * Runs the checks of an open (quick_check, the chain's tail, what the views and the local cloud next to it
 * remember) on the configured ledger when it is the embedded file, so a command refuses a damaged ledger
 * before it starts anything else (the local cloud, a build). EventStoreDB ledgers are checked by their server.
 */
export function checkEmbeddedLedger(env: NodeJS.ProcessEnv = process.env): void {
  const config = ledgerConfigFromEnv(env);
  if (config.kind !== 'sqlite') return;
  const home = homeOfLedger(config.file, env);
  sqliteLedgerHead(config.file, home ? { home } : {});
}
