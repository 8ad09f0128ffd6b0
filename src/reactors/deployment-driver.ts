import type { EventStore, RecordedEvent } from '../adapters/eventstore/eventstore.port';
import { evolve, initialState, type Deployment } from '../domain/deployment/deployment.decider';
import type { StartedDeployment } from '../domain/deployment/deployment.state';
import { pendingWork, type Work } from '../domain/deployment/deployment.work';
import { deploymentStream } from '../domain/streams';
import { load } from '../commands/aggregate';
import { isDeploymentEvent } from '../domain/domain-events';

export type Perform = (
  work: Work,
  state: StartedDeployment,
  cause: RecordedEvent | undefined,
) => Promise<void>;

/**
 * Feeds a reactor from the store's subscription, one deployment at a time, with a saved checkpoint.
 * Each step reloads the deployment, asks the domain what is pending, and performs the kinds of work
 * this reactor owns, in parallel. Work is derived from state, not from the event alone, so a process
 * that died anywhere resumes from the ledger; the checkpoint only says where reading restarts.
 */
export class DeploymentDriver {
  constructor(
    private readonly store: EventStore,
    private readonly name: string,
    private readonly kinds: ReadonlySet<Work['kind']>,
    private readonly perform: Perform,
  ) {}

  private readonly folded = new Map<string, { state: Deployment; revision: bigint }>();

  /** The deployment now: the events after the last fold are read and folded on. */
  private async load(deploymentId: string): Promise<StartedDeployment | undefined> {
    const loaded = await load(
      this.store,
      deploymentStream(deploymentId),
      initialState,
      evolve,
      isDeploymentEvent,
      this.folded.get(deploymentId),
    );
    if (typeof loaded.revision === 'bigint')
      this.folded.set(deploymentId, { state: loaded.state, revision: loaded.revision });
    return loaded.state.status === 'none' ? undefined : loaded.state;
  }

  /** Performs what is pending; answers true once the deployment no longer needs this reactor. */
  private async step(deploymentId: string, cause: RecordedEvent | undefined): Promise<boolean> {
    const state = await this.load(deploymentId);
    if (!state || state.status !== 'active') return true;
    const mine = pendingWork(state).filter((w) => this.kinds.has(w.kind));
    await Promise.all(mine.map((w) => this.perform(w, state, cause)));
    return false;
  }

  /** Drives one deployment until it ends (or `stop()` is called). */
  async drive(deploymentId: string): Promise<void> {
    this.folded.delete(deploymentId);
    const stream = deploymentStream(deploymentId);
    const checkpoint = `${this.name}:${deploymentId}`;
    let from = await this.store.checkpoints.load(checkpoint);
    if (from === undefined) {
      const first = (await this.store.read(stream, { limit: 1 }))[0];
      from = first && first.position > 0n ? first.position - 1n : undefined;
    }
    if ((await this.step(deploymentId, undefined)) || this.stopped) return;
    const subscription = this.store.subscribeToAll({ fromPosition: from ?? 'start' });
    this.stops.add(() => void subscription.close());
    try {
      for await (const event of subscription) {
        if (event.stream !== stream) continue;
        const done = await this.step(deploymentId, event);
        await this.store.checkpoints.save(checkpoint, event.position);
        if (done || this.stopped) return;
      }
    } finally {
      this.folded.delete(deploymentId);
      await subscription.close();
    }
  }

  private readonly stops = new Set<() => void>();
  private stopped = false;

  /** Stops every drive of this driver after the step in flight; a stopped driver drives no more. */
  stop(): void {
    this.stopped = true;
    for (const stop of this.stops) stop();
    this.stops.clear();
  }
}
