import { join } from 'node:path';
import { SqliteEventStore } from '../../../src/adapters/eventstore/sqlite/sqlite-event-store';
import { tempDir } from '../../support/ledger-processes';
import { eventStoreContract } from './eventstore.contract';

eventStoreContract('embedded SQLite', async () => {
  const file = join(tempDir(), 'ledger.db');
  return {
    store: new SqliteEventStore(file, { now: () => new Date('2026-11-28T10:00:00.000Z') }),
    ledger: `sqlite:${file}`,
    reopen: async () => new SqliteEventStore(file),
  };
});
