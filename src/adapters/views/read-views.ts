import { join } from 'node:path';
import { ledgerShrunk } from '../eventstore/eventstore.errors';
import { flashHome, homeOfLedger, ledgerConfigFromEnv } from '../eventstore/ledger-config';
import { viewsAt } from '../eventstore/sqlite/ledger-witnesses';
import { sqliteLedgerHead } from '../eventstore/sqlite/sqlite-head';
import type { Projection } from '../../projections/projection';
import { ViewTable } from './view-table';

/** `$FLASH_HOME/projections.db`: where the CLI keeps its views. */
export const viewsFile = (env: NodeJS.ProcessEnv = process.env): string =>
  join(flashHome(env), 'projections.db');

/** The view types of a list of projections, in order. */
export type ViewsOf<V extends readonly Projection<unknown>[]> = {
  [K in keyof V]: V[K] extends Projection<infer T> ? T : never;
};

/**
 * Views caught up with the ledger, for commands that only read. When the ledger is the embedded file
 * and every view asked for is stored at its last position, the stored bodies are the answer: no event
 * is read, and neither the store nor the event schemas are loaded (this is what keeps `flash history`
 * fast). Otherwise the checkpointed runner folds what is new first, and stores it for the next reader.
 * Views stored past the ledger's last event are never served: the ledger shrank (LEDGER_SHRUNK).
 */
export async function readViews<const V extends readonly Projection<unknown>[]>(
  projections: V,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ViewsOf<V>> {
  const config = ledgerConfigFromEnv(env);
  const file = viewsFile(env);
  if (config.kind === 'sqlite') {
    const home = homeOfLedger(config.file, env);
    let head = sqliteLedgerHead(config.file, home ? { home } : {});
    const table = new ViewTable(file);
    try {
      const stored = table.load(projections.map((p) => p.name));
      let ahead = 0n;
      for (const view of stored.values())
        if (view.position !== undefined && view.position > ahead) ahead = view.position;
      if (ahead > (head ?? 0n)) {
        head = sqliteLedgerHead(config.file); // another process may have appended since the first read
        if (ahead > (head ?? 0n)) throw ledgerShrunk(config.file, head ?? 0n, viewsAt(file, ahead));
      }
      const current = projections.map((p) => {
        const view = stored.get(p.name);
        if (head === undefined) return { ok: true, body: view?.body ?? p.initial() };
        return { ok: view?.position === head, body: view?.body };
      });
      if (current.every((c) => c.ok))
        // stored by these projections (or their initial views): their shapes by construction
        return current.map((c) => c.body) as ViewsOf<V>;
    } finally {
      table.close();
    }
  }
  const [{ openEventStore }, { ProjectionRunner }] = await Promise.all([
    import('../eventstore/open-event-store'),
    import('./projection-runner'),
  ]);
  const store = await openEventStore(config);
  try {
    const runner = new ProjectionRunner(store, file, projections);
    try {
      await runner.catchUp();
      return projections.map((p) => runner.view(p.name)) as ViewsOf<V>;
    } finally {
      runner.close();
    }
  } finally {
    await store.close();
  }
}
