import { join } from 'node:path';
import { flashHome } from '../../adapters/eventstore/ledger-config';
import { openEventStore } from '../../adapters/eventstore/open-event-store';
import { createLedgerApp, type LedgerApp } from '../../app.module';
import type { DeployTarget } from '../../commands/deployment/deploy-target';
import { ALL_PROJECTIONS } from '../../projections';
import { ProjectionRunner } from '../../projections/projection-runner';

export interface LedgerContext {
  ledger: LedgerApp;
  views: ProjectionRunner;
  close(): Promise<void>;
}

/** The ledger this CLI process works on (FLASH_LEDGER or `$FLASH_HOME/ledger.db`) and its views (`$FLASH_HOME/projections.db`). */
export async function openLedger(target?: DeployTarget): Promise<LedgerContext> {
  const store = await openEventStore();
  const ledger = await createLedgerApp({ store, ...(target ? { target } : {}) });
  const views = new ProjectionRunner(store, join(flashHome(), 'projections.db'), ALL_PROJECTIONS);
  return {
    ledger,
    views,
    close: async () => {
      views.close();
      await ledger.close();
      await store.close();
      await target?.close();
    },
  };
}
