import type { EnvironmentListing } from '../../ledger/apps';
import { listAccount } from '../../ledger/apps';
import { parseTargetKind } from '../../ledger/target';
import { runDelete, type DeleteOptions } from './account-delete';
import { checkName, locateApp } from '../app/locate-app';
import { printJson, printTable, shortTime, statusStyle, stdoutColors } from '../output/print';
import { progressOn } from '../output/progress';
import { appInScope } from './history.command';

export interface EnvListOptions {
  app?: string;
  all?: boolean;
  target?: string;
  json?: boolean;
  wide?: boolean;
}

/** Where a row exists, as the table shows it: both sides, or the one side that has it. */
export const presenceLabel = (where: 'both' | 'ledger' | 'target'): string =>
  where === 'both' ? 'both' : `${where} only`;

/**
 * `flash env list`: the environments of the app around the current folder (or `--app`; every app with
 * `--all` or outside an app), as the ledger knows them and as the target holds them.
 */
export async function envListCommand(options: EnvListOptions): Promise<void> {
  const app = appInScope(options);
  const kind = parseTargetKind(options.target);
  const account = await listAccount(kind, progressOn(options.json));
  const environments: EnvironmentListing[] = account.apps
    .filter((a) => app === undefined || a.app === app)
    .flatMap((a) => a.environments);
  if (options.json) {
    printJson({ ok: true, target: account.target, app: app ?? null, environments });
    return;
  }
  if (environments.length === 0) {
    console.log(`${app ?? 'no app'} has no environments on ${kind} or in the ledger`);
    return;
  }
  printTable(
    [
      { header: 'app' },
      { header: 'environment' },
      { header: 'where' },
      { header: 'version', align: 'right' },
      { header: 'status', style: statusStyle(stdoutColors()) },
      { header: 'endpoints', align: 'right' },
      { header: 'last deploy (UTC)' },
    ],
    environments.map((e) => [
      e.app,
      e.environment,
      presenceLabel(e.where),
      e.ledger?.version ? `v${e.ledger.version}` : '-',
      e.ledger?.status ?? '-',
      String(e.target ? e.target.endpoints.length : (e.ledger?.endpoints.length ?? 0)),
      e.ledger ? shortTime(e.ledger.lastDeployedAt) : '-',
    ]),
    options.wide,
  );
}

/** `flash env delete <env>`: undeploys the environment through the ledger, then deletes it from the target. */
export async function envDeleteCommand(
  environment: string,
  options: DeleteOptions & { app?: string },
): Promise<void> {
  checkName('environment', environment);
  const app = locateApp(undefined, options.app);
  await runDelete({ app: { root: app.root, name: app.name }, environment }, options);
}
