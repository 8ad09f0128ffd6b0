import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../adapters/eventstore/eventstore.port';
import { fold, resumable } from '../../domain/deployment/deployment.decider';
import type { StartedDeployment } from '../../domain/deployment/deployment.state';
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
    // who may resume is the domain's rule (decide applies it again when it records the resume); its
    // refusal comes back as the outcome, before the environment's lock is touched
    let started: StartedDeployment;
    try {
      started = resumable(state, deploymentId);
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, code: error.code, message: error.message };
      throw error;
    }
    const { app, environment } = started.request;
    const place = { app, environment, target: started.request.target.kind };
    try {
      const known = await versionOf(this.store, place, deploymentId);
      const { version } = await runEnvironmentCommand(
        this.store,
        place,
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
