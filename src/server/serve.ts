import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { FlashError } from '../ledger/serve-queries';
import { registerDashboardRoute } from './dashboard.route';
import { DeploymentRuns } from './deployment-runs';
import { EventStreams } from './event-streams';
import { HookIntake, registerHookRoute } from './hooks.route';
import { ServerModule } from './server.module';
import { loadTokens, type ServeTokens } from './tokens';
import { react } from '../ledger/reactions';
import type { Progress } from '../ledger/progress';

export { isLoopback } from './tokens';

export interface ServeOptions {
  /** Default 7720; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default the ones in `$FLASH_HOME/serve/tokens.json` (made on first use). */
  tokens?: ServeTokens;
  heartbeatMs?: number;
  /** Lines about background work (a resumed deployment's end); default stderr. */
  log?: (line: string) => void;
  /**
   * Run the reactors on recorded outside events (push to deploy, drift to heal) while serving. Default
   * true; `flash serve --no-react` leaves them to `flash react`.
   */
  react?: boolean;
}

export interface RunningServer {
  /** `http://host:port`. */
  url: string;
  port: number;
  tokens: ServeTokens;
  /** Event streams open now. */
  openStreams(): number;
  /** Ends the event streams, stops the runs it started (recorded as interrupted), then closes. */
  close(): Promise<void>;
}

/** Starts `flash serve`'s Nest application over fastify. */
export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const tokens = options.tokens ?? loadTokens();
  const adapter = new FastifyAdapter();
  const app = await NestFactory.create<NestFastifyApplication>(
    ServerModule.forRoot({
      tokens,
      ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
      ...(options.log ? { log: options.log } : {}),
    }),
    adapter,
    { logger: false, abortOnError: false },
  );
  // POST /v1/hooks/:source: on fastify directly (raw body, its own size cap), before Nest adds its routes
  registerHookRoute(adapter.getInstance(), app.get(HookIntake));
  // GET / and /assets/*: the web dashboard (no token: the page holds no data; its calls send one)
  registerDashboardRoute(adapter.getInstance());
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen(options.port ?? 7720, host);
  } catch (error) {
    await app.close().catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new FlashError(
        'PORT_IN_USE',
        `${host}:${options.port ?? 7720} is taken: stop what listens there, or pick another --port`,
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new FlashError(
        'HOST_UNAVAILABLE',
        `cannot listen on ${host}: give an address of this machine with --host`,
      );
    throw error;
  }
  const reactors = options.react === false ? undefined : startReactors(options.log);
  const address = app.getHttpServer().address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${address.port}`,
    port: address.port,
    tokens,
    openStreams: () => app.get(EventStreams).size,
    close: () =>
      (closing ??= (async () => {
        await app.get(EventStreams).closeAll();
        await reactors?.stop();
        await app.get(DeploymentRuns).stopAll();
        await app.close();
      })()),
  };
}

/** A progress that writes each line to the server's log and keeps nothing else (no terminal here). */
function logProgress(log: (line: string) => void): Progress {
  return { step: () => undefined, line: log, done: () => undefined, fail: () => undefined };
}

/**
 * The reactors, following the ledger from their checkpoint until the server stops; a failure is logged and
 * they start again a few seconds later from the same checkpoint, so nothing is lost or done twice.
 */
function startReactors(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): {
  stop(): Promise<void>;
} {
  const controller = new AbortController();
  const progress = logProgress((line) => log(`react: ${line}`));
  const loop = (async () => {
    let said = '';
    while (!controller.signal.aborted) {
      try {
        await react({
          once: false,
          signal: controller.signal,
          progress,
          onStart: () => {
            if (said) log('react: running the reactors');
            said = '';
          },
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // another process runs the reactors: said once, and the lease is asked for again every 5 s
        const line =
          error instanceof FlashError && error.code === 'REACTOR_RUNNING'
            ? `react: waiting: ${message}`
            : `react: stopped (${message}); again in 5 s`;
        if (line !== said) log(line);
        said = line;
        await new Promise((r) => setTimeout(r, 5_000).unref());
      }
    }
  })();
  return {
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
}
