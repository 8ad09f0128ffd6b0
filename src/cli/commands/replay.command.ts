import { openEventStore } from '../../adapters/eventstore/open-event-store';
import { isDeploymentEvent, toDomainEvent } from '../../domain/domain-events';
import { evolve, initialState } from '../../domain/deployment/deployment.decider';
import type { Deployment } from '../../domain/deployment/deployment.state';
import { NotFound } from '../../domain/errors';
import { resolveDeploymentId } from '../../ledger/deployment-id';
import { printJson, printTable } from '../output/print';
import { deploymentStream } from '../../domain/streams';

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
  const store = await openEventStore();
  const steps: { n: number; position: string; type: string; actor: string; at: string; state: Deployment }[] =
    [];
  try {
    const recorded = await store.read(deploymentStream(deploymentId));
    if (recorded.length === 0)
      throw new NotFound('DEPLOYMENT_NOT_FOUND', `no deployment ${deploymentId} in ${store.location}`);
    let state: Deployment = initialState;
    for (const [i, r] of recorded.entries()) {
      if (options.until !== undefined && i + 1 > options.until) break;
      const event = toDomainEvent(r);
      if (!isDeploymentEvent(event)) continue;
      state = evolve(state, event);
      steps.push({
        n: i + 1,
        position: String(r.position),
        type: r.type,
        actor: r.metadata.actor,
        at: r.recordedAt,
        state,
      });
    }
  } finally {
    await store.close();
  }
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
