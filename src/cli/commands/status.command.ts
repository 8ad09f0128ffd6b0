import { deployedEnvironments, environmentStatus } from '../../ledger/queries';
import { checkName, locateApp } from '../app/locate-app';
import { printJson, printTable, shortTime, statusStyle, stdoutColors } from '../output/print';
import { appInScope } from './history.command';

export interface StatusOptions {
  app?: string;
  env?: string;
  all?: boolean;
  json?: boolean;
  wide?: boolean;
}

/** `flash status --all` (or outside any app): every app and environment with something deployed. */
async function statusOfAll(options: StatusOptions): Promise<void> {
  const environments = await deployedEnvironments();
  if (options.json) {
    printJson({ ok: true, environments });
    return;
  }
  if (environments.length === 0) {
    console.log('nothing is deployed');
    return;
  }
  printTable(
    [
      { header: 'app.env' },
      { header: 'endpoints', align: 'right' },
      { header: 'version', align: 'right' },
      { header: 'last deployment', style: statusStyle(stdoutColors()) },
      { header: 'when (UTC)' },
      { header: 'deployment' },
    ],
    environments.map((e) => [
      e.key,
      String(e.endpoints.length),
      e.last?.version ? `v${e.last.version}` : '-',
      e.last?.status ?? '-',
      e.last ? shortTime(e.last.requestedAt) : '-',
      e.last ? (options.wide ? e.last.deploymentId : e.last.deploymentId.slice(0, 8)) : '-',
    ]),
    options.wide,
  );
}

/**
 * `flash status [dir]`: what the app's environment has deployed (each resource's endpoint, config
 * hash and URL); every app and environment with `--all`, or outside an app. Exits 1 when the app has
 * nothing deployed in the environment, with or without `--json`.
 */
export async function statusCommand(dir: string | undefined, options: StatusOptions): Promise<void> {
  const inScope = dir === undefined ? appInScope(options) : locateApp(dir, options.app).name;
  if (inScope === undefined) return statusOfAll(options);
  const app = inScope;
  const environment = options.env ?? 'production';
  checkName('environment', environment);
  const status = await environmentStatus(app, environment);
  const { lastDeployment: last, endpoints: inventory, resources_endpoints: urls } = status;
  if (options.json) {
    printJson({ ok: true, ...status });
    return;
  }
  if (last) {
    const c = stdoutColors();
    console.log(
      `${app}/${environment}: v${last.version ?? '-'} ${statusStyle(c)(last.status)}, deployment ${last.deploymentId} (${shortTime(last.requestedAt)} UTC)`,
    );
  }
  printTable(
    [
      { header: 'resource' },
      { header: 'endpoint' },
      { header: 'config' },
      { header: 'key' },
      { header: 'url' },
    ],
    Object.entries(inventory).map(([name, e]) => [
      name,
      e.endpointId,
      e.configHash.slice(0, 15),
      e.keyFingerprint ? 'yes' : 'no',
      urls[name] ?? e.url ?? '-',
    ]),
    options.wide,
  );
}
