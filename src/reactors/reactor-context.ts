import type { CommandBus } from '@nestjs/cqrs';
import type { RecordedEvent } from '../adapters/eventstore/eventstore.port';
import type { DeploymentCommand } from '../domain/deployment/deployment.commands';
import type { DeploymentEvent } from '../domain/deployment/deployment.events';
import { FlashError } from '../domain/errors';
import { ExecuteDeploymentCommand } from '../commands/deployment/deployment.messages';

/** Records a reactor's outcome through the command bus, caused by the event that triggered it. */
export function recorder(commands: CommandBus, actor: string) {
  return (command: DeploymentCommand, cause: RecordedEvent | undefined): Promise<DeploymentEvent[]> =>
    commands.execute(
      new ExecuteDeploymentCommand(command, {
        actor,
        correlationId: cause?.metadata.correlationId ?? command.data.deploymentId,
        ...(cause ? { causationId: cause.id } : {}),
      }),
    );
}

/** A stable code and a one-line message for any error a reactor meets. */
export function describe(error: unknown, fallback: string): { code: string; message: string } {
  if (error instanceof FlashError) return { code: error.code, message: error.message };
  return { code: fallback, message: error instanceof Error ? error.message : String(error) };
}
