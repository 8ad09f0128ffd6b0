import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { Agent } from 'undici';
import { cloudApiKey, queueDelayScaleFrom, resultLimitsFrom } from './cloud-settings';
import { Faults } from './control-plane/faults';
import { JobQueue } from './data-plane/job-queue';
import { StopRequests } from './data-plane/stop-requests';
import { webhookDelivery } from './data-plane/webhook-delivery';
import { createCloudHttpApp } from './http/cloud-http-app';
import { loginTtlFrom } from './login/login-settings';
import { CloudDb } from './state/cloud-db';
import { ControlState } from './state/control-state';
import { Supervisor } from './supervisor/supervisor';
import { workerRuntime, type RuntimeKind } from './supervisor/worker-runtime';

export { cloudApiKey, CloudSettingInvalid, queueDelayScaleFrom, resultLimitsFrom } from './cloud-settings';

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
  /**
   * Where the cloud's settings are read from (see `resultLimitsFrom`, `queueDelayScaleFrom`). Default
   * `process.env`.
   */
  env?: NodeJS.ProcessEnv;
  /** How workers run: `process` (default, fast) or `container` (each a container of its endpoint's image). */
  runtime?: RuntimeKind;
}

export interface Cloud {
  app: FastifyInstance;
  apiKey: string;
  supervisor: Supervisor;
  /** Listens on 127.0.0.1 (port 0 = any); returns the base URL. */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

/** Builds the local cloud; `listen()` opens its port. Tests use `app.inject()` or listen on port 0. */
export async function createCloud(options: CloudOptions): Promise<Cloud> {
  const results = resultLimitsFrom(options.env ?? process.env);
  const queueDelayScale = queueDelayScaleFrom(options.env ?? process.env);
  const apiKey = cloudApiKey(options.home);
  let baseUrl = 'http://127.0.0.1:0';
  const db = new CloudDb(join(options.home, 'cloud.db'), options.log ? { log: options.log } : {});
  const state = new ControlState(db);
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  const link: { supervisor?: Supervisor } = {}; // the queue is made before the supervisor it notifies
  const stops = new StopRequests();
  const jobs = new JobQueue(db, {
    results,
    onQueued: (endpointId) => link.supervisor?.onDemand(endpointId),
    onCancelRunning: (workerId, jobId) => stops.add(workerId, jobId),
    deliverWebhook: webhookDelivery(dispatcher, options.log),
  });
  const supervisor = new Supervisor({
    home: options.home,
    state,
    jobs,
    cloudUrl: () => baseUrl,
    runtime: await workerRuntime(options.home, options.runtime ?? 'process', options.env ?? process.env),
    log: options.log,
    dispatcher,
    queueDelayScale,
  });
  link.supervisor = supervisor;
  const sweep = setInterval(() => jobs.sweep(), 5_000);
  sweep.unref();
  const app = await createCloudHttpApp({
    home: options.home,
    apiKey,
    state,
    jobs,
    stops,
    supervisor,
    faults: new Faults(),
    dispatcher,
    cloudUrl: () => baseUrl,
    faultRoutes: options.faults ?? false,
    takeWaitMs: options.takeWaitMs,
    lbWaitMs: options.lbWaitMs,
    loginTtlMs: loginTtlFrom(options.env ?? process.env),
  });

  let closing: Promise<void> | undefined;
  return {
    app,
    apiKey,
    supervisor,
    listen: async (port = 0) => {
      await app.listen({ port, host: '127.0.0.1' });
      const address = app.server.address();
      baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
      supervisor.start();
      return baseUrl;
    },
    // once: a second call waits for the first
    close: () =>
      (closing ??= (async () => {
        clearInterval(sweep);
        await supervisor.stopAll();
        jobs.close();
        stops.close();
        await app.close();
        await dispatcher.close();
        db.close();
      })()),
  };
}
