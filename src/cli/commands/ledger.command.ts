import { verifyLedger } from '../../ledger/maintenance';
import { CommandExit, EXIT } from '../errors';
import { printJson } from '../output/print';

/**
 * `flash ledger verify`: checks every event of the embedded ledger against its hash chain. Exit 0 with
 * the number of events verified; exit 1 naming the first bad position (LEDGER_TAMPERED, LEDGER_CORRUPT,
 * LEDGER_SHRUNK). Under --json: `{ok, events, firstBadPosition?}`, with `error` when not ok.
 */
export async function ledgerVerifyCommand(options: { json?: boolean }): Promise<void> {
  const { file, ...result } = verifyLedger();
  if (result.ok) {
    if (options.json) printJson({ ok: true, events: result.events });
    else console.log(`${file}: ${result.events} event(s) verified, the hash chain is intact`);
    return;
  }
  const { events, firstBadPosition, error } = result;
  if (options.json)
    printJson({
      ok: false,
      events,
      ...(firstBadPosition !== undefined ? { firstBadPosition } : {}),
      error: { code: error.code, message: error.message },
    });
  else {
    const where = firstBadPosition !== undefined ? `, first bad position ${firstBadPosition}` : '';
    console.log(`${file}: ${events} event(s) verified${where}`);
    process.stderr.write(`error ${error.code}: ${error.message}\n`);
  }
  throw new CommandExit(EXIT.failure);
}
