import type { EventStore } from '../../adapters/eventstore/eventstore.port';
import { fold } from '../../domain/deployment/deployment.decider';
import {
  decideEnvironment,
  ENVIRONMENT_EVENTS_VERSION,
  evolveEnvironment,
  initialEnvironment,
  type EnvironmentCommand,
  type EnvironmentEvent,
} from '../../domain/environment/environment';
import { deploymentStream, environmentStream } from '../../domain/streams';
import { appendDecided, load, retryOnConflict, type Caused } from '../aggregate';
import { isDeploymentEvent, isEnvironmentEvent, toDomainEvent } from '../../domain/domain-events';

/** One environment of one app on one target: the environment stream it locks. */
export interface EnvironmentPlace {
  app: string;
  environment: string;
  target: 'local' | 'runpod';
}

/** Whether a deployment has ended (so a lock it still holds may be taken over). */
async function hasEnded(store: EventStore, deploymentId: string): Promise<boolean> {
  const events = (await store.read(deploymentStream(deploymentId)))
    .map(toDomainEvent)
    .filter(isDeploymentEvent);
  const state = fold(events);
  return state.status === 'none' || state.status !== 'active';
}

/** The version an environment gave a deployment when it first locked it, if it did. */
export async function versionOf(
  store: EventStore,
  place: EnvironmentPlace,
  deploymentId: string,
): Promise<number | undefined> {
  for (const r of await store.read(environmentStream(place.app, place.environment, place.target))) {
    const e = toDomainEvent(r);
    if (e?.type === 'EnvironmentLocked' && e.data.deploymentId === deploymentId) return e.data.version;
  }
  return undefined;
}

/** Load, decide, append on the environment's stream; a lock whose holder has ended is taken over. */
export function runEnvironmentCommand(
  store: EventStore,
  place: EnvironmentPlace,
  command: EnvironmentCommand,
  meta: Caused,
): Promise<{ events: EnvironmentEvent[]; version: number }> {
  const stream = environmentStream(place.app, place.environment, place.target);
  return retryOnConflict(async () => {
    const { state, revision } = await load(
      store,
      stream,
      initialEnvironment,
      evolveEnvironment,
      isEnvironmentEvent,
    );
    let cmd = command;
    if (cmd.type === 'LockEnvironment' && state.holder && state.holder.deploymentId !== cmd.data.deploymentId)
      cmd = { ...cmd, data: { ...cmd.data, holderEnded: await hasEnded(store, state.holder.deploymentId) } };
    const events = decideEnvironment(cmd, state);
    await appendDecided(store, stream, events, revision, meta, ENVIRONMENT_EVENTS_VERSION);
    const after = events.reduce(evolveEnvironment, state);
    return { events, version: after.holder?.version ?? after.version };
  });
}

/** The deployment that holds an environment now, if one does and it has not ended. */
export async function activeHolder(
  store: EventStore,
  place: EnvironmentPlace,
): Promise<{ deploymentId: string; by: string; since: string } | undefined> {
  const { state } = await load(
    store,
    environmentStream(place.app, place.environment, place.target),
    initialEnvironment,
    evolveEnvironment,
    isEnvironmentEvent,
  );
  if (!state.holder || (await hasEnded(store, state.holder.deploymentId))) return undefined;
  return state.holder;
}
