import { collectGarbage } from '../../ledger/gc';
import { printJson } from '../output/print';

export interface GcOptions {
  keep?: number;
  dryRun?: boolean;
  json?: boolean;
}

/** `flash gc`: removes stored build artifacts past each environment's retention. */
export async function gcCommand(options: GcOptions): Promise<void> {
  const result = await collectGarbage({
    ...(options.keep !== undefined ? { keep: options.keep } : {}),
    dryRun: Boolean(options.dryRun),
  });
  if (options.json) {
    printJson({ ok: true, ...result });
    return;
  }
  const mb = (result.freedBytes / 1e6).toFixed(1);
  console.log(
    `${result.dryRun ? 'would remove' : 'removed'} ${result.removed.length} artifact(s) (${mb} MB), kept ${result.kept}: the latest ${result.keep} version(s) of each environment and every deployment in progress`,
  );
}
