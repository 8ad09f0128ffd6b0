import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { jobDoneSchema, type JobDone } from '../../worker/contract/job';
import { parseJson } from '../../worker/contract/json-body';
import { replyError } from '../http/errors';
import { handlersWith, type RouteHandler } from '../http/route-handler';
import type { ControlState } from '../state/control-state';
import type { Supervisor } from '../supervisor/supervisor';
import type { Job, JobQueue, Report } from './job-queue';
import type { StopRequests } from './stop-requests';
import { holdOpen, workerOfEndpoint, type WorkerCall } from './worker-identity';

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
  Querystring: { batch_size?: string; job_id?: unknown };
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

/** The endpoint and worker in the path: the worker serves the endpoint, or the request is answered 404. */
const known = (o: WorkerRouteOptions, req: WorkerRequest, reply: FastifyReply, call: WorkerCall) =>
  workerOfEndpoint(o, reply, req.params, call);

/** The jobs a ping names as held: `job_id=a,b` (RunPod's worker library may also repeat the parameter). */
const heldJobsSchema = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) =>
    [v ?? []]
      .flat()
      .flatMap((ids) => ids.split(','))
      .filter(Boolean),
  );

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
  holdOpen(o, req.params.workerId, reply);
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
  if (!known(o, req, reply, 'take')) return reply;
  o.supervisor.markSeen(req.params.workerId);
  const keep = watchHangUp(o, req, reply);
  const job = await o.jobs.take(req.params.endpointId, req.params.workerId, o.takeWaitMs ?? 20_000);
  if (!keep(job ? [job] : [])) return reply.code(204).send();
  if (!job) return reply.code(204).send();
  o.supervisor.markBusy(req.params.workerId);
  return reply.send(taken(job));
};

const takeBatch: Handler = async (o, req, reply) => {
  if (!known(o, req, reply, 'take')) return reply;
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
  o.jobs.workers.heard(workerId, Date.now());
  o.stops.ack(workerId, jobId); // it reported on the job: a stop for it has nothing left to stop
  if (report.recorded) o.supervisor.markBusy(workerId);
  if ('stopPod' in done && done.stopPod === true) replace(o, workerId);
  return reply.send({});
};

/**
 * `stopPod`: the worker asked to be replaced after this job, as RunPod then stops its pod. It is handed
 * no more jobs (its takes are held, then answered 204), and a worker of the cloud's own is stopped and,
 * if the endpoint still needs it, replaced by a fresh one.
 */
function replace(o: WorkerRouteOptions, workerId: string): void {
  o.jobs.retire(workerId);
  o.supervisor.replace(workerId);
}

const jobStream: Handler = async (o, req, reply) => {
  const { endpointId, workerId, jobId = '' } = req.params;
  const owned = o.jobs.ownership(endpointId, workerId, jobId);
  if (!owned.ok) return refused(reply, req, owned);
  const chunk = parseDone(req.body);
  if (!chunk || !('output' in chunk))
    return replyError(reply, 400, 'BAD_REQUEST', 'job-stream takes {"output": ...} as JSON');
  o.jobs.streamChunk(endpointId, workerId, jobId, chunk.output);
  o.jobs.workers.heard(workerId, Date.now());
  return reply.send({});
};

/**
 * The stop channel: a long poll answering the jobs cancelled while this worker ran them, again and again
 * until the worker acknowledges each (stop-requests.ts). Only jobs of this endpoint are ever named.
 */
const jobStop: Handler = async (o, req, reply) => {
  if (!known(o, req, reply, 'poll')) return reply;
  const { endpointId, workerId } = req.params;
  holdOpen(o, workerId, reply);
  const ids = await o.stops.take(workerId, o.takeWaitMs ?? 20_000);
  const own = ids.filter((id) => o.jobs.get(id)?.endpointId === endpointId);
  for (const id of ids) if (!own.includes(id)) o.stops.ack(workerId, id);
  return own.length === 0 ? reply.code(204).send() : reply.send({ jobsToStop: own });
};

/**
 * The heartbeat: recorded as the worker's last sign of life, and read for the jobs it holds (`job_id`),
 * which acknowledges the stops it no longer needs. A worker the cloud did not start joins with its first.
 */
const ping: Handler = async (o, req, reply) => {
  if (!known(o, req, reply, 'ping')) return reply;
  const held = heldJobsSchema.safeParse(req.query.job_id);
  if (held.success) o.stops.holding(req.params.workerId, held.data);
  return reply.send({});
};

/** Only the `aiKey` of the endpoint in the path (route-auth.ts): a worker's RUNPOD_AI_API_KEY. */
const WORKER_ROUTE = { config: { access: 'worker' as const } };

/**
 * The worker job API RunPod's workers use: take with long poll, done, stream, stop, ping. A worker acts
 * only as a worker of the endpoint in the path, and only on the jobs it holds there; anything else is
 * answered 404/403 with a code, and changes nothing. A worker the cloud did not start is one of the
 * endpoint's from its first ping with the endpoint's key (worker-identity.ts).
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
