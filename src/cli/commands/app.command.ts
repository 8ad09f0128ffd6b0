import { listAccount } from '../../ledger/apps';
import { parseTargetKind } from '../../ledger/target';
import { runDelete, type DeleteOptions } from './account-delete';
import { locateApp } from '../app/locate-app';
import { printJson, printTable } from '../output/print';
import { progressOn } from '../output/progress';
import { presenceLabel } from './env.command';

export interface AppListOptions {
  target?: string;
  json?: boolean;
  wide?: boolean;
}

/** `flash app list`: every app of the target and of the ledger, marking those only one side has. */
export async function appListCommand(options: AppListOptions): Promise<void> {
  const kind = parseTargetKind(options.target);
  const account = await listAccount(kind, progressOn(options.json));
  if (options.json) {
    printJson({ ok: true, ...account });
    return;
  }
  if (account.apps.length === 0) {
    console.log(`no apps on ${kind} or in the ledger`);
    return;
  }
  printTable(
    [
      { header: 'app' },
      { header: 'where' },
      { header: 'environments' },
      { header: 'endpoints', align: 'right' },
    ],
    account.apps.map((a) => [
      a.app,
      presenceLabel(a.where),
      a.environments
        .map((e) => (e.where === 'both' ? e.environment : `${e.environment} (${presenceLabel(e.where)})`))
        .join(', ') || '-',
      String(
        a.environments.reduce(
          (n, e) => n + (e.target ? e.target.endpoints.length : (e.ledger?.endpoints.length ?? 0)),
          0,
        ),
      ),
    ]),
    options.wide,
  );
}

/** `flash app delete <name>`: undeploys every environment through the ledger, then deletes the app. */
export async function appDeleteCommand(name: string, options: DeleteOptions): Promise<void> {
  const app = locateApp(undefined, name);
  await runDelete({ app: { root: app.root, name: app.name } }, options);
}
