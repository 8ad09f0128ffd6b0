import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../adapters/eventstore/eventstore.port';
import { decide, evolve, initialState } from '../../domain/deployment/deployment.decider';
import { DEPLOYMENT_EVENTS_VERSION, type DeploymentEvent } from '../../domain/deployment/deployment.events';
import { deploymentStream } from '../../domain/streams';
import { appendDecided, load, retryOnConflict } from '../ledger/aggregate';
import { isDeploymentEvent } from '../ledger/domain-events';
import { ExecuteDeploymentCommand } from './deployment.messages';

/**
 * Fault injection for the resume tests: with `FLASH_FAULT_CRASH_AFTER=<EventType>` the process kills
 * itself (SIGKILL, no clean-up) right after appending an event of that type, as a crash would.
 */
function crashIfAsked(events: readonly DeploymentEvent[]): void {
  const type = process.env.FLASH_FAULT_CRASH_AFTER;
  if (type && events.some((e) => e.type === type)) process.kill(process.pid, 'SIGKILL');
}

@CommandHandler(ExecuteDeploymentCommand)
export class ExecuteDeploymentHandler implements ICommandHandler<ExecuteDeploymentCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ command, meta }: ExecuteDeploymentCommand): Promise<DeploymentEvent[]> {
    const stream = deploymentStream(command.data.deploymentId);
    return retryOnConflict(async () => {
      const { state, revision } = await load(this.store, stream, initialState, evolve, isDeploymentEvent);
      const events = decide(command, state);
      await appendDecided(this.store, stream, events, revision, meta, DEPLOYMENT_EVENTS_VERSION);
      crashIfAsked(events);
      return events;
    });
  }
}
