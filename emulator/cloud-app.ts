import Fastify, { type FastifyInstance } from 'fastify';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { z } from 'zod';
import { wireCode } from '../worker/contract/errors';
import { jsonBodyParser } from '../worker/contract/json-body';
import { registerGraphql } from './control-plane/graphql-route';
import { Faults } from './control-plane/faults';
import { JobQueue, type ResultLimits } from './data-plane/job-queue';
import { registerLbGateway } from './data-plane/lb-gateway';
import { registerQueueRoutes } from './data-plane/queue-routes';
import { StopRequests } from './data-plane/stop-requests';
import { registerWorkerRoutes } from './data-plane/worker-routes';
import { replyError } from './http/errors';
import { registerRouteAuth } from './http/route-auth';
import { registerUploadRoutes } from './http/upload-routes';
import { registerVolumeRoutes } from './http/volume-routes';
import { CloudDb } from './state/cloud-db';
import { ControlState } from './state/control-state';
import { Supervisor } from './supervisor/supervisor';
import { workerEntry } from './supervisor/worker-entry';

export interface CloudOptions {
  /** `$FLASH_HOME/cloud`: state, artifacts, unpacked apps, volumes, logs, the API key. */
  home: string;
  /** Enables `POST /admin/faults` (tests only). Default false. */
  faults?: boolean;
  /** Long-poll of job-take. Default 20 s. */
  takeWaitMs?: number;
  /** How long an LB request waits for a ready worker. Default 120 s. */
  lbWaitMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Where the cloud's settings are read from (see `resultLimitsFrom`). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export interface Cloud {
  app: FastifyInstance;
  apiKey: string;
  supervisor: Supervisor;
  /** Listens on 127.0.0.1 (port 0 = any); returns the base URL. */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

/** The cloud's API key, created on first start at `<home>/api-key` (mode 600). */
export function cloudApiKey(home: string): string {
  const file = join(home, 'api-key');
  if (!existsSync(file)) {
    mkdirSync(home, { recursive: true });
    writeFileSync(file, `rpa_local_${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/** A cloud setting in its environment that cannot be used; the cloud does not start. */
export class CloudSettingInvalid extends Error {
  readonly code = 'CLOUD_SETTING_INVALID';
}

const positiveWhole = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string()
    .regex(/^\d+$/, 'a positive whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER))
    .optional(),
);
const resultSettings = z.object({
  FLASH_CLOUD_RESULT_TTL_MS: positiveWhole,
  FLASH_CLOUD_RESULT_MAX_COUNT: positiveWhole,
  FLASH_CLOUD_RESULT_MAX_BYTES: positiveWhole,
});

/**
 * How long, and how many, finished /run results the cloud keeps, from its environment; the oldest result
 * goes first when a count or byte limit is passed, and its /status then answers 404 as for an expired job.
 * - `FLASH_CLOUD_RESULT_TTL_MS`: time a /run result is kept after it ends. Default 1800000 (30 min, as RunPod).
 * - `FLASH_CLOUD_RESULT_MAX_COUNT`: most results kept at once (/run and /runsync). Default 100000.
 * - `FLASH_CLOUD_RESULT_MAX_BYTES`: most bytes kept (JSON size of input, output, error and unread stream
 *   of each result). Default 268435456 (256 MiB).
 */
export function resultLimitsFrom(env: NodeJS.ProcessEnv): Partial<ResultLimits> {
  const parsed = resultSettings.safeParse(env);
  if (!parsed.success)
    throw new CloudSettingInvalid(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      { cause: parsed.error },
    );
  const { FLASH_CLOUD_RESULT_TTL_MS: ttlMs, FLASH_CLOUD_RESULT_MAX_COUNT: maxCount } = parsed.data;
  const maxBytes = parsed.data.FLASH_CLOUD_RESULT_MAX_BYTES;
  return {
    ...(ttlMs ? { ttlMs } : {}),
    ...(maxCount ? { maxCount } : {}),
    ...(maxBytes ? { maxBytes } : {}),
  };
}

/** Builds the local cloud; `listen()` opens its port. Tests use `app.inject()` or listen on port 0. */
export async function createCloud(options: CloudOptions): Promise<Cloud> {
  const results = resultLimitsFrom(options.env ?? process.env);
  const apiKey = cloudApiKey(options.home);
  let baseUrl = 'http://127.0.0.1:0';
  const db = new CloudDb(join(options.home, 'cloud.db'), options.log ? { log: options.log } : {});
  const state = new ControlState(db);
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  const loopback = (url: string): boolean =>
    /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\//.test(url);
  const link: { supervisor?: Supervisor } = {}; // the queue is made before the supervisor it notifies
  const stops = new StopRequests();
  const jobs = new JobQueue(db, {
    results,
    onQueued: (endpointId) => link.supervisor?.onDemand(endpointId),
    onCancelRunning: (workerId, jobId) => stops.add(workerId, jobId),
    deliverWebhook: (url, job) => {
      if (!loopback(url))
        return options.log?.('webhook refused: only loopback addresses are reachable from the local cloud', {
          url,
        });
      const send = (attempt: number): void =>
        void request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(job),
          dispatcher,
        })
          .then(async (res) => {
            await res.body.dump();
            if (res.statusCode >= 300 && attempt < 3) setTimeout(() => send(attempt + 1), 10_000).unref();
          })
          .catch(() => attempt < 3 && setTimeout(() => send(attempt + 1), 10_000).unref());
      send(1);
    },
  });
  const running = new Supervisor({
    home: options.home,
    state,
    jobs,
    cloudUrl: () => baseUrl,
    workerEntry: await workerEntry(options.home),
    log: options.log,
  });
  link.supervisor = running;
  const faults = new Faults();
  const sweep = setInterval(() => jobs.sweep(), 5_000);
  sweep.unref();

  const app = Fastify({ logger: false, bodyLimit: 20 * 1024 * 1024 });
  registerRouteAuth(app, { state, apiKey: () => apiKey }); // before any route, so it guards them all
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  app.setErrorHandler((error: { statusCode?: number; message?: string; code?: unknown }, _req, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    return replyError(reply, status, wireCode(error, status), error.message ?? 'error');
  });
  app.setNotFoundHandler((req, reply) =>
    replyError(reply, 404, 'NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`),
  );
  const onEndpointChange = (id: string): void => void running.reconcile(id);
  registerGraphql(app, {
    state,
    home: options.home,
    cloudUrl: () => baseUrl,
    faults,
    onEndpointChange,
  });
  registerQueueRoutes(app, { state, jobs, supervisor: running });
  registerWorkerRoutes(app, { state, jobs, stops, supervisor: running, takeWaitMs: options.takeWaitMs });
  registerVolumeRoutes(app, state);
  await registerUploadRoutes(app, state);
  await registerLbGateway(app, {
    state,
    supervisor: running,
    dispatcher,
    waitMs: options.lbWaitMs,
  });
  app.get('/health', async () => ({ status: 'ok', endpoints: state.list('endpoint').length }));
  if (options.faults) {
    app.post('/admin/faults', async (req) => {
      faults.set((req.body ?? {}) as Parameters<Faults['set']>[0]);
      return faults.describe();
    });
  }
  app.get<{ Params: { id: string }; Querystring: { lines?: string } }>(
    '/admin/logs/:id',
    async (req, reply) =>
      reply.type('text/plain').send(running.logs(req.params.id, Number(req.query.lines ?? 200))),
  );

  return {
    app,
    apiKey,
    supervisor: running,
    listen: async (port = 0) => {
      await app.listen({ port, host: '127.0.0.1' });
      const address = app.server.address();
      baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
      running.start();
      return baseUrl;
    },
    close: async () => {
      clearInterval(sweep);
      await running.stopAll();
      jobs.close();
      stops.close();
      await app.close();
      await dispatcher.close();
      db.close();
    },
  };
}
