import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../adapters/eventstore/eventstore.port';
import { decide, evolve, initialState, type Deployment } from '../../domain/deployment/deployment.decider';
import { DEPLOYMENT_EVENTS_VERSION, type DeploymentEvent } from '../../domain/deployment/deployment.events';
import { deploymentStream } from '../../domain/streams';
import { appendDecided, load, retryOnConflict } from '../aggregate';
import { isDeploymentEvent } from '../../domain/domain-events';
import { ExecuteDeploymentCommand } from './deployment.messages';

@CommandHandler(ExecuteDeploymentCommand)
export class ExecuteDeploymentHandler implements ICommandHandler<ExecuteDeploymentCommand> {
  /**
   * The last state this process folded per deployment, so a command reads only the events after it. The
   * append's expected revision still decides: another writer's event makes it conflict, and the retry
   * reads on from the cached revision.
   */
  private readonly folded = new Map<string, { state: Deployment; revision: bigint }>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ command, meta }: ExecuteDeploymentCommand): Promise<DeploymentEvent[]> {
    const stream = deploymentStream(command.data.deploymentId);
    return retryOnConflict(async () => {
      const { state, revision } = await load(
        this.store,
        stream,
        initialState,
        evolve,
        isDeploymentEvent,
        this.folded.get(stream),
      );
      if (typeof revision === 'bigint') this.remember(stream, state, revision);
      const events = decide(command, state);
      const next = await appendDecided(this.store, stream, events, revision, meta, DEPLOYMENT_EVENTS_VERSION);
      if (next !== undefined) this.remember(stream, events.reduce(evolve, state), next);
      return events;
    });
  }

  private remember(stream: string, state: Deployment, revision: bigint): void {
    const current = this.folded.get(stream);
    if (current && current.revision >= revision) return;
    this.folded.delete(stream); // most recent last, so the oldest goes first
    this.folded.set(stream, { state, revision });
    if (this.folded.size > 64) this.folded.delete(this.folded.keys().next().value ?? '');
  }
}
