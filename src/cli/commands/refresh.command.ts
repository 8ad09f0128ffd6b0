import { FlashError } from '../../domain/errors';
import { react, type Reaction } from '../../ledger/reactions';
import { refresh, setDriftPolicy, type RefreshReport } from '../../ledger/refresh';
import { parseTargetKind } from '../../ledger/target';
import { checkName, locateApp } from '../app/locate-app';
import { printJson, printTable, stdoutColors } from '../output/print';
import { progressOn, type Progress } from '../output/progress';

export interface RefreshOptions {
  app?: string;
  env?: string;
  target?: string;
  json?: boolean;
  wide?: boolean;
}

function printReport(report: RefreshReport, healed: Reaction[], options: RefreshOptions): void {
  if (options.json) {
    printJson({ ok: true, ...report, healed });
    return;
  }
  const where = `${report.app}/${report.environment} on ${report.target}`;
  const c = stdoutColors();
  if (report.drifts.length === 0)
    console.log(`${where}: ${c.green('no drift')} (${report.inLine.length} endpoint(s) as deployed)`);
  else {
    console.log(`${where}: ${c.yellow(`${report.drifts.length} drift(s)`)} (policy ${report.policy})`);
    printTable(
      [{ header: 'resource' }, { header: 'endpoint' }, { header: 'drift' }, { header: 'detail' }],
      report.drifts.map((d) => [d.resource, d.endpointId, d.change, d.detail]),
      options.wide,
    );
  }
  if (report.detected.length > 0)
    console.log(`recorded DriftDetected for ${report.detected.map((d) => d.resource).join(', ')}`);
  if (report.resolved.length > 0) console.log(`recorded DriftResolved for ${report.resolved.join(', ')}`);
  for (const h of healed)
    console.log(
      `healed: deployment ${h.deploymentId} ${h.status ?? h.outcome}${h.error ? `: ${h.error}` : ''}`,
    );
  if (report.drifts.length > 0 && report.policy === 'alert')
    console.log(
      '`flash deploy` puts back what the ledger holds; `flash env policy <env> heal` does it on every drift',
    );
}

/**
 * `flash refresh [dir]`: compares the environment's endpoints on the target with the ledger and records
 * the drift; under the `heal` policy the reactors then deploy the recorded state (here, before returning).
 */
export async function refreshCommand(dir: string | undefined, options: RefreshOptions): Promise<void> {
  const app = locateApp(dir, options.app);
  const environment = options.env ?? 'production';
  checkName('environment', environment);
  const target = parseTargetKind(options.target);
  const progress = progressOn(options.json);
  const report = await refresh({ app: app.name, environment, target }, progress);
  const healed = report.detected.length > 0 && report.policy === 'heal' ? await healNow(progress) : [];
  printReport(report, healed, options);
}

/** The reactors run once here; when another process runs them (flash serve), that one heals. */
async function healNow(progress: Progress): Promise<Reaction[]> {
  try {
    return await react({ once: true, progress });
  } catch (error) {
    if (!(error instanceof FlashError) || error.code !== 'REACTOR_RUNNING') throw error;
    progress.line(`the drift is recorded; the reactors running elsewhere heal it: ${error.message}`);
    return [];
  }
}

/** `flash env policy <env> <alert|heal>`: what drift leads to in the environment. */
export async function envPolicyCommand(
  environment: string,
  policy: string,
  options: RefreshOptions,
): Promise<void> {
  if (policy !== 'alert' && policy !== 'heal')
    throw new FlashError('USAGE', `the policy is alert or heal, not "${policy}"`);
  checkName('environment', environment);
  const app = locateApp(undefined, options.app);
  const target = parseTargetKind(options.target);
  const changed = await setDriftPolicy(
    { app: app.name, environment, target, policy },
    progressOn(options.json),
  );
  if (options.json) printJson({ ok: true, app: app.name, environment, target, policy, changed });
  else
    console.log(
      `${app.name}/${environment} on ${target}: drift policy ${policy}${changed ? '' : ' (already)'}`,
    );
}

/** `flash react [--follow]`: runs the external-event reactors (push to deploy, drift to heal). */
export async function reactCommand(options: { follow?: boolean; json?: boolean }): Promise<void> {
  const progress = progressOn(options.json);
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const reactions = await react({
      once: !options.follow,
      signal: controller.signal,
      progress,
      onReaction: (r) => {
        if (options.json) printJson({ reaction: r });
        else
          console.log(
            `${r.why} ${r.app}/${r.environment} on ${r.target}: deployment ${r.deploymentId} ${r.outcome}${r.status ? ` (${r.status})` : ''}${r.error ? `: ${r.error}` : ''}`,
          );
      },
    });
    if (options.json) printJson({ ok: true, reactions: reactions.length });
    else if (reactions.length === 0) console.log('nothing to react to');
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
