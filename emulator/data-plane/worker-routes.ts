import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jobDoneSchema, type JobDone } from '../../worker/contract/job';
import { parseJson } from '../../worker/contract/json-body';
import { replyError } from '../http/errors';
import { handlersWith, type RouteHandler } from '../http/route-handler';
import type { ControlState } from '../state/control-state';
import type { Supervisor } from '../supervisor/supervisor';
import type { Job, JobQueue, Report } from './job-queue';
import type { StopRequests } from './stop-requests';

export interface WorkerRouteOptions {
  state: ControlState;
  jobs: JobQueue;
  stops: StopRequests;
  supervisor: Supervisor;
  /** How long a take or stop long poll waits before it answers 204. Default 20 s. */
  takeWaitMs?: number;
}

type WorkerRoute = {
  Params: { endpointId: string; workerId: string; jobId?: string };
  Querystring: { batch_size?: string };
};
type WorkerRequest = FastifyRequest<WorkerRoute>;
type Handler = RouteHandler<WorkerRouteOptions, WorkerRoute>;

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

/** A job as a worker takes it. */
const taken = (job: Job) => ({
  id: job.id,
  input: job.input,
  ...(job.webhook ? { webhook: job.webhook } : {}),
});

/** Whether the endpoint exists and has this worker (running, or stopping with a job); if not, answered. */
function workerOfEndpoint(o: WorkerRouteOptions, req: WorkerRequest, reply: FastifyReply): boolean {
  const { endpointId, workerId } = req.params;
  if (!o.state.get('endpoint', endpointId)) {
    replyError(reply, 404, 'ENDPOINT_NOT_FOUND', `no endpoint ${endpointId}`);
    return false;
  }
  const known =
    o.supervisor.workersOf(endpointId).some((w) => w.id === workerId) ||
    o.jobs.busyWorkers(endpointId).has(workerId);
  if (!known) replyError(reply, 404, 'WORKER_NOT_FOUND', `no worker ${workerId} on endpoint ${endpointId}`);
  return known;
}

/** The answer to a report refused: 404 for a job not on this endpoint, 403 for one another worker holds. */
function refused(reply: FastifyReply, req: WorkerRequest, report: Report & { ok: false }): FastifyReply {
  const { endpointId, workerId, jobId } = req.params;
  return report.code === 'JOB_NOT_FOUND'
    ? replyError(reply, 404, report.code, `no job ${jobId} on endpoint ${endpointId}`)
    : replyError(reply, 403, report.code, `job ${jobId} is not held by worker ${workerId}`);
}

/**
 * Watches a job-take long poll for the worker hanging up (a stopping worker ends its poll): from then on
 * it is handed nothing, and `keep` puts back what it was handed, so no job waits on a worker that never
 * read it. Answers whether the poll is still open.
 */
function watchHangUp(o: WorkerRouteOptions, req: WorkerRequest, reply: FastifyReply) {
  let open = true;
  const hangUp = (): void => {
    if (reply.raw.writableFinished) return;
    open = false;
    o.jobs.hungUp(req.params.workerId);
  };
  reply.raw.once('close', hangUp);
  return (handed: readonly Job[]): boolean => {
    reply.raw.off('close', hangUp);
    if (!open || reply.raw.destroyed) o.jobs.hungUp(req.params.workerId, handed);
    return open && !reply.raw.destroyed;
  };
}

const takeJob: Handler = async (o, req, reply) => {
  if (!workerOfEndpoint(o, req, reply)) return reply;
  o.supervisor.markSeen(req.params.workerId);
  const keep = watchHangUp(o, req, reply);
  const job = await o.jobs.take(req.params.endpointId, req.params.workerId, o.takeWaitMs ?? 20_000);
  if (!keep(job ? [job] : [])) return reply.code(204).send();
  if (!job) return reply.code(204).send();
  o.supervisor.markBusy(req.params.workerId);
  return reply.send(taken(job));
};

const takeBatch: Handler = async (o, req, reply) => {
  if (!workerOfEndpoint(o, req, reply)) return reply;
  const { endpointId, workerId } = req.params;
  o.supervisor.markBusy(workerId);
  const size = Math.min(256, Math.max(1, Number(req.query.batch_size) || 1));
  const keep = watchHangUp(o, req, reply);
  const batch = await o.jobs.takeBatch(endpointId, workerId, size, o.takeWaitMs ?? 20_000);
  if (!keep(batch)) return reply.code(204).send();
  if (batch.length === 0) return reply.code(204).send();
  o.supervisor.markBusy(workerId);
  return reply.send(batch.map(taken));
};

/** Ownership is checked before the body, so a stranger learns nothing from a malformed post. */
const jobDone: Handler = async (o, req, reply) => {
  const { endpointId, workerId, jobId = '' } = req.params;
  const done = parseDone(req.body);
  const owned = o.jobs.ownership(endpointId, workerId, jobId);
  if (!owned.ok) return refused(reply, req, owned);
  if (!done)
    return replyError(
      reply,
      400,
      'BAD_REQUEST',
      'job-done takes {"output": ...} or {"error": "..."} as JSON',
    );
  const report = o.jobs.report(endpointId, workerId, jobId, done);
  if (!report.ok) return refused(reply, req, report);
  if (report.recorded) o.supervisor.markBusy(workerId);
  return reply.send({});
};

const jobStream: Handler = async (o, req, reply) => {
  const { endpointId, workerId, jobId = '' } = req.params;
  const owned = o.jobs.ownership(endpointId, workerId, jobId);
  if (!owned.ok) return refused(reply, req, owned);
  const chunk = parseDone(req.body);
  if (!chunk || !('output' in chunk))
    return replyError(reply, 400, 'BAD_REQUEST', 'job-stream takes {"output": ...} as JSON');
  o.jobs.streamChunk(endpointId, workerId, jobId, chunk.output);
  return reply.send({});
};

/** The stop channel: a long poll answering the jobs cancelled while this worker ran them. */
const jobStop: Handler = async (o, req, reply) => {
  if (!workerOfEndpoint(o, req, reply)) return reply;
  const ids = await o.stops.take(req.params.workerId, o.takeWaitMs ?? 20_000);
  return ids.length === 0 ? reply.code(204).send() : reply.send({ jobsToStop: ids });
};

const ping: Handler = async (o, req, reply) => (workerOfEndpoint(o, req, reply) ? reply.send({}) : reply);

/** Only the `aiKey` of the endpoint in the path (route-auth.ts): a worker's RUNPOD_AI_API_KEY. */
const WORKER_ROUTE = { config: { access: 'worker' as const } };

/**
 * The worker job API RunPod's workers use: take with long poll, done, stream, stop, ping. A worker acts
 * only as a worker of the endpoint in the path, and only on the jobs it holds there; anything else is
 * answered 404/403 with a code, and changes nothing.
 */
export function registerWorkerRoutes(app: FastifyInstance, options: WorkerRouteOptions): void {
  const on = handlersWith<WorkerRouteOptions, WorkerRoute>(options);
  app.get<WorkerRoute>('/v2/:endpointId/job-take/:workerId', WORKER_ROUTE, on(takeJob));
  app.get<WorkerRoute>('/v2/:endpointId/job-take-batch/:workerId', WORKER_ROUTE, on(takeBatch));
  app.post<WorkerRoute>('/v2/:endpointId/job-done/:workerId/:jobId', WORKER_ROUTE, on(jobDone));
  app.post<WorkerRoute>('/v2/:endpointId/job-stream/:workerId/:jobId', WORKER_ROUTE, on(jobStream));
  app.get<WorkerRoute>('/v2/:endpointId/job-stop/:workerId', WORKER_ROUTE, on(jobStop));
  app.get<WorkerRoute>('/v2/:endpointId/ping/:workerId', WORKER_ROUTE, on(ping));
}
