import Fastify, { type FastifyInstance } from 'fastify';
import type { Dispatcher } from 'undici';
import { httpErrorHandler } from '../../worker/contract/http-error-reply';
import { jsonBodyParser } from '../../worker/contract/json-body';
import { ArtifactLinks } from '../control-plane/artifact-links';
import type { Faults } from '../control-plane/faults';
import { registerGraphql } from '../control-plane/graphql-route';
import type { JobQueue } from '../data-plane/job-queue';
import { AuthRequests } from '../login/auth-requests';
import { registerLoginPage } from '../login/login-page';
import { registerLbGateway } from '../data-plane/lb-gateway';
import { registerQueueRoutes } from '../data-plane/queue-routes';
import type { StopRequests } from '../data-plane/stop-requests';
import { registerWorkerRoutes } from '../data-plane/worker-routes';
import type { ControlState } from '../state/control-state';
import type { Supervisor } from '../supervisor/supervisor';
import { registerDownloadRoutes } from './download-routes';
import { replyError } from './errors';
import { registerRouteAuth } from './route-auth';
import { registerSecretRoutes } from './secret-routes';
import { registerUploadRoutes } from './upload-routes';
import { registerVolumeRoutes } from './volume-routes';

/** What the cloud's routes serve; each part is made once, by createCloud. */
export interface CloudParts {
  home: string;
  apiKey: string;
  state: ControlState;
  jobs: JobQueue;
  stops: StopRequests;
  supervisor: Supervisor;
  faults: Faults;
  dispatcher: Dispatcher;
  /** The cloud's base URL, known once it listens. */
  cloudUrl: () => string;
  /** Enables `POST /admin/faults`. */
  faultRoutes: boolean;
  takeWaitMs?: number;
  lbWaitMs?: number;
  /** How long a login request waits for its answer. Default 10 minutes (LOGIN_TTL_MS). */
  loginTtlMs?: number;
}

/**
 * The cloud's HTTP app: the control plane (GraphQL, artifact uploads and downloads, volumes, account
 * secrets), the queue and LB data planes, the worker job API and the cloud's own admin routes, all behind
 * one key check. Every error is answered in the cloud's error shape.
 */
export async function createCloudHttpApp(parts: CloudParts): Promise<FastifyInstance> {
  const { state, supervisor } = parts;
  const app = Fastify({ logger: false, bodyLimit: 20 * 1024 * 1024 });
  registerRouteAuth(app, { state, apiKey: () => parts.apiKey }); // before any route, so it guards them all
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  app.setErrorHandler(httpErrorHandler((reply, e) => replyError(reply, e.status, e.code, e.message), 'keep'));
  app.setNotFoundHandler((req, reply) =>
    replyError(reply, 404, 'NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`),
  );
  const authRequests = new AuthRequests(() => parts.apiKey, parts.loginTtlMs);
  registerLoginPage(app, authRequests);
  const artifactLinks = new ArtifactLinks(parts.cloudUrl, () => state.now());
  registerGraphql(app, {
    artifactLinks,
    authRequests,
    state,
    home: parts.home,
    cloudUrl: parts.cloudUrl,
    faults: parts.faults,
    onEndpointChange: (id) => void supervisor.reconcile(id),
  });
  registerQueueRoutes(app, { state, jobs: parts.jobs, supervisor });
  registerWorkerRoutes(app, {
    state,
    jobs: parts.jobs,
    stops: parts.stops,
    supervisor,
    takeWaitMs: parts.takeWaitMs,
  });
  registerVolumeRoutes(app, state);
  registerSecretRoutes(app, state);
  await registerUploadRoutes(app, state);
  registerDownloadRoutes(app, state, artifactLinks);
  await registerLbGateway(app, { state, supervisor, dispatcher: parts.dispatcher, waitMs: parts.lbWaitMs });
  registerAdminRoutes(app, parts);
  return app;
}

/** The cloud's own routes: its health, its workers' logs, and (tests only) injected faults. */
function registerAdminRoutes(app: FastifyInstance, parts: CloudParts): void {
  app.get('/health', async () => ({ status: 'ok', endpoints: parts.state.list('endpoint').length }));
  if (parts.faultRoutes) {
    app.post('/admin/faults', async (req) => {
      parts.faults.set((req.body ?? {}) as Parameters<Faults['set']>[0]);
      return parts.faults.describe();
    });
  }
  // RunPod's logs service (`hapi.runpod.net`), on this origin: one worker's lines
  app.get<{ Params: { workerId: string }; Querystring: { lines?: string } }>(
    '/v1/pod/:workerId/logs',
    async (req, reply) => {
      const found = parts.supervisor.workerLog(req.params.workerId, Number(req.query.lines ?? 1000));
      return found ?? replyError(reply, 404, 'WORKER_NOT_FOUND', `no worker ${req.params.workerId}`);
    },
  );
  app.get<{ Params: { id: string }; Querystring: { lines?: string } }>(
    '/admin/logs/:id',
    async (req, reply) =>
      reply.type('text/plain').send(parts.supervisor.logs(req.params.id, Number(req.query.lines ?? 200))),
  );
}
