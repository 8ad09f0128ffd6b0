import { join } from 'node:path';
import { QueryBus } from '@nestjs/cqrs';
import { SqliteEventStore } from '../../src/adapters/eventstore/sqlite/sqlite-event-store';
import { createLedgerApp } from '../../src/app.module';
import {
  GetAuditLog,
  GetDeploymentHistory,
  GetEndpointInventory,
  GetResourcesEndpoints,
} from '../../src/projections/queries';
import { tempDir } from '../support/ledger-processes';
import { at, finalized, provisioned, published, requested, succeeded, urlCollected, urlOf } from './facts';
import { record } from './support';

describe('the query bus over the views', () => {
  it('answers each view caught up with the ledger, through the real Nest module', async () => {
    const dir = tempDir('flash-queries-');
    const store = new SqliteEventStore(join(dir, 'ledger.db'));
    const ledger = await createLedgerApp({ store, viewsFile: join(dir, 'projections.db') });
    const bus = ledger.app.get(QueryBus);
    try {
      expect((await bus.execute(new GetDeploymentHistory())).order).toEqual([]);
      const id = 'd-1';
      await record(store, [
        requested(id, { resources: ['api'] }),
        provisioned(id, 'api', 'ep-1', 'created', at('10:00')),
        urlCollected(id, 'api', 'ep-1'),
        finalized(id, { api: 'ep-1' }),
        published(id, 1, at('10:01')),
        succeeded(id, at('10:02')),
      ]);
      const history = await bus.execute(new GetDeploymentHistory());
      expect(history.deployments[id]).toMatchObject({ status: 'succeeded', app: 'shop' });
      expect((await bus.execute(new GetResourcesEndpoints())).environments['shop.prod']).toEqual({
        api: urlOf('api', 'ep-1'),
      });
      expect((await bus.execute(new GetEndpointInventory())).environments['shop.prod']?.api).toMatchObject({
        endpointId: 'ep-1',
      });
      expect((await bus.execute(new GetAuditLog())).entries).toHaveLength(6);
    } finally {
      await ledger.close();
      await store.close();
    }
  });
});
