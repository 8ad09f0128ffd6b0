import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { runRequestSchema, TERMINAL_STATUSES } from '../../worker/contract/job';
import { replyError } from '../http/errors';
import type { ControlState } from '../state/control-state';
import type { EndpointRecord } from '../state/records';
import type { Supervisor } from '../supervisor/supervisor';
import type { JobQueue } from './job-queue';

export interface QueueRouteOptions {
  state: ControlState;
  jobs: JobQueue;
  supervisor: Supervisor;
  /** Most jobs waiting per endpoint before /run answers 429. Default 10,000. */
  maxQueued?: number;
}

type Params = { endpointId: string; jobId?: string };

const clampWait = (raw: unknown, fallback: number): number => {
  const n = Number(raw);
  return Number.isFinite(n) && raw !== undefined ? Math.min(300_000, Math.max(1000, n)) : fallback;
};

/** The cloud's key or this endpoint's `aiKey` (route-auth.ts). */
const ENDPOINT_ROUTE = { config: { access: 'endpoint' as const } };

/** The `/v2/{endpointId}` queue data plane (runpod-contract.md §2). */
export function registerQueueRoutes(app: FastifyInstance, options: QueueRouteOptions): void {
  const { state, jobs, supervisor } = options;

  const endpointFor = (
    req: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
  ): EndpointRecord | undefined => {
    const endpoint = state.get('endpoint', req.params.endpointId);
    if (!endpoint) {
      replyError(reply, 404, 'ENDPOINT_NOT_FOUND', `no endpoint ${req.params.endpointId}`);
      return undefined;
    }
    if (endpoint.type !== 'QB') {
      reply.code(400).send({ error: 'not allowed for QB API' });
      return undefined;
    }
    return endpoint;
  };

  const jobFor = (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const job = req.params.jobId ? jobs.get(req.params.jobId) : undefined;
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
  };

  const submit = (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, sync: boolean) => {
    const endpoint = endpointFor(req, reply);
    if (!endpoint) return undefined;
    const parsed = runRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      replyError(
        reply,
        400,
        'BAD_REQUEST',
        `the body must be {"input": ...}: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
      );
      return undefined;
    }
    if (jobs.depth(endpoint.id).inQueue >= (options.maxQueued ?? 10_000)) {
      replyError(
        reply,
        429,
        'QUEUE_FULL',
        `endpoint ${endpoint.name} has ${options.maxQueued ?? 10_000} jobs waiting: retry later`,
      );
      return undefined;
    }
    const job = jobs.submit(endpoint.id, parsed.data, sync);
    supervisor.onDemand(endpoint.id);
    return job;
  };

  app.post<{ Params: Params }>(
    '/v2/:endpointId/run',
    { ...ENDPOINT_ROUTE, bodyLimit: 10 * 1024 * 1024 },
    async (req, reply) => {
      const job = submit(req, reply, false);
      return job ? reply.send({ id: job.id, status: 'IN_QUEUE' }) : reply; // as RunPod: accepted into the queue
    },
  );

  app.post<{ Params: Params; Querystring: { wait?: string } }>(
    '/v2/:endpointId/runsync',
    { ...ENDPOINT_ROUTE, bodyLimit: 20 * 1024 * 1024 },
    async (req, reply) => {
      const job = submit(req, reply, true);
      if (!job) return reply;
      const done = (await jobs.waitTerminal(job.id, clampWait(req.query.wait, 90_000))) ?? job;
      if (!TERMINAL_STATUSES.includes(done.status)) jobs.announce(done);
      return reply.send(jobs.toObject(done));
    },
  );

  app.get<{ Params: Params }>('/v2/:endpointId/status/:jobId', ENDPOINT_ROUTE, async (req, reply) => {
    if (!endpointFor(req, reply)) return reply;
    const job = jobFor(req, reply);
    return job ? reply.send(jobs.toObject(job)) : reply;
  });

  app.get<{ Params: Params; Querystring: { wait?: string } }>(
    '/v2/:endpointId/status-sync/:jobId',
    ENDPOINT_ROUTE,
    async (req, reply) => {
      if (!endpointFor(req, reply)) return reply;
      const job = jobFor(req, reply);
      if (!job) return reply;
      return reply.send(
        jobs.toObject((await jobs.waitTerminal(job.id, clampWait(req.query.wait, 90_000))) ?? job),
      );
    },
  );

  app.get<{ Params: Params }>('/v2/:endpointId/stream/:jobId', ENDPOINT_ROUTE, async (req, reply) => {
    if (!endpointFor(req, reply)) return reply;
    const job = jobFor(req, reply);
    if (!job) return reply;
    const chunks = job.stream.splice(0).map((output) => ({ output }));
    return reply.send({ status: job.status, stream: chunks });
  });

  app.post<{ Params: Params }>('/v2/:endpointId/cancel/:jobId', ENDPOINT_ROUTE, async (req, reply) => {
    if (!endpointFor(req, reply)) return reply;
    const job = jobFor(req, reply);
    if (!job) return reply;
    jobs.cancel(job.id);
    return reply.send({ id: job.id, status: job.status });
  });

  app.post<{ Params: Params }>('/v2/:endpointId/retry/:jobId', ENDPOINT_ROUTE, async (req, reply) => {
    if (!endpointFor(req, reply)) return reply;
    const job = jobFor(req, reply);
    if (!job) return reply;
    const retried = jobs.retry(job.id);
    if (retried === 'not_retryable')
      return replyError(
        reply,
        400,
        'JOB_NOT_RETRYABLE',
        `job ${job.id} is ${job.status}: only FAILED or TIMED_OUT jobs can be retried`,
      );
    supervisor.onDemand(job.endpointId);
    return reply.send({ id: job.id, status: 'IN_QUEUE' });
  });

  app.post<{ Params: Params }>('/v2/:endpointId/purge-queue', ENDPOINT_ROUTE, async (req, reply) => {
    const endpoint = endpointFor(req, reply);
    return endpoint ? reply.send({ removed: jobs.purge(endpoint.id), status: 'completed' }) : reply;
  });

  /** Worker counters as `/health` and `/metrics` report them. */
  const workerCounters = (endpointId: string) => {
    const counts = jobs.counts(endpointId);
    const workers = supervisor.workersOf(endpointId);
    const ready = workers.filter((w) => w.ready);
    const counters = {
      idle: Math.max(0, ready.length - counts.inProgress),
      initializing: workers.length - ready.length,
      ready: ready.length,
      running: Math.min(ready.length, counts.inProgress),
      throttled: 0,
      unhealthy: supervisor.problemOf(endpointId) ? 1 : 0,
    };
    return { counts, counters, readyWorkers: ready.map((w) => w.id) };
  };

  app.get<{ Params: Params }>('/v2/:endpointId/health', ENDPOINT_ROUTE, async (req, reply) => {
    const endpoint = endpointFor(req, reply);
    if (!endpoint) return reply;
    const { counts, counters } = workerCounters(endpoint.id);
    return reply.send({
      jobs: {
        completed: counts.completed,
        failed: counts.failed,
        inProgress: counts.inProgress,
        inQueue: counts.inQueue,
        retried: counts.retried,
      },
      workers: counters,
    });
  });

  app.get<{ Params: Params }>('/v2/:endpointId/metrics', ENDPOINT_ROUTE, async (req, reply) => {
    const endpoint = endpointFor(req, reply);
    if (!endpoint) return reply;
    const { counters, readyWorkers } = workerCounters(endpoint.id);
    return reply.send({ workers: counters, readyWorkers });
  });
}
