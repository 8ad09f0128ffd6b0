import { join } from 'node:path';
import { QueryBus, type Query } from '@nestjs/cqrs';
import { flashHome } from '../adapters/eventstore/ledger-config';
import { openEventStore } from '../adapters/eventstore/open-event-store';
import { createLedgerApp, type LedgerApp } from '../app.module';
import type { DeployTarget } from '../adapters/runpod/deploy-target';
import type { ProjectionRunner } from '../adapters/views/projection-runner';

export interface LedgerContext {
  ledger: LedgerApp;
  views: ProjectionRunner;
  /** Asks the query bus (the view, caught up with the ledger). */
  query<T>(query: Query<T>): Promise<T>;
  close(): Promise<void>;
}

/** The ledger this CLI process works on (FLASH_LEDGER or `$FLASH_HOME/ledger.db`) and its views (`$FLASH_HOME/projections.db`). */
export async function openLedger(target?: DeployTarget): Promise<LedgerContext> {
  const store = await openEventStore();
  const ledger = await createLedgerApp({
    store,
    viewsFile: join(flashHome(), 'projections.db'),
    ...(target ? { target } : {}),
  });
  const views = ledger.views;
  if (!views) throw new Error('the ledger was opened without its views');
  const bus = ledger.app.get(QueryBus);
  return {
    ledger,
    views,
    query: (q) => bus.execute(q),
    close: async () => {
      await ledger.close();
      await store.close();
      await target?.close();
    },
  };
}
