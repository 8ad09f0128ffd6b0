import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/adapters/eventstore/sqlite/sqlite-event-store';
import {
  finalized,
  keyInjected,
  locked,
  provisioned,
  published,
  released,
  requested,
  succeeded,
  urlCollected,
  urlOf,
} from '../../test/projections/facts';
import type { Fact } from '../../test/projections/support';

const APPS = ['shop', 'search', 'vision', 'speech'];

/** One succeeded deployment of two endpoints, as the reactors record it (events checked by their schemas). */
function deploymentFacts(n: number, start: number): Fact[] {
  const id = randomUUID();
  const app = APPS[n % APPS.length] ?? 'shop';
  const place = { app, environment: 'prod' };
  const time = (s: number): string => new Date(start + n * 60_000 + s * 1000).toISOString();
  const version = Math.floor(n / APPS.length) + 1;
  return [
    requested(id, { app, environment: 'prod', resources: ['api', 'worker'], at: time(0) }),
    locked(id, version, 'user:alice@laptop', time(0), place),
    keyInjected(id, 'api'),
    provisioned(id, 'api', `ep-api-${app}`, n < APPS.length ? 'created' : 'unchanged', time(2)),
    provisioned(id, 'worker', `ep-worker-${app}`, n < APPS.length ? 'created' : 'updated', time(2)),
    urlCollected(id, 'api', `ep-api-${app}`),
    urlCollected(id, 'worker', `ep-worker-${app}`),
    finalized(id, { api: urlOf('api', `ep-api-${app}`), worker: urlOf('worker', `ep-worker-${app}`) }),
    published(id, 1, time(3)),
    succeeded(id, time(3)),
    released(id, 'succeeded', time(3), place),
  ];
}

/** Writes `count` succeeded deployments into the embedded ledger at `file` (fast, unsynced appends). */
export async function seedLedger(file: string, count: number): Promise<void> {
  const store = new SqliteEventStore(file, { durability: 'normal' });
  const start = Date.parse('2026-11-01T08:00:00.000Z');
  try {
    for (let n = 0; n < count; n++)
      for (const { event, stream, actor } of deploymentFacts(n, start))
        await store.append(
          stream,
          [
            {
              type: event.type,
              data: event.data,
              metadata: { actor, correlationId: event.data.deploymentId },
            },
          ],
          { expectedRevision: 'any' },
        );
  } finally {
    await store.close();
  }
}
