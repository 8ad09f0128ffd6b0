import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../adapters/eventstore/eventstore.port';
import { DomainError } from '../../domain/errors';
import {
  ExecuteDeploymentCommand,
  RequestDeploymentCommand,
  type RequestOutcome,
} from './deployment.messages';
import { runEnvironmentCommand } from './environment-lock';

@CommandHandler(RequestDeploymentCommand)
export class RequestDeploymentHandler implements ICommandHandler<RequestDeploymentCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  async execute({ request, meta }: RequestDeploymentCommand): Promise<RequestOutcome> {
    const { deploymentId, app, environment, at } = request;
    const recorded = await this.commands.execute(
      new ExecuteDeploymentCommand({ type: 'RequestDeployment', data: request }, meta),
    );
    const rejected = recorded.find((e) => e.type === 'DeploymentRejected');
    if (rejected?.type === 'DeploymentRejected')
      return {
        ok: false,
        code: rejected.data.code,
        message: rejected.data.message,
        details: rejected.data.details,
      };
    try {
      const { version } = await runEnvironmentCommand(
        this.store,
        { app, environment, target: request.target.kind },
        { type: 'LockEnvironment', data: { deploymentId, by: request.requestedBy, at } },
        meta,
      );
      return { ok: true, deploymentId, version };
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'ENVIRONMENT_LOCKED') throw error;
      await this.commands.execute(
        new ExecuteDeploymentCommand(
          {
            type: 'RejectDeployment',
            data: {
              deploymentId,
              code: error.code,
              message: error.message,
              details: { ...error.details },
              at,
            },
          },
          meta,
        ),
      );
      return { ok: false, code: error.code, message: error.message, details: { ...error.details } };
    }
  }
}
