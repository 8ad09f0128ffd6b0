import { deployedEnvironments, environmentStatus } from '../../ledger/queries';
import { checkName, locateApp } from '../app/locate-app';
import { printJson, printTable, shortTime, statusStyle, stdoutColors } from '../output/print';
import { appInScope } from './history.command';

export interface StatusOptions {
  /** `--no-health`: the ledger's view alone, without asking the target. */
  health?: boolean;
  app?: string;
  env?: string;
  all?: boolean;
  json?: boolean;
  wide?: boolean;
}

type Health = Awaited<ReturnType<typeof import('../../ledger/observe').environmentHealth>>;

/**
 * Each endpoint's workers and jobs, read from its `/health` on the target (loaded only now: `flash status`
 * stays light until it asks). A target that cannot be asked gives every resource its reason.
 */
async function healthOf(app: string, environment: string): Promise<Health> {
  const { environmentHealth } = await import('../../ledger/observe');
  try {
    return await environmentHealth(app, environment);
  } catch (error) {
    const { endpoints } = await environmentStatus(app, environment);
    return Object.fromEntries(Object.keys(endpoints).map((r) => [r, { error: (error as Error).message }]));
  }
}

/** `idle/running/starting` workers and `queued/running/done/failed` jobs, or `-` when unknown. */
function healthCells(entry: Health[string] | undefined): [string, string] {
  if (!entry || 'error' in entry) return ['-', '-'];
  const { workers: w, jobs: j } = entry.health;
  return [
    `${w.idle ?? 0} idle, ${w.running ?? 0} running, ${w.initializing ?? 0} starting`,
    `${j.inQueue ?? 0} queued, ${j.inProgress ?? 0} running, ${j.completed ?? 0} done, ${j.failed ?? 0} failed`,
  ];
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
  const health = options.health === false ? {} : await healthOf(app, environment);
  if (options.json) {
    printJson({ ok: true, ...status, health });
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
      { header: 'workers' },
      { header: 'jobs' },
      { header: 'url' },
    ],
    Object.entries(inventory).map(([name, e]) => [
      name,
      e.endpointId,
      e.configHash.slice(0, 15),
      e.keyFingerprint ? 'yes' : 'no',
      ...healthCells(health[name]),
      urls[name] ?? e.url ?? '-',
    ]),
    options.wide,
  );
  const unreachable = Object.values(health).find((h) => 'error' in h);
  if (unreachable && 'error' in unreachable) console.log(`health not read: ${unreachable.error}`);
}
