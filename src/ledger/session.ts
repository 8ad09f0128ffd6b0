import { checkEmbeddedLedger } from '../adapters/eventstore/sqlite/sqlite-head';
import { Ledger } from './ledger';
import type { Progress } from './progress';
import { locateTarget, type TargetKind } from './target';

/**
 * Opens this process's ledger with a deploy target of `kind` (the local cloud is started when it is not
 * running), runs `work`, and closes both. A damaged embedded ledger is refused before the cloud starts.
 */
export async function withTarget<T>(
  kind: TargetKind,
  progress: Progress,
  work: (ledger: Ledger) => Promise<T>,
): Promise<T> {
  checkEmbeddedLedger();
  const target = await locateTarget(kind, {
    start: true,
    onStart: (url) => progress.step(`starting the local cloud at ${url}`),
  });
  progress.done();
  const ledger = await Ledger.open({ target });
  try {
    return await work(ledger);
  } finally {
    await ledger.close();
  }
}
