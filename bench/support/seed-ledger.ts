import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/adapters/eventstore/sqlite/sqlite-event-store';
import { succeededDeployment } from '../../test/projections/facts';
import { record } from '../../test/projections/support';

const APPS = ['shop', 'search', 'vision', 'speech'];

/** Writes `count` succeeded deployments of four apps into the embedded ledger at `file` (unsynced appends). */
export async function seedLedger(file: string, count: number): Promise<void> {
  const store = new SqliteEventStore(file, { durability: 'normal' });
  const start = Date.parse('2026-11-01T08:00:00.000Z');
  try {
    for (let n = 0; n < count; n++)
      await record(
        store,
        succeededDeployment(
          randomUUID(),
          APPS[n % APPS.length] ?? 'shop',
          Math.floor(n / APPS.length) + 1,
          new Date(start + n * 60_000).toISOString(),
        ),
      );
  } finally {
    await store.close();
  }
}
