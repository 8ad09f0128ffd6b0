import { rebuildViews } from '../../ledger/maintenance';
import { CommandExit, EXIT } from '../errors';
import { printJson, printTable } from '../output/print';

/** `flash projections rebuild`: rebuilds every view from position 0 and says whether it equals the incremental one. */
export async function rebuildCommand(options: { json?: boolean }): Promise<void> {
  const all = await rebuildViews();
  const ok = all.every((r) => r.equal);
  if (options.json) printJson({ ok, views: all });
  else
    printTable(
      [{ header: 'view' }, { header: 'events', align: 'right' }, { header: 'rebuilt from position 0' }],
      all.map((r) => [
        r.name,
        String(r.events),
        r.equal ? 'equal to the incremental view' : 'DIFFERS from the incremental view (rebuilt one kept)',
      ]),
      false,
    );
  if (!ok) throw new CommandExit(EXIT.failure);
}
