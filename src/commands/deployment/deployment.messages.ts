import { Command } from '@nestjs/cqrs';
import type { DeploymentCommand } from '../../domain/deployment/deployment.commands';
import type { DeploymentEvent, DeploymentRequestedData } from '../../domain/deployment/deployment.events';
import type { Caused } from '../aggregate';

/** Records one step of a deployment (load, decide, append); answers the events it appended. */
export class ExecuteDeploymentCommand extends Command<DeploymentEvent[]> {
  constructor(
    readonly command: DeploymentCommand,
    readonly meta: Caused,
  ) {
    super();
  }
}

export type RequestOutcome =
  | { ok: true; deploymentId: string; version: number }
  | { ok: false; code: string; message: string; details?: Record<string, unknown> };

/** Opens a deployment: records the request, then takes the environment's lock (or records the rejection). */
export class RequestDeploymentCommand extends Command<RequestOutcome> {
  constructor(
    readonly request: DeploymentRequestedData,
    readonly meta: Caused,
  ) {
    super();
  }
}

/** Picks an interrupted or failed deployment up again: records who resumed it and takes the lock back. */
export class ResumeDeploymentCommand extends Command<RequestOutcome> {
  constructor(
    readonly deploymentId: string,
    readonly by: string,
    readonly at: string,
    readonly meta: Caused,
  ) {
    super();
  }
}

/** Frees the environment when its deployment ended. */
export class ReleaseEnvironmentCommand extends Command<void> {
  constructor(
    readonly app: string,
    readonly environment: string,
    readonly target: 'local' | 'runpod',
    readonly deploymentId: string,
    readonly outcome: 'succeeded' | 'failed' | 'rejected' | 'abandoned',
    readonly at: string,
    readonly meta: Caused,
  ) {
    super();
  }
}
