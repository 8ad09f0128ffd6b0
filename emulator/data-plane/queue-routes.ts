import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { runRequestSchema, TERMINAL_STATUSES } from '../../worker/contract/job';
import { replyError } from '../http/errors';
import { handlersWith, type RouteHandler } from '../http/route-handler';
import type { ControlState } from '../state/control-state';
import type { EndpointRecord } from '../state/records';
import type { Supervisor } from '../supervisor/supervisor';
import type { Job, JobQueue } from './job-queue';
import { workerCounters } from './worker-counters';

export interface QueueRouteOptions {
  state: ControlState;
  jobs: JobQueue;
  supervisor: Supervisor;
  /** Most jobs waiting per endpoint before /run answers 429. Default 10,000. */
  maxQueued?: number;
}

type QueueRoute = { Params: { endpointId: string; jobId?: string }; Querystring: { wait?: string } };
type QueueRequest = FastifyRequest<QueueRoute>;
type Handler = RouteHandler<QueueRouteOptions, QueueRoute>;

const clampWait = (raw: unknown, fallback: number): number => {
  const n = Number(raw);
  return Number.isFinite(n) && raw !== undefined ? Math.min(300_000, Math.max(1000, n)) : fallback;
};

/** The endpoint in the path, if it is a QB one; otherwise the answer is sent and undefined returned. */
function endpointFor(
  o: QueueRouteOptions,
  req: QueueRequest,
  reply: FastifyReply,
): EndpointRecord | undefined {
  const endpoint = o.state.get('endpoint', req.params.endpointId);
  if (!endpoint) {
    replyError(reply, 404, 'ENDPOINT_NOT_FOUND', `no endpoint ${req.params.endpointId}`);
    return undefined;
  }
  if (endpoint.type !== 'QB') {
    reply.code(400).send({ error: 'not allowed for QB API' });
    return undefined;
  }
  return endpoint;
}

/** The QB endpoint and the job in the path, the job being that endpoint's; otherwise the answer is sent. */
function jobFor(o: QueueRouteOptions, req: QueueRequest, reply: FastifyReply): Job | undefined {
  if (!endpointFor(o, req, reply)) return undefined;
  const job = req.params.jobId ? o.jobs.get(req.params.jobId) : undefined;
  if (!job || job.endpointId !== req.params.endpointId) {
    replyError(
      reply,
      404,
      'JOB_NOT_FOUND',
      `no job ${req.params.jobId} on endpoint ${req.params.endpointId} (unknown, or past its retention)`,
    );
    return undefined;
  }
  return job;
}

/** Queues the body's job on the endpoint, unless the body is not a run request or the queue is full. */
function submit(
  o: QueueRouteOptions,
  req: QueueRequest,
  reply: FastifyReply,
  sync: boolean,
): Job | undefined {
  const endpoint = endpointFor(o, req, reply);
  if (!endpoint) return undefined;
  const parsed = runRequestSchema.safeParse(req.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`;
    replyError(reply, 400, 'BAD_REQUEST', `the body must be {"input": ...}: ${where}`);
    return undefined;
  }
  const maxQueued = o.maxQueued ?? 10_000;
  if (o.jobs.depth(endpoint.id).inQueue >= maxQueued) {
    replyError(
      reply,
      429,
      'QUEUE_FULL',
      `endpoint ${endpoint.name} has ${maxQueued} jobs waiting: retry later`,
    );
    return undefined;
  }
  const job = o.jobs.submit(endpoint.id, parsed.data, sync, endpoint.executionTimeoutMs);
  o.supervisor.onDemand(endpoint.id);
  return job;
}

/** `POST /run`: as RunPod, answered at once, with the job accepted into the queue. */
const run: Handler = async (o, req, reply) => {
  const job = submit(o, req, reply, false);
  return job ? reply.send({ id: job.id, status: 'IN_QUEUE' }) : reply;
};

/** `POST /runsync`: waits for the job's end up to `?wait=`; a job still running is then kept for /status. */
const runSync: Handler = async (o, req, reply) => {
  const job = submit(o, req, reply, true);
  if (!job) return reply;
  const done = (await o.jobs.waitTerminal(job.id, clampWait(req.query.wait, 90_000))) ?? job;
  if (!TERMINAL_STATUSES.includes(done.status)) o.jobs.announce(done);
  return reply.send(o.jobs.toObject(done));
};

const status: Handler = async (o, req, reply) => {
  const job = jobFor(o, req, reply);
  return job ? reply.send(o.jobs.toObject(job)) : reply;
};

const statusSync: Handler = async (o, req, reply) => {
  const job = jobFor(o, req, reply);
  if (!job) return reply;
  const done = (await o.jobs.waitTerminal(job.id, clampWait(req.query.wait, 90_000))) ?? job;
  return reply.send(o.jobs.toObject(done));
};

/** `GET /stream`: the chunks streamed since the last call; each is handed out once. */
const stream: Handler = async (o, req, reply) => {
  const job = jobFor(o, req, reply);
  if (!job) return reply;
  const chunks = job.stream.splice(0).map((output) => ({ output }));
  return reply.send({ status: job.status, stream: chunks });
};

const cancel: Handler = async (o, req, reply) => {
  const job = jobFor(o, req, reply);
  if (!job) return reply;
  o.jobs.cancel(job.id);
  return reply.send({ id: job.id, status: job.status });
};

const retry: Handler = async (o, req, reply) => {
  const job = jobFor(o, req, reply);
  if (!job) return reply;
  if (o.jobs.retry(job.id) === 'not_retryable')
    return replyError(
      reply,
      400,
      'JOB_NOT_RETRYABLE',
      `job ${job.id} is ${job.status}: only FAILED or TIMED_OUT jobs can be retried`,
    );
  o.supervisor.onDemand(job.endpointId);
  return reply.send({ id: job.id, status: 'IN_QUEUE' });
};

const purgeQueue: Handler = async (o, req, reply) => {
  const endpoint = endpointFor(o, req, reply);
  return endpoint ? reply.send({ removed: o.jobs.purge(endpoint.id), status: 'completed' }) : reply;
};

const health: Handler = async (o, req, reply) => {
  const endpoint = endpointFor(o, req, reply);
  if (!endpoint) return reply;
  const { counters } = workerCounters(o.jobs, o.supervisor, endpoint.id);
  const { completed, failed, inProgress, inQueue, retried } = o.jobs.counts(endpoint.id);
  return reply.send({ jobs: { completed, failed, inProgress, inQueue, retried }, workers: counters });
};

const metrics: Handler = async (o, req, reply) => {
  const endpoint = endpointFor(o, req, reply);
  if (!endpoint) return reply;
  const { counters, readyWorkers } = workerCounters(o.jobs, o.supervisor, endpoint.id);
  return reply.send({ workers: counters, readyWorkers });
};

/** The cloud's key or this endpoint's `aiKey` (route-auth.ts). */
const ENDPOINT_ROUTE = { config: { access: 'endpoint' as const } };

/** The `/v2/{endpointId}` queue data plane, as RunPod serves it (docs/RUNPOD.md, "Queue endpoints"). */
export function registerQueueRoutes(app: FastifyInstance, options: QueueRouteOptions): void {
  const on = handlersWith<QueueRouteOptions, QueueRoute>(options);
  // as RunPod: /run takes at most 10 MB, /runsync 20 MB
  app.post<QueueRoute>('/v2/:endpointId/run', { ...ENDPOINT_ROUTE, bodyLimit: 10 * 1024 * 1024 }, on(run));
  app.post<QueueRoute>(
    '/v2/:endpointId/runsync',
    { ...ENDPOINT_ROUTE, bodyLimit: 20 * 1024 * 1024 },
    on(runSync),
  );
  app.get<QueueRoute>('/v2/:endpointId/status/:jobId', ENDPOINT_ROUTE, on(status));
  app.get<QueueRoute>('/v2/:endpointId/status-sync/:jobId', ENDPOINT_ROUTE, on(statusSync));
  app.get<QueueRoute>('/v2/:endpointId/stream/:jobId', ENDPOINT_ROUTE, on(stream));
  app.post<QueueRoute>('/v2/:endpointId/cancel/:jobId', ENDPOINT_ROUTE, on(cancel));
  app.post<QueueRoute>('/v2/:endpointId/retry/:jobId', ENDPOINT_ROUTE, on(retry));
  app.post<QueueRoute>('/v2/:endpointId/purge-queue', ENDPOINT_ROUTE, on(purgeQueue));
  app.get<QueueRoute>('/v2/:endpointId/health', ENDPOINT_ROUTE, on(health));
  app.get<QueueRoute>('/v2/:endpointId/metrics', ENDPOINT_ROUTE, on(metrics));
}
