import type { EventStore } from './eventstore.port';
import { homeOfLedger, ledgerConfigFromEnv, type LedgerConfig } from './ledger-config';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';

/**
 * Opens the configured ledger. EventStoreDB's client is loaded only when it is chosen. The embedded
 * ledger's folder is kept private when it is FLASH_HOME (option `home`, default from the environment).
 */
export async function openEventStore(
  config: LedgerConfig = ledgerConfigFromEnv(),
  options: SqliteEventStoreOptions = {},
): Promise<EventStore> {
  if (config.kind === 'sqlite') {
    const home = options.home ?? homeOfLedger(config.file);
    return new SqliteEventStore(config.file, { ...options, ...(home ? { home } : {}) });
  }
  const { EsdbEventStore } = await import('./esdb/esdb-event-store');
  return EsdbEventStore.connect(config.connectionString, config.redacted);
}
