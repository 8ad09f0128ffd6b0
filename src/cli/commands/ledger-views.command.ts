import { resolve } from 'node:path';
import { projectName } from '../../build/build-inputs';
import { environmentKey } from '../../projections';
import {
  GetAuditLog,
  GetDeploymentHistory,
  GetEndpointInventory,
  GetResourcesEndpoints,
} from '../../projections/queries';
import { openLedger } from '../deploy/ledger-context';
import { CommandExit, EXIT } from '../errors';

export interface ViewOptions {
  json?: boolean;
  env?: string;
  app?: string;
  all?: boolean;
  deployment?: string;
  limit?: string;
}

async function withViews<T>(
  read: (ctx: Awaited<ReturnType<typeof openLedger>>) => T | Promise<T>,
): Promise<T> {
  const ctx = await openLedger();
  try {
    await ctx.views.catchUp();
    return await read(ctx);
  } finally {
    await ctx.close();
  }
}

const seconds = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** `flash history`: every deployment (version, time, who, git commit, status, duration), newest last. */
export async function historyCommand(options: ViewOptions): Promise<void> {
  const view = await withViews((ctx) => ctx.query(new GetDeploymentHistory()));
  const records = view.order
    .map((id) => view.deployments[id])
    .filter((d) => d !== undefined)
    .filter(
      (d) => (!options.app || d.app === options.app) && (!options.env || d.environment === options.env),
    );
  if (options.json) {
    for (const r of records) console.log(JSON.stringify(r));
    return;
  }
  if (records.length === 0) {
    console.log('no deployments in the ledger yet');
    return;
  }
  console.log(
    table(
      ['version', 'requested at', 'app/env', 'who', 'commit', 'status', 'duration', 'changes', 'deployment'],
      records.map((r) => [
        r.version === null ? '-' : `v${r.version}`,
        r.requestedAt,
        `${r.app}/${r.environment}`,
        r.requestedBy,
        r.gitCommit ? r.gitCommit.slice(0, 8) : '-',
        r.status + (r.failure ? ` (${r.failure.code})` : r.rejection ? ` (${r.rejection.code})` : ''),
        seconds(r.durationMs),
        `+${r.actions.created} ~${r.actions.updated} =${r.actions.unchanged} -${r.actions.removed}`,
        r.deploymentId,
      ]),
    ),
  );
}

/** `flash audit`: every recorded fact with actor, correlation and causation; `--deployment` narrows it to one. */
export async function auditCommand(options: ViewOptions): Promise<void> {
  const view = await withViews((ctx) => ctx.query(new GetAuditLog()));
  let entries = view.entries.filter((e) => !options.deployment || e.deploymentId === options.deployment);
  if (options.limit) entries = entries.slice(-Math.max(1, Number(options.limit) || 50));
  if (options.json) {
    for (const e of entries) console.log(JSON.stringify(e));
    return;
  }
  for (const e of entries)
    console.log(
      `${e.position.padStart(6)}  ${e.at}  ${e.actor.padEnd(24)}  ${e.type.padEnd(28)}  ${e.summary}`,
    );
  if (entries.length === 0) console.log('nothing recorded yet');
}

/** `flash status [dir]`: what the environment has deployed: each resource's endpoint, config hash and URL. */
export async function statusCommand(dir: string | undefined, options: ViewOptions): Promise<void> {
  const app = options.app ?? projectName(resolve(dir ?? '.'));
  const environment = options.env ?? 'production';
  const key = environmentKey(app, environment);
  const { inventory, urls, last } = await withViews(async (ctx) => {
    const history = await ctx.query(new GetDeploymentHistory());
    const mine = history.order
      .map((id) => history.deployments[id])
      .filter((d) => d?.app === app && d.environment === environment);
    return {
      inventory: (await ctx.query(new GetEndpointInventory())).environments[key] ?? {},
      urls: (await ctx.query(new GetResourcesEndpoints())).environments[key] ?? {},
      last: mine[mine.length - 1],
    };
  });
  if (options.json) {
    console.log(
      JSON.stringify({
        app,
        environment,
        lastDeployment: last ?? null,
        resources_endpoints: urls,
        endpoints: inventory,
      }),
    );
    return;
  }
  if (Object.keys(inventory).length === 0) {
    console.log(`${app} has nothing deployed in ${environment}`);
    throw new CommandExit(EXIT.failure);
  }
  if (last)
    console.log(
      `${app}/${environment}: last deployment ${last.deploymentId} ${last.status} (v${last.version ?? '-'}, ${last.requestedAt})`,
    );
  console.log(
    table(
      ['resource', 'endpoint', 'config', 'key', 'url'],
      Object.entries(inventory).map(([name, e]) => [
        name,
        e.endpointId,
        e.configHash.slice(0, 15),
        e.keyFingerprint ? 'yes' : 'no',
        urls[name] ?? e.url ?? '-',
      ]),
    ),
  );
}

/** `flash projections rebuild`: rebuilds every view from position 0 and says whether it equals the incremental one. */
export async function rebuildCommand(options: ViewOptions): Promise<void> {
  const all = await withViews((ctx) => ctx.views.rebuild());
  if (options.json) console.log(JSON.stringify({ ok: all.every((r) => r.equal), views: all }));
  else
    for (const r of all)
      console.log(
        `${r.name.padEnd(20)} ${String(r.events).padStart(7)} events  ${r.equal ? 'equal to the incremental view' : 'DIFFERS from the incremental view (rebuilt one kept)'}`,
      );
  if (!all.every((r) => r.equal)) throw new CommandExit(EXIT.failure);
}
