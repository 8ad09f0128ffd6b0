import { openEventStore } from '../../adapters/eventstore/open-event-store';
import { isDeploymentEvent, toDomainEvent } from '../../commands/ledger/domain-events';
import { evolve, initialState } from '../../domain/deployment/deployment.decider';
import type { Deployment } from '../../domain/deployment/deployment.state';
import { FlashError, NotFound } from '../../domain/errors';
import { deploymentStream } from '../../domain/streams';

export interface ReplayOptions {
  until?: string;
  json?: boolean;
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
export async function replayCommand(deploymentId: string, options: ReplayOptions): Promise<void> {
  const until = options.until === undefined ? Infinity : Number(options.until);
  if (!Number.isInteger(until) || until < 1)
    throw new FlashError('USAGE', `--until takes a positive event number, not ${options.until ?? ''}`);
  const store = await openEventStore();
  try {
    const recorded = await store.read(deploymentStream(deploymentId));
    if (recorded.length === 0)
      throw new NotFound('DEPLOYMENT_NOT_FOUND', `no deployment ${deploymentId} in ${store.location}`);
    let state: Deployment = initialState;
    for (const [i, r] of recorded.entries()) {
      if (i + 1 > until) break;
      const event = toDomainEvent(r);
      if (!isDeploymentEvent(event)) continue;
      state = evolve(state, event);
      if (options.json)
        console.log(
          JSON.stringify({
            n: i + 1,
            position: String(r.position),
            type: r.type,
            actor: r.metadata.actor,
            state,
          }),
        );
      else console.log(`#${String(i + 1).padStart(3)} ${r.type.padEnd(28)} ${describeState(state)}`);
    }
  } finally {
    await store.close();
  }
}
