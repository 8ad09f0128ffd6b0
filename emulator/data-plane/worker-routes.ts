import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jobDoneSchema, type JobDone } from '../../worker/contract/job';
import { parseJson } from '../../worker/contract/json-body';
import { replyError } from '../http/errors';
import type { ControlState } from '../state/control-state';
import type { Supervisor } from '../supervisor/supervisor';
import type { JobQueue, Report } from './job-queue';
import type { StopRequests } from './stop-requests';

type Params = { endpointId: string; workerId: string; jobId?: string };

/** Only the `aiKey` of the endpoint in the path (route-auth.ts): a worker's RUNPOD_AI_API_KEY. */
const WORKER_ROUTE = { config: { access: 'worker' as const } };

const parseDone = (body: unknown): JobDone | undefined => {
  let value = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    // a body sent as text is held to the same depth and size limits as a JSON one
    const json = parseJson(body.toString(), 'the job result');
    if (!json.ok) return undefined;
    value = json.value;
  }
  const parsed = jobDoneSchema.safeParse(value);
  return parsed.success ? (parsed.data as JobDone) : undefined;
};

/**
 * The worker job API RunPod's workers use: take with long poll, done, stream, stop, ping. A worker acts
 * only as a worker of the endpoint in the path, and only on the jobs it holds there; anything else is
 * answered 404/403 with a code, and changes nothing.
 */
export function registerWorkerRoutes(
  app: FastifyInstance,
  options: {
    state: ControlState;
    jobs: JobQueue;
    stops: StopRequests;
    supervisor: Supervisor;
    takeWaitMs?: number;
  },
): void {
  const { state, jobs, supervisor } = options;
  /** The endpoint exists and the worker is one of its workers (running, or stopping with a job). */
  const workerOfEndpoint = (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply): boolean => {
    const { endpointId, workerId } = req.params;
    if (!state.get('endpoint', endpointId)) {
      replyError(reply, 404, 'ENDPOINT_NOT_FOUND', `no endpoint ${endpointId}`);
      return false;
    }
    const known =
      supervisor.workersOf(endpointId).some((w) => w.id === workerId) ||
      jobs.busyWorkers(endpointId).has(workerId);
    if (!known) replyError(reply, 404, 'WORKER_NOT_FOUND', `no worker ${workerId} on endpoint ${endpointId}`);
    return known;
  };
  const refused = (reply: FastifyReply, req: FastifyRequest<{ Params: Params }>, report: Report) => {
    if (report.ok) return undefined;
    const { endpointId, workerId, jobId } = req.params;
    return report.code === 'JOB_NOT_FOUND'
      ? replyError(reply, 404, report.code, `no job ${jobId} on endpoint ${endpointId}`)
      : replyError(reply, 403, report.code, `job ${jobId} is not held by worker ${workerId}`);
  };

  app.get<{ Params: Params }>('/v2/:endpointId/job-take/:workerId', WORKER_ROUTE, async (req, reply) => {
    if (!workerOfEndpoint(req, reply)) return reply;
    supervisor.markSeen(req.params.workerId);
    const job = await jobs.take(req.params.endpointId, req.params.workerId, options.takeWaitMs ?? 20_000);
    if (!job) return reply.code(204).send();
    supervisor.markBusy(req.params.workerId);
    return reply.send({ id: job.id, input: job.input, ...(job.webhook ? { webhook: job.webhook } : {}) });
  });

  app.get<{ Params: Params; Querystring: { batch_size?: string } }>(
    '/v2/:endpointId/job-take-batch/:workerId',
    WORKER_ROUTE,
    async (req, reply) => {
      if (!workerOfEndpoint(req, reply)) return reply;
      supervisor.markBusy(req.params.workerId);
      const size = Math.min(256, Math.max(1, Number(req.query.batch_size) || 1));
      const batch = await jobs.takeBatch(
        req.params.endpointId,
        req.params.workerId,
        size,
        options.takeWaitMs ?? 20_000,
      );
      if (batch.length === 0) return reply.code(204).send();
      supervisor.markBusy(req.params.workerId);
      return reply.send(
        batch.map((job) => ({
          id: job.id,
          input: job.input,
          ...(job.webhook ? { webhook: job.webhook } : {}),
        })),
      );
    },
  );

  app.post<{ Params: Params }>(
    '/v2/:endpointId/job-done/:workerId/:jobId',
    WORKER_ROUTE,
    async (req, reply) => {
      const { endpointId, workerId, jobId = '' } = req.params;
      const done = parseDone(req.body);
      const owned = jobs.ownership(endpointId, workerId, jobId);
      if (!owned.ok) return refused(reply, req, owned);
      if (!done)
        return replyError(
          reply,
          400,
          'BAD_REQUEST',
          'job-done takes {"output": ...} or {"error": "..."} as JSON',
        );
      const report = jobs.report(endpointId, workerId, jobId, done);
      if (!report.ok) return refused(reply, req, report);
      if (report.recorded) supervisor.markBusy(workerId);
      return reply.send({});
    },
  );

  app.post<{ Params: Params }>(
    '/v2/:endpointId/job-stream/:workerId/:jobId',
    WORKER_ROUTE,
    async (req, reply) => {
      const { endpointId, workerId, jobId = '' } = req.params;
      const owned = jobs.ownership(endpointId, workerId, jobId);
      if (!owned.ok) return refused(reply, req, owned);
      const chunk = parseDone(req.body);
      if (!chunk || !('output' in chunk))
        return replyError(reply, 400, 'BAD_REQUEST', 'job-stream takes {"output": ...} as JSON');
      jobs.streamChunk(endpointId, workerId, jobId, chunk.output);
      return reply.send({});
    },
  );

  // the stop channel: a long poll answering the jobs cancelled while this worker ran them
  app.get<{ Params: Params }>('/v2/:endpointId/job-stop/:workerId', WORKER_ROUTE, async (req, reply) => {
    if (!workerOfEndpoint(req, reply)) return reply;
    const ids = await options.stops.take(req.params.workerId, options.takeWaitMs ?? 20_000);
    return ids.length === 0 ? reply.code(204).send() : reply.send({ jobsToStop: ids });
  });

  app.get<{ Params: Params }>('/v2/:endpointId/ping/:workerId', WORKER_ROUTE, async (req, reply) => {
    if (!workerOfEndpoint(req, reply)) return reply;
    return reply.send({});
  });
}
