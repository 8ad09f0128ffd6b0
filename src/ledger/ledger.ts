import { join } from 'node:path';
import type { Query } from '@nestjs/cqrs';
import { flashHome } from '../adapters/eventstore/ledger-config';
import type { EventStore, RecordedEvent } from '../adapters/eventstore/eventstore.port';
import { openEventStore } from '../adapters/eventstore/open-event-store';
import type { DeployTarget } from '../adapters/runpod/deploy-target.port';
import type { TargetOptions } from '../adapters/runpod/deploy-target';
import type { ProjectionRunner } from '../adapters/views/projection-runner';
import { createLedgerApp, type LedgerApp } from '../app.module';
import {
  ExecuteDeploymentCommand,
  ReleaseEnvironmentCommand,
  RequestDeploymentCommand,
  ResumeDeploymentCommand,
  type RequestOutcome,
} from '../commands/deployment/deployment.messages';
import { fold } from '../domain/deployment/deployment.decider';
import type { DeploymentEvent, DeploymentRequestedData } from '../domain/deployment/deployment.events';
import type { Deployment } from '../domain/deployment/deployment.state';
import { isDeploymentEvent, toDomainEvent } from '../domain/domain-events';
import { deploymentStream } from '../domain/streams';
import type { Clock } from '../reactors/clock';
import type { PublishPolicy } from '../reactors/publication.saga';
import { workLeft } from './work-left';

export interface LedgerOptions {
  /** A folder holding this ledger's `ledger.db` and `projections.db` (tests, benchmarks); default `FLASH_LEDGER` / `$FLASH_HOME`. */
  home?: string;
  /** The event store; default the one `FLASH_LEDGER` selects (the embedded `$FLASH_HOME/ledger.db` unless it names EventStoreDB). */
  store?: EventStore;
  /** SQLite file of the views; default `$FLASH_HOME/projections.db`. */
  viewsFile?: string;
  /**
   * Where deploys go; a ledger opened only to read needs none. Options (where and which key) are composed
   * into the target by the application and closed with the ledger; a built target stays its caller's.
   */
  target?: DeployTarget | TargetOptions;
  /** State Manager retry policy; default from `FLASH_PUBLISH_ATTEMPTS` / `FLASH_PUBLISH_BACKOFF_MS`. */
  publishPolicy?: PublishPolicy;
  /** Default the system clock. */
  clock?: Clock;
}

export type { PublishPolicy, RequestOutcome };

/** What a use case reports while a deployment runs: each new event of it, as recorded. */
export type OnEvent = (event: DeploymentEvent, recorded: RecordedEvent) => void;

/**
 * The application's door onto one ledger: the commands a deployment is made of, the watch that drives its
 * reactors to the end, and the query bus. Front doors (the CLI, `flash dev`, tests, benchmarks) use this
 * and the use cases built on it, never the container, the store's adapters or the buses directly.
 */
export class Ledger {
  private constructor(
    private readonly composed: LedgerApp,
    private readonly ownsStore: boolean,
  ) {}

  static async open(options: LedgerOptions = {}): Promise<Ledger> {
    const home = options.home;
    const store =
      options.store ??
      (await openEventStore(home ? { kind: 'sqlite', file: join(home, 'ledger.db') } : undefined));
    try {
      const composed = await createLedgerApp({
        store,
        viewsFile: options.viewsFile ?? join(home ?? flashHome(), 'projections.db'),
        ...(options.target ? { target: options.target } : {}),
        ...(options.publishPolicy ? { publishPolicy: options.publishPolicy } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      });
      return new Ledger(composed, !options.store);
    } catch (error) {
      if (!options.store) await store.close();
      throw error;
    }
  }

  get store(): EventStore {
    return this.composed.store;
  }

  /** Where this ledger's deployments go (opened with a target). */
  get target(): DeployTarget {
    const target = this.composed.target;
    if (!target) throw new Error('the ledger was opened without a deploy target');
    return target;
  }

  /** The checkpointed views of this ledger. */
  get views(): ProjectionRunner {
    const views = this.composed.views;
    if (!views) throw new Error('the ledger was opened without its views');
    return views;
  }

  /** The time to stamp on a command, from the composed clock. */
  now(): string {
    return this.composed.clock.now().toISOString();
  }

  /** Asks the query bus (the views, caught up with the ledger first). */
  query<T>(query: Query<T>): Promise<T> {
    return this.composed.queries.execute(query);
  }

  request(request: DeploymentRequestedData): Promise<RequestOutcome> {
    return this.composed.commands.execute(
      new RequestDeploymentCommand(request, {
        actor: request.requestedBy,
        correlationId: request.deploymentId,
      }),
    );
  }

  resume(deploymentId: string, by: string): Promise<RequestOutcome> {
    return this.composed.commands.execute(
      new ResumeDeploymentCommand(deploymentId, by, this.now(), { actor: by, correlationId: deploymentId }),
    );
  }

  /** Frees an environment held by a deployment that has ended (`outcome` says how). */
  async release(
    place: { app: string; environment: string; target: 'local' | 'runpod' },
    deploymentId: string,
    outcome: 'succeeded' | 'failed' | 'rejected',
    by: string,
  ): Promise<void> {
    const { app, environment, target } = place;
    await this.composed.commands.execute(
      new ReleaseEnvironmentCommand(app, environment, target, deploymentId, outcome, this.now(), {
        actor: by,
        correlationId: deploymentId,
      }),
    );
  }

  /** The deployment's state now, folded from its stream. */
  async deployment(deploymentId: string): Promise<Deployment> {
    const events = await this.store.read(deploymentStream(deploymentId));
    return fold(events.map(toDomainEvent).filter(isDeploymentEvent));
  }

  /**
   * Runs the reactors for one deployment in this process until it ends (or `signal` aborts), reporting
   * each new event of the deployment as it is recorded. Answers the deployment's state then.
   */
  async drive(
    deploymentId: string,
    onEvent: OnEvent = () => undefined,
    signal?: AbortSignal,
  ): Promise<Deployment> {
    const reactors = this.composed.reactors;
    if (!reactors) throw new Error('the ledger was opened without a deploy target');
    const stream = deploymentStream(deploymentId);
    const seen = new Set((await this.store.read(stream)).map((e) => e.id));
    const report = (recorded: RecordedEvent): void => {
      if (seen.has(recorded.id)) return;
      seen.add(recorded.id);
      const event = toDomainEvent(recorded);
      if (isDeploymentEvent(event)) onEvent(event, recorded);
    };
    const last = (await this.store.read(stream, { direction: 'backwards', limit: 1 }))[0];
    const watch = this.store.subscribeToAll({ fromPosition: last?.position ?? 'start' });
    const watching = (async () => {
      for await (const recorded of watch) if (recorded.stream === stream) report(recorded);
    })();
    try {
      await reactors.run(deploymentId, signal);
    } finally {
      await watch.close();
      await watching.catch(() => undefined);
    }
    (await this.store.read(stream)).forEach(report);
    return this.deployment(deploymentId);
  }

  /**
   * Ends a deployment that was stopped on purpose (Ctrl-C) while it ran: records DeploymentFailed with
   * DEPLOYMENT_INTERRUPTED and frees the environment, so `flash deploy --resume` can finish it later and
   * nobody waits for a lock that no process holds any more. Answers the state after.
   */
  async interrupt(deploymentId: string, by: string): Promise<Deployment> {
    const state = await this.deployment(deploymentId);
    if (state.status !== 'active') return state;
    const meta = { actor: by, correlationId: deploymentId };
    const left = workLeft(state);
    await this.composed.commands.execute(
      new ExecuteDeploymentCommand(
        {
          type: 'FailDeployment',
          data: {
            deploymentId,
            code: 'DEPLOYMENT_INTERRUPTED',
            failedResources: [],
            message: `stopped by ${by} with ${left.length} step(s) left (${left.join(', ')}); run \`flash deploy --resume ${deploymentId}\` to finish it`,
            at: this.now(),
          },
        },
        meta,
      ),
    );
    const { app, environment, target } = state.request;
    await this.release({ app, environment, target: target.kind }, deploymentId, 'failed', by);
    return this.deployment(deploymentId);
  }

  async close(): Promise<void> {
    await this.composed.close();
    if (this.ownsStore) await this.store.close();
  }
}
