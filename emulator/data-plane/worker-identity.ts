import type { FastifyReply } from 'fastify';
import { replyError } from '../http/errors';
import type { ControlState } from '../state/control-state';
import type { Supervisor } from '../supervisor/supervisor';
import type { JobQueue } from './job-queue';
import type { StopRequests } from './stop-requests';

/** What deciding who a worker is needs. */
export interface WorkerIdentityParts {
  state: ControlState;
  jobs: JobQueue;
  stops: StopRequests;
  supervisor: Supervisor;
}

/** A call of the job API: a ping may present a worker the cloud did not start; the others may not. */
export type WorkerCall = 'ping' | 'take' | 'poll';

/**
 * Whether the worker serves the endpoint now: one of the cloud's workers in rotation, one holding a job
 * there (a stopping worker finishing its job), or a worker the cloud did not start that presented itself
 * there.
 */
function serves(o: WorkerIdentityParts, endpointId: string, workerId: string): boolean {
  const seen = o.jobs.workers.sighting(workerId);
  return (
    o.supervisor.workersOf(endpointId).some((w) => w.id === workerId) ||
    o.jobs.busyWorkers(endpointId).has(workerId) ||
    (seen?.external === true && seen.endpointId === endpointId)
  );
}

/**
 * Whether the id is taken: known to the cloud in any way (one of its workers, a worker holding a job, a
 * worker seen before, here or on another endpoint). A taken id never joins, so one endpoint's key never
 * reaches another endpoint's jobs or stops through a worker id, and a stopping worker takes nothing new.
 */
function taken(o: WorkerIdentityParts, workerId: string): boolean {
  return (
    o.jobs.workers.endpointOf(workerId) !== undefined ||
    o.jobs.holdsJobs(workerId) ||
    o.state.list('endpoint').some((e) => o.supervisor.workersOf(e.id).some((w) => w.id === workerId))
  );
}

/**
 * A worker the cloud did not start presents itself with its first ping, as RunPod's worker library pings
 * before it asks for work: from then on it serves this endpoint. Stops left for its id are not its own.
 */
function join(o: WorkerIdentityParts, endpointId: string, workerId: string): boolean {
  if (taken(o, workerId)) return false;
  o.jobs.workers.join(workerId, endpointId, Date.now());
  o.stops.forget(workerId);
  return true;
}

/**
 * Whether the endpoint exists and the worker serves it (a ping may make it so); if not, answered 404 with
 * a code. The call is recorded as the worker's last sign of life.
 */
export function workerOfEndpoint(
  o: WorkerIdentityParts,
  reply: FastifyReply,
  params: { endpointId: string; workerId: string },
  call: WorkerCall,
): boolean {
  const { endpointId, workerId } = params;
  if (!o.state.get('endpoint', endpointId)) {
    replyError(reply, 404, 'ENDPOINT_NOT_FOUND', `no endpoint ${endpointId}`);
    return false;
  }
  if (!serves(o, endpointId, workerId) && !(call === 'ping' && join(o, endpointId, workerId))) {
    const hint =
      call === 'ping' ? '' : ': a worker the cloud did not start presents itself with a ping first';
    replyError(reply, 404, 'WORKER_NOT_FOUND', `no worker ${workerId} on endpoint ${endpointId}${hint}`);
    return false;
  }
  o.jobs.workers.seen(workerId, endpointId, Date.now(), call);
  return true;
}

/** Marks a long poll of the worker open until its connection closes: a worker with a poll open is not silent. */
export function holdOpen(o: WorkerIdentityParts, workerId: string, reply: FastifyReply): void {
  reply.raw.once('close', o.jobs.workers.polling(workerId, Date.now));
}
