import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/adapters/eventstore/sqlite/sqlite-event-store';
import { ALL_PROJECTIONS, canonicalJson } from '../../src/projections';
import { ProjectionRunner } from '../../src/adapters/views/projection-runner';
import { tempDir } from '../support/ledger-processes';
import { firstDay, secondDay } from './shop-scenario';
import { record } from './support';

describe.each(ALL_PROJECTIONS.map((p) => [p.name, p] as const))('%s', (name, projection) => {
  it('replaying the same events changes nothing', async () => {
    const dir = tempDir();
    const store = new SqliteEventStore(join(dir, 'ledger.db'), {
      now: () => new Date('2026-03-01T12:00:00Z'),
    });
    const ids = { prod: randomUUID(), staging: randomUUID(), prodAgain: randomUUID() };
    await record(store, [...firstDay(ids), ...secondDay(ids)]);
    const file = join(dir, 'views.db');
    let runner = new ProjectionRunner(store, file, [projection], { pageSize: 7 });
    try {
      await runner.catchUp();
      const view = canonicalJson(runner.view(name));
      const position = runner.position(name);
      expect(position).toBeDefined();

      runner.apply(await store.readAll({ limit: 10_000 }));
      await runner.catchUp();
      expect(canonicalJson(runner.view(name))).toBe(view);
      expect(runner.position(name)).toBe(position);

      runner.close();
      runner = new ProjectionRunner(store, file, [projection]);
      runner.apply(await store.readAll({ limit: 10_000 }));
      await runner.catchUp();
      expect(canonicalJson(runner.view(name))).toBe(view);
      expect(runner.position(name)).toBe(position);
    } finally {
      runner.close();
      await store.close();
    }
  });
});
