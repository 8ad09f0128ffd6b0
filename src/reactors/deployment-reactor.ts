import type { CommandBus } from '@nestjs/cqrs';
import type { EventStore, RecordedEvent } from '../adapters/eventstore/eventstore.port';
import type { StartedDeployment } from '../domain/deployment/deployment.state';
import type { Work } from '../domain/deployment/deployment.work';
import type { Clock } from './clock';
import { DeploymentDriver } from './deployment-driver';
import { recorder } from './reactor-context';

/**
 * What every reactor of a deployment shares: a driver fed from the store's subscription that hands it the
 * kinds of work it owns, a recorder that sends outcomes through the command bus as `actor`, and the clock.
 */
export abstract class DeploymentReactor {
  protected readonly record: ReturnType<typeof recorder>;
  readonly driver: DeploymentDriver;

  protected constructor(
    store: EventStore,
    commands: CommandBus,
    private readonly clock: Clock,
    name: string,
    actor: string,
    kinds: ReadonlySet<Work['kind']>,
  ) {
    this.record = recorder(commands, actor);
    this.driver = new DeploymentDriver(store, name, kinds, (w, s, c) => this.perform(w, s, c));
  }

  /** Drives one deployment until it no longer needs this reactor. */
  run(deploymentId: string): Promise<void> {
    return this.driver.drive(deploymentId);
  }

  /** Stops driving once the step in flight is recorded (Ctrl-C); the ledger says what is left. */
  stop(): void {
    this.driver.stop();
  }

  protected now(): string {
    return this.clock.now().toISOString();
  }

  protected abstract perform(
    work: Work,
    s: StartedDeployment,
    cause: RecordedEvent | undefined,
  ): Promise<void>;
}
