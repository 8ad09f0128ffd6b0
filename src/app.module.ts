import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule, QueryBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from './adapters/eventstore/eventstore.port';
import { openEventStore } from './adapters/eventstore/open-event-store';
import { ALL_PROJECTIONS } from './projections';
import { ProjectionRunner } from './adapters/views/projection-runner';
import { PROJECTION_RUNNER } from './projections/view-source.port';
import { QUERY_HANDLERS } from './projections/queries';
import { deployTarget, type TargetOptions } from './adapters/runpod/deploy-target';
import { DEPLOY_TARGET, type DeployTarget } from './adapters/runpod/deploy-target.port';
import { DEPLOYMENT_HANDLERS } from './commands/deployment';
import { CLOCK, systemClock, type Clock } from './reactors/clock';
import { DeploymentReactors } from './reactors/deployment-reactors';
import { ProvisioningReactor } from './reactors/provisioning.reactor';
import {
  PUBLISH_POLICY,
  PublicationSaga,
  publishPolicyFromEnv,
  type PublishPolicy,
} from './reactors/publication.saga';

export interface LedgerAppOptions {
  /** The event store; default: the one `FLASH_LEDGER` selects (embedded SQLite unless it names EventStoreDB). */
  store?: EventStore;
  /**
   * Where deploys go; commands that only read the ledger need none. Given as options, the target is
   * composed here and closed with the app; given built, its owner closes it.
   */
  target?: DeployTarget | TargetOptions;
  /** State Manager retry policy; default from `FLASH_PUBLISH_ATTEMPTS` / `FLASH_PUBLISH_BACKOFF_MS`. */
  publishPolicy?: PublishPolicy;
  /** SQLite file of the views (the CLI: `$FLASH_HOME/projections.db`); without it no query handler is registered. */
  viewsFile?: string;
  /** The time reactors and use cases stamp on commands; default the system clock. */
  clock?: Clock;
}

/** The one composition root: the store (embedded by default), the buses, handlers, reactors and saga. */
@Module({})
export class LedgerModule {
  static register(
    store: EventStore,
    options: Omit<LedgerAppOptions, 'target'> & { target?: DeployTarget },
    views?: ProjectionRunner,
  ): DynamicModule {
    return {
      module: LedgerModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: PUBLISH_POLICY, useValue: options.publishPolicy ?? publishPolicyFromEnv() },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        ...DEPLOYMENT_HANDLERS,
        ...(views ? [{ provide: PROJECTION_RUNNER, useValue: views }, ...QUERY_HANDLERS] : []),
        // reactors only where there is somewhere to deploy to
        ...(options.target
          ? [
              { provide: DEPLOY_TARGET, useValue: options.target },
              ProvisioningReactor,
              PublicationSaga,
              DeploymentReactors,
            ]
          : []),
      ],
      exports: [EVENT_STORE],
    };
  }
}

/** The composed application, as the door (`src/ledger/`) uses it: resolved once, here. */
export interface LedgerApp {
  app: INestApplicationContext;
  store: EventStore;
  commands: CommandBus;
  queries: QueryBus;
  clock: Clock;
  /** The deployment's reactors, when the app was given a target. */
  reactors?: DeploymentReactors;
  target?: DeployTarget;
  /** The views, when `viewsFile` was given. */
  views?: ProjectionRunner;
  close(): Promise<void>;
}

/** Builds the Nest application context without opening a port; tests and the CLI both use it. */
export async function createLedgerApp(options: LedgerAppOptions = {}): Promise<LedgerApp> {
  const store = options.store ?? (await openEventStore());
  const given = options.target;
  const owned = given && !('control' in given) ? deployTarget(given) : undefined;
  const target = owned ?? (given && 'control' in given ? given : undefined);
  const views = options.viewsFile
    ? new ProjectionRunner(store, options.viewsFile, ALL_PROJECTIONS)
    : undefined;
  const app = await NestFactory.createApplicationContext(
    LedgerModule.register(store, { ...options, target }, views),
    {
      logger: false,
      abortOnError: false,
    },
  );
  await app.init();
  return {
    app,
    store,
    commands: app.get(CommandBus),
    queries: app.get(QueryBus),
    clock: options.clock ?? systemClock,
    ...(target ? { reactors: app.get(DeploymentReactors), target } : {}),
    ...(views ? { views } : {}),
    close: async () => {
      await app.close();
      views?.close();
      if (!options.store) await store.close();
      await owned?.close();
    },
  };
}
