import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthGuard, SERVE_TOKENS } from './auth.guard';
import { CommandsController } from './commands.controller';
import { DeploymentRuns, SERVE_LOG, type ServeLog } from './deployment-runs';
import { EndpointsController } from './endpoints.controller';
import { ErrorFilter } from './errors';
import { EventStreams, SSE_HEARTBEAT_MS } from './event-streams';
import { EventsController } from './events.controller';
import { HookIntake } from './hooks.route';
import { HealthController, QueriesController } from './queries.controller';
import type { ServeTokens } from './tokens';

export interface ServerModuleOptions {
  tokens: ServeTokens;
  /** Between two SSE heartbeat comments; default 15 s. */
  heartbeatMs?: number;
  /** Lines about background work (a resumed deployment's end); default stderr. */
  log?: ServeLog;
}

/** `flash serve`: the door's queries and commands over HTTP, behind two bearer tokens. */
@Module({})
export class ServerModule {
  static forRoot(options: ServerModuleOptions): DynamicModule {
    return {
      module: ServerModule,
      controllers: [
        HealthController,
        QueriesController,
        EndpointsController,
        EventsController,
        CommandsController,
      ],
      providers: [
        { provide: SERVE_TOKENS, useValue: options.tokens },
        { provide: SSE_HEARTBEAT_MS, useValue: options.heartbeatMs ?? 15_000 },
        { provide: SERVE_LOG, useValue: options.log ?? ((line: string) => console.error(line)) },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        EventStreams,
        DeploymentRuns,
        HookIntake,
      ],
    };
  }
}
