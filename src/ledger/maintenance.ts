import { ledgerConfigFromEnv } from '../adapters/eventstore/ledger-config';
import { openEventStore } from '../adapters/eventstore/open-event-store';
import { verifySqliteLedger } from '../adapters/eventstore/sqlite/sqlite-verify';
import { ProjectionRunner, type RebuildReport } from '../adapters/views/projection-runner';
import { viewsFile } from '../adapters/views/read-views';
import { FlashError } from '../domain/errors';
import { ALL_PROJECTIONS } from '../projections';

export type { RebuildReport };

/** Rebuilds every view from position 0 and says, per view, whether it equals the incremental one. */
export async function rebuildViews(): Promise<RebuildReport[]> {
  const store = await openEventStore();
  const runner = new ProjectionRunner(store, viewsFile(), ALL_PROJECTIONS);
  try {
    return await runner.rebuild();
  } finally {
    runner.close();
    await store.close();
  }
}

/**
 * Checks every event of the embedded ledger against its hash chain; answers the file and the result.
 * EventStoreDB checks its own files, so a ledger there is a usage error.
 */
export function verifyLedger(): { file: string } & ReturnType<typeof verifySqliteLedger> {
  const config = ledgerConfigFromEnv();
  if (config.kind !== 'sqlite')
    throw new FlashError(
      'USAGE',
      `flash ledger verify checks the embedded ledger; FLASH_LEDGER names EventStoreDB (${config.redacted}), which checks its own files: unset FLASH_LEDGER or set it to sqlite:<file>`,
    );
  return { file: config.file, ...verifySqliteLedger(config.file) };
}
