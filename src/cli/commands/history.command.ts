import { appNameOf, findAppRoot } from '../app/locate-app';
import { deploymentHistory } from '../../ledger/queries';
import { checkName } from '../app/locate-app';
import { printJson, printTable, seconds, shortTime, statusStyle, stdoutColors } from '../output/print';

export interface HistoryOptions {
  app?: string;
  env?: string;
  all?: boolean;
  json?: boolean;
  wide?: boolean;
}

/** The app `history` and `status` show: `--app`, else the app around the current folder (none: every app). */
export function appInScope(options: { app?: string; all?: boolean }): string | undefined {
  if (options.app !== undefined) {
    checkName('app', options.app);
    return options.app;
  }
  if (options.all) return undefined;
  const root = findAppRoot(process.cwd());
  return root ? appNameOf(root).name : undefined;
}

/** `flash history`: the app's deployments (every app with `--all` or outside an app), oldest first. */
export async function historyCommand(options: HistoryOptions): Promise<void> {
  const app = appInScope(options);
  const records = await deploymentHistory({
    ...(app ? { app } : {}),
    ...(options.env ? { environment: options.env } : {}),
  });
  if (options.json) {
    printJson({ ok: true, app: app ?? null, environment: options.env ?? null, deployments: records });
    return;
  }
  if (records.length === 0) {
    console.log(app ? `${app} has no deployments in the ledger yet` : 'no deployments in the ledger yet');
    return;
  }
  const c = stdoutColors();
  printTable(
    [
      { header: 'version', align: 'right' },
      { header: 'requested (UTC)' },
      { header: app ? 'env' : 'app/env' },
      { header: 'who' },
      { header: 'commit' },
      { header: 'status', style: statusStyle(c) },
      { header: 'took', align: 'right' },
      { header: 'changes' },
      { header: 'deployment' },
    ],
    records.map((r) => [
      r.version === null ? '-' : `v${r.version}`,
      shortTime(r.requestedAt),
      app ? r.environment : `${r.app}/${r.environment}`,
      r.requestedBy.replace(/^user:/, ''),
      r.gitCommit ? r.gitCommit.slice(0, 8) : '-',
      r.status + (r.failure ? ` (${r.failure.code})` : r.rejection ? ` (${r.rejection.code})` : ''),
      seconds(r.durationMs),
      `+${r.actions.created} ~${r.actions.updated} =${r.actions.unchanged} -${r.actions.removed}` +
        (r.trigger?.kind === 'heal'
          ? ` (heal: v${r.rollbackOf?.version ?? '-'} again)`
          : r.rollbackOf
            ? ` (rollback to v${r.rollbackOf.version})`
            : '') +
        (r.trigger?.kind === 'push' ? ` (push ${r.trigger.commit.slice(0, 8)})` : ''),
      options.wide ? r.deploymentId : r.deploymentId.slice(0, 8),
    ]),
    options.wide,
  );
}
