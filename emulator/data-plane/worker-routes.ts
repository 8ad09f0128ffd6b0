import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jobDoneSchema, type JobDone } from '../../worker/contract/job';
import { replyError } from '../http/errors';
import type { ControlState } from '../state/control-state';
import type { Supervisor } from '../supervisor/supervisor';
import type { JobQueue } from './job-queue';
import type { StopRequests } from './stop-requests';

type Params = { endpointId: string; workerId: string; jobId?: string };

/** The worker job API (runpod-contract.md §3): take with long poll, done, stream, ping. */
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
  const authorised = (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply): boolean => {
    const endpoint = state.get('endpoint', req.params.endpointId);
    if (!endpoint) {
      replyError(reply, 404, 'ENDPOINT_NOT_FOUND', `no endpoint ${req.params.endpointId}`);
      return false;
    }
    if ((req.headers.authorization ?? '').replace(/^Bearer\s+/i, '') !== endpoint.aiKey) {
      replyError(reply, 401, 'UNAUTHORIZED', 'a worker authenticates with its RUNPOD_AI_API_KEY');
      return false;
    }
    return true;
  };

  app.get<{ Params: Params }>('/v2/:endpointId/job-take/:workerId', async (req, reply) => {
    if (!authorised(req, reply)) return reply;
    supervisor.markSeen(req.params.workerId);
    const job = await jobs.take(req.params.endpointId, req.params.workerId, options.takeWaitMs ?? 20_000);
    if (!job) return reply.code(204).send();
    supervisor.markBusy(req.params.workerId);
    return reply.send({ id: job.id, input: job.input, ...(job.webhook ? { webhook: job.webhook } : {}) });
  });

  app.get<{ Params: Params; Querystring: { batch_size?: string } }>(
    '/v2/:endpointId/job-take-batch/:workerId',
    async (req, reply) => {
      if (!authorised(req, reply)) return reply;
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

  const parseDone = (body: unknown): JobDone | undefined => {
    let value = body;
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      try {
        value = JSON.parse(body.toString());
      } catch {
        return undefined;
      }
    }
    const parsed = jobDoneSchema.safeParse(value);
    return parsed.success ? (parsed.data as JobDone) : undefined;
  };

  app.post<{ Params: Params }>('/v2/:endpointId/job-done/:workerId/:jobId', async (req, reply) => {
    if (!authorised(req, reply)) return reply;
    const done = parseDone(req.body);
    if (!done)
      return replyError(
        reply,
        400,
        'BAD_REQUEST',
        'job-done takes {"output": ...} or {"error": "..."} as JSON',
      );
    jobs.done(req.params.workerId, req.params.jobId ?? '', done);
    supervisor.markBusy(req.params.workerId);
    return reply.send({});
  });

  app.post<{ Params: Params }>('/v2/:endpointId/job-stream/:workerId/:jobId', async (req, reply) => {
    if (!authorised(req, reply)) return reply;
    const chunk = parseDone(req.body);
    const job = jobs.get(req.params.jobId ?? '');
    if (job && chunk && 'output' in chunk) job.stream.push(chunk.output);
    return reply.send({});
  });

  // the stop channel: a long poll answering the jobs cancelled while this worker ran them
  app.get<{ Params: Params }>('/v2/:endpointId/job-stop/:workerId', async (req, reply) => {
    if (!authorised(req, reply)) return reply;
    const ids = await options.stops.take(req.params.workerId, options.takeWaitMs ?? 20_000);
    return ids.length === 0 ? reply.code(204).send() : reply.send({ jobsToStop: ids });
  });

  app.get<{ Params: Params }>('/v2/:endpointId/ping/:workerId', async (req, reply) => {
    if (!authorised(req, reply)) return reply;
    return reply.send({});
  });
}
