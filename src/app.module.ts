import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from './adapters/eventstore/eventstore.port';
import { openEventStore } from './adapters/eventstore/open-event-store';
import { ALL_PROJECTIONS } from './projections';
import { ProjectionRunner } from './adapters/views/projection-runner';
import { PROJECTION_RUNNER } from './projections/projection-runner.token';
import { QUERY_HANDLERS } from './projections/queries';
import { DEPLOY_TARGET, type DeployTarget } from './adapters/runpod/deploy-target';
import { DEPLOYMENT_HANDLERS } from './commands/deployment';
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
  /** Where deploys go; commands that only read the ledger need none. */
  target?: DeployTarget;
  /** State Manager retry policy; default from `FLASH_PUBLISH_ATTEMPTS` / `FLASH_PUBLISH_BACKOFF_MS`. */
  publishPolicy?: PublishPolicy;
  /** SQLite file of the views (the CLI: `$FLASH_HOME/projections.db`); without it no query handler is registered. */
  viewsFile?: string;
}

/** The one composition root: the store (embedded by default), the buses, handlers, reactors and saga. */
@Module({})
export class LedgerModule {
  static register(store: EventStore, options: LedgerAppOptions, views?: ProjectionRunner): DynamicModule {
    return {
      module: LedgerModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: PUBLISH_POLICY, useValue: options.publishPolicy ?? publishPolicyFromEnv() },
        ...DEPLOYMENT_HANDLERS,
        ...(views ? [{ provide: PROJECTION_RUNNER, useValue: views }, ...QUERY_HANDLERS] : []),
        // reactors only where there is somewhere to deploy to
        ...(options.target
          ? [{ provide: DEPLOY_TARGET, useValue: options.target }, ProvisioningReactor, PublicationSaga]
          : []),
      ],
      exports: [EVENT_STORE],
    };
  }
}

export interface LedgerApp {
  app: INestApplicationContext;
  store: EventStore;
  /** The views, when `viewsFile` was given. */
  views?: ProjectionRunner;
  close(): Promise<void>;
}

/** Builds the Nest application context without opening a port; tests and the CLI both use it. */
export async function createLedgerApp(options: LedgerAppOptions = {}): Promise<LedgerApp> {
  const store = options.store ?? (await openEventStore());
  const views = options.viewsFile
    ? new ProjectionRunner(store, options.viewsFile, ALL_PROJECTIONS)
    : undefined;
  const app = await NestFactory.createApplicationContext(LedgerModule.register(store, options, views), {
    logger: false,
    abortOnError: false,
  });
  await app.init();
  return {
    app,
    store,
    ...(views ? { views } : {}),
    close: async () => {
      await app.close();
      views?.close();
      if (!options.store) await store.close();
    },
  };
}
