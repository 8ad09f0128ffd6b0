import type { EventStore } from './eventstore.port';
import { ledgerConfigFromEnv, type LedgerConfig } from './ledger-config';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';

/** Opens the configured ledger. EventStoreDB's client is loaded only when it is chosen. */
export async function openEventStore(
  config: LedgerConfig = ledgerConfigFromEnv(),
  options: SqliteEventStoreOptions = {},
): Promise<EventStore> {
  if (config.kind === 'sqlite') return new SqliteEventStore(config.file, options);
  const { EsdbEventStore } = await import('./esdb/esdb-event-store');
  return EsdbEventStore.connect(config.connectionString, config.redacted);
}
