import type { Deployment } from '../../domain/deployment/deployment.state';
import { FlashError } from '../../domain/errors';
import { printJson, printTable, stdoutColors } from '../output/print';

/** The end of a deploy: a table of its endpoints, or the failure as an error (exit 1). */
export function reportDeployment(
  state: Deployment,
  deploymentId: string,
  version: number,
  started: number,
  options: { json?: boolean; wide?: boolean },
): void {
  if (state.status === 'none') throw new FlashError('DEPLOYMENT_NOT_FOUND', `no deployment ${deploymentId}`);
  const resources = Object.fromEntries(
    Object.values(state.resources).map((r) => [
      r.planned.name,
      {
        type: r.planned.isLoadBalanced ? 'LB' : 'QB',
        action: r.action ?? null,
        endpointId: r.endpointId ?? null,
        url: r.url ?? null,
      },
    ]),
  );
  const removed = Object.entries(state.removals)
    .filter(([, r]) => r.removed)
    .map(([n]) => n);
  const summary = {
    deploymentId,
    app: state.request.app,
    environment: state.request.environment,
    version,
    status: state.status,
    resources,
    removed,
    durationMs: Date.now() - started,
  };
  const failure = state.status === 'failed' ? state.failure : undefined;
  if (state.status !== 'succeeded')
    throw new FlashError(
      failure?.code ?? 'DEPLOYMENT_FAILED',
      failure?.message ?? `deployment ${deploymentId} ended ${state.status}`,
      { details: summary },
    );
  if (options.json) {
    printJson({ ok: true, ...summary });
    return;
  }
  const c = stdoutColors();
  console.log(
    `${c.green('deployed')} ${summary.app} to ${summary.environment} (version ${version}, deployment ${deploymentId}) in ${(summary.durationMs / 1000).toFixed(1)} s`,
  );
  printTable(
    [
      { header: 'resource' },
      { header: 'type' },
      { header: 'action' },
      { header: 'endpoint' },
      { header: 'url' },
    ],
    [
      ...Object.entries(resources).map(([name, r]) => [
        name,
        r.type,
        String(r.action),
        r.endpointId ?? '-',
        r.url ?? '-',
      ]),
      ...removed.map((name) => [name, '', 'removed', '-', '-']),
    ],
    options.wide,
  );
}
