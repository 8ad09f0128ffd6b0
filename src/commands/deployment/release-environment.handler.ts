import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../adapters/eventstore/eventstore.port';
import { ReleaseEnvironmentCommand } from './deployment.messages';
import { runEnvironmentCommand } from './environment-lock';

@CommandHandler(ReleaseEnvironmentCommand)
export class ReleaseEnvironmentHandler implements ICommandHandler<ReleaseEnvironmentCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(c: ReleaseEnvironmentCommand): Promise<void> {
    await runEnvironmentCommand(
      this.store,
      { app: c.app, environment: c.environment, target: c.target },
      { type: 'ReleaseEnvironment', data: { deploymentId: c.deploymentId, outcome: c.outcome, at: c.at } },
      c.meta,
    );
  }
}
