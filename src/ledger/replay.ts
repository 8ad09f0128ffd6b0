import { openEventStore } from '../adapters/eventstore/open-event-store';
import { evolve, initialState } from '../domain/deployment/deployment.decider';
import type { Deployment } from '../domain/deployment/deployment.state';
import { isDeploymentEvent, toDomainEvent } from '../domain/domain-events';
import { NotFound } from '../domain/errors';
import { deploymentStream } from '../domain/streams';

export interface ReplayStep {
  /** 1-based number of the event in the deployment's stream. */
  n: number;
  position: string;
  type: string;
  actor: string;
  at: string;
  /** The deployment's state after this event. */
  state: Deployment;
}

/** Folds a deployment's events one by one (the first `until` of them when given), keeping the state after each. */
export async function replay(deploymentId: string, until?: number): Promise<ReplayStep[]> {
  const store = await openEventStore();
  try {
    const recorded = await store.read(deploymentStream(deploymentId));
    if (recorded.length === 0)
      throw new NotFound('DEPLOYMENT_NOT_FOUND', `no deployment ${deploymentId} in ${store.location}`);
    const steps: ReplayStep[] = [];
    let state: Deployment = initialState;
    for (const [i, r] of recorded.entries()) {
      if (until !== undefined && i + 1 > until) break;
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
    return steps;
  } finally {
    await store.close();
  }
}
