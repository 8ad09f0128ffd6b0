import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../adapters/eventstore/eventstore.port';
import { fold } from '../../domain/deployment/deployment.decider';
import { DomainError } from '../../domain/errors';
import { deploymentStream } from '../../domain/streams';
import { isDeploymentEvent, toDomainEvent } from '../../domain/domain-events';
import {
  ExecuteDeploymentCommand,
  ResumeDeploymentCommand,
  type RequestOutcome,
} from './deployment.messages';
import { runEnvironmentCommand, versionOf } from './environment-lock';

@CommandHandler(ResumeDeploymentCommand)
export class ResumeDeploymentHandler implements ICommandHandler<ResumeDeploymentCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  async execute({ deploymentId, by, at, meta }: ResumeDeploymentCommand): Promise<RequestOutcome> {
    const state = fold(
      (await this.store.read(deploymentStream(deploymentId))).map(toDomainEvent).filter(isDeploymentEvent),
    );
    if (state.status === 'none')
      return {
        ok: false,
        code: 'DEPLOYMENT_NOT_FOUND',
        message: `no deployment ${deploymentId} in the ledger`,
      };
    if (state.status === 'succeeded' || state.status === 'rejected')
      return {
        ok: false,
        code: state.status === 'succeeded' ? 'DEPLOYMENT_SUCCEEDED' : 'DEPLOYMENT_REJECTED',
        message:
          state.status === 'succeeded'
            ? `deployment ${deploymentId} already succeeded: there is nothing to resume`
            : `deployment ${deploymentId} was rejected (${state.rejection?.code ?? ''}): deploy again instead`,
      };
    const { app, environment } = state.request;
    try {
      const known = await versionOf(this.store, app, environment, deploymentId);
      const { version } = await runEnvironmentCommand(
        this.store,
        app,
        environment,
        { type: 'LockEnvironment', data: { deploymentId, by, at, ...(known ? { version: known } : {}) } },
        meta,
      );
      await this.commands.execute(
        new ExecuteDeploymentCommand({ type: 'ResumeDeployment', data: { deploymentId, by, at } }, meta),
      );
      return { ok: true, deploymentId, version };
    } catch (error) {
      if (error instanceof DomainError)
        return { ok: false, code: error.code, message: error.message, details: { ...error.details } };
      throw error;
    }
  }
}
