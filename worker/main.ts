import type { FastifyInstance } from 'fastify';
import type { Dispatcher } from 'undici';
import { loadEndpoint, loadManifest, WorkerStartError } from './app-loader';
import { appFolder } from './boot/app-folder';
import { createLogger, type WorkerLogger } from './logger';
import { createHealthApp, createLbApp } from './lb/lb-app';
import { decideMode, type WorkerMode } from './mode';
import { startJobLoop } from './qb/job-loop';
import { watchCloudLifeline } from './runtime/cloud-lifeline';
import { createRuntime, installRuntime } from './runtime/flash-runtime';
import { peerLookupFrom } from './runtime/peer-lookup';
import { ServiceRegistry } from './runtime/service-registry';
import { undici } from './runtime/undici-lazy';

export interface RunningWorker {
  mode: WorkerMode;
  resource: string;
  /** The LB app's port once listening. */
  port?: number;
  stop(): Promise<void>;
}

export interface WorkerOptions {
  env?: NodeJS.ProcessEnv;
  dispatcher?: Dispatcher;
  logger?: WorkerLogger;
}

/** The worker's log: JSON lines on stderr naming its resource and worker, the platform's keys hidden. */
function workerLogger(env: NodeJS.ProcessEnv): WorkerLogger {
  return createLogger({ resource: env.FLASH_RESOURCE_NAME ?? '', worker: env.RUNPOD_POD_ID }, [
    env.RUNPOD_API_KEY,
    env.RUNPOD_AI_API_KEY,
  ]);
}

/**
 * `FLASH_STOP_GRACE_MS`: how long a stopped QB worker may finish the jobs it holds. Unset, it finishes
 * them, however long they take: the platform decides when a stopping worker is killed.
 */
function stopGraceMs(env: NodeJS.ProcessEnv): number {
  const value = Number(env.FLASH_STOP_GRACE_MS);
  return Number.isSafeInteger(value) && value > 0 ? value : Number.POSITIVE_INFINITY;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value)
    throw new WorkerStartError('ENV_MISSING', `${name} is not set: the platform sets it for every worker`);
  return value;
}

/**
 * Starts the endpoint runtime. A deployed worker first unpacks its app's artifact, as on RunPod
 * (boot/app-folder.ts); a live worker (flash dev) runs the code each request ships.
 */
export async function startWorker(options: WorkerOptions = {}): Promise<RunningWorker> {
  const env = options.env ?? process.env;
  const resourceName = env.FLASH_RESOURCE_NAME ?? '';
  const logger = options.logger ?? workerLogger(env);
  let made = options.dispatcher;
  const dispatcher = (): Dispatcher =>
    (made ??= new (undici().Agent)({ keepAliveTimeout: 30_000, connections: 64 }));
  if (env.FLASH_ENDPOINT_TYPE?.trim().toLowerCase() === 'live') return startLiveWorker(env, logger);
  const appDir = await appFolder(env);
  const manifest = loadManifest(appDir);
  const decision = decideMode(env, manifest);
  if (!decision.ok) throw new WorkerStartError('MODE_INVALID', decision.message);
  if (decision.deprecation) logger.warn(decision.deprecation);
  required(env, 'FLASH_RESOURCE_NAME');

  const samePort = !env.PORT_HEALTH || env.PORT_HEALTH === env.PORT;
  let ready = false;
  let health: FastifyInstance | undefined;
  if (decision.mode === 'lb' && !samePort) {
    health = createHealthApp(() => ready);
    await health.listen({ port: Number(env.PORT_HEALTH), host: env.FLASH_WORKER_HOST ?? '0.0.0.0' });
  }

  const lookup = peerLookupFrom(env);
  const peers = lookup.ok
    ? {
        apiKey: lookup.apiKey,
        registry: new ServiceRegistry({
          self: resourceName,
          environment: lookup.environmentId,
          negativeTtlMs: Number(env.FLASH_REGISTRY_NEGATIVE_TTL_MS ?? 2000),
          // the State Manager client loads with the first lookup, not at start
          read: async () =>
            (await import('./runtime/state-manager-reader')).readResourcesEndpoints({
              graphqlUrl: lookup.graphqlUrl,
              apiKey: lookup.apiKey,
              environmentId: lookup.environmentId,
              dispatcher: dispatcher(),
            }),
        }),
      }
    : lookup;
  const { resource, definition } = loadEndpoint(appDir, manifest, resourceName);
  installRuntime(
    createRuntime({
      self: resourceName,
      manifest,
      own: definition.kind === 'queue' ? definition : undefined,
      peers,
      dispatcher,
      callTimeoutMs: Number(env.FLASH_CALL_TIMEOUT_MS ?? 300_000),
    }),
  );

  if (decision.mode === 'qb') {
    if (definition.kind !== 'queue')
      throw new WorkerStartError(
        'MODE_MISMATCH',
        `${resourceName} is a load-balanced endpoint but the worker runs in qb mode: fix FLASH_ENDPOINT_TYPE`,
      );
    await definition.warm();
    const loop = startJobLoop({
      definition,
      dispatcher: dispatcher(),
      logger,
      concurrency: resource.max_concurrency ?? 1,
      api: {
        takeUrl: required(env, 'RUNPOD_WEBHOOK_GET_JOB'),
        doneUrl: required(env, 'RUNPOD_WEBHOOK_POST_OUTPUT'),
        pingUrl: env.RUNPOD_WEBHOOK_PING,
        pingIntervalMs: Number(env.RUNPOD_PING_INTERVAL ?? 10_000),
        workerKey: env.RUNPOD_AI_API_KEY ?? '',
        workerId: env.RUNPOD_POD_ID ?? 'local-worker',
      },
    });
    logger.info('worker ready', { mode: 'qb' });
    return { mode: 'qb', resource: resourceName, stop: () => loop.stop(stopGraceMs(env)) };
  }
  if (definition.kind !== 'load_balanced')
    throw new WorkerStartError(
      'MODE_MISMATCH',
      `${resourceName} is a queue endpoint but the worker runs in lb mode: fix FLASH_ENDPOINT_TYPE`,
    );
  const app = createLbApp(definition, logger, { ping: samePort });
  await app.listen({ port: Number(env.PORT ?? 80), host: env.FLASH_WORKER_HOST ?? '0.0.0.0' });
  ready = true;
  const address = app.server.address();
  logger.info('worker ready', {
    mode: 'lb',
    port: typeof address === 'object' && address ? address.port : undefined,
  });
  return {
    mode: 'lb',
    resource: resourceName,
    port: typeof address === 'object' && address ? address.port : undefined,
    stop: async () => {
      ready = false; // /ping answers 204 again: no new request should come
      await app.close();
      await health?.close();
    },
  };
}

/**
 * A live worker for `flash dev`: it runs the code each `/execute` request ships. The code-shipping module
 * is imported here and nowhere else, so a deployed (qb or lb) worker never loads it.
 */
async function startLiveWorker(env: NodeJS.ProcessEnv, logger: WorkerLogger): Promise<RunningWorker> {
  const { createLiveApp } = await import('./live/live-app');
  const app = createLiveApp();
  await app.listen({ port: Number(env.PORT ?? 80), host: env.FLASH_WORKER_HOST ?? '0.0.0.0' });
  let health: FastifyInstance | undefined;
  if (env.PORT_HEALTH && env.PORT_HEALTH !== env.PORT) {
    health = createHealthApp(() => true);
    await health.listen({ port: Number(env.PORT_HEALTH), host: env.FLASH_WORKER_HOST ?? '0.0.0.0' });
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : undefined;
  logger.info('worker ready', { mode: 'live', port });
  return {
    mode: 'live',
    resource: env.FLASH_RESOURCE_NAME ?? 'live',
    port,
    stop: async () => {
      await app.close();
      await health?.close();
    },
  };
}

if (require.main === module) {
  const logger = workerLogger(process.env);
  // started by the local cloud: exit, saying why, once it is gone (never the case on RunPod)
  watchCloudLifeline(process.env, logger);
  startWorker({ logger })
    .then((worker) => {
      const stop = (): void => void worker.stop().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    })
    .catch((error: unknown) => {
      const code = error instanceof WorkerStartError ? error.code : 'WORKER_FAILED';
      process.stderr.write(
        `${JSON.stringify({ level: 'error', code, message: (error as Error).message, stack: (error as Error).stack })}\n`,
      );
      process.exit(1);
    });
}
