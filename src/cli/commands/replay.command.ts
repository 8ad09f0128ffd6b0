import type { Deployment } from '../../domain/deployment/deployment.state';
import { replay } from '../../ledger/replay';
import { resolveDeploymentId } from '../../ledger/views';
import { printJson, printTable } from '../output/print';

export interface ReplayOptions {
  /** Stop after this many events (all of them when absent). */
  until?: number;
  json?: boolean;
  wide?: boolean;
}

/** A one-line picture of a deployment's state, for reading a replay. */
export function describeState(s: Deployment): string {
  if (s.status === 'none') return 'none';
  const resources = Object.values(s.resources).map((r) => {
    const mark = r.failure
      ? 'failed'
      : r.url
        ? 'url'
        : r.endpointId
          ? (r.action ?? 'provisioned')
          : r.keyFingerprint
            ? 'key'
            : 'pending';
    return `${r.planned.name}=${mark}`;
  });
  const removals = Object.entries(s.removals).map(([n, r]) => `${n}=${r.removed ? 'removed' : 'to-remove'}`);
  const phase = s.published
    ? 'published'
    : s.finalized
      ? 'finalized'
      : s.build
        ? 'build-active'
        : 'requested';
  return [s.status, phase, ...resources, ...removals].join(' ');
}

/** `flash replay <deploymentId> [--until N]`: folds the deployment's events one by one and prints the state after each. */
export async function replayCommand(given: string, options: ReplayOptions): Promise<void> {
  const deploymentId = await resolveDeploymentId(given);
  const steps = await replay(deploymentId, options.until);
  if (options.json) {
    printJson({ ok: true, deploymentId, steps });
    return;
  }
  printTable(
    [{ header: '#', align: 'right' }, { header: 'event' }, { header: 'actor' }, { header: 'state after it' }],
    steps.map((s) => [String(s.n), s.type, s.actor, describeState(s.state)]),
    options.wide,
  );
}
