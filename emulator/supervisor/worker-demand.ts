import type { EndpointRecord } from '../state/records';

/** What an endpoint's scaler looks at: its QB jobs, the workers busy with them, and how long they waited. */
export interface QueueLoad {
  /** Jobs waiting in line. */
  inQueue: number;
  /** Jobs running on a worker. */
  inProgress: number;
  /** Workers holding at least one running job (a worker may run several at once). */
  busyWorkers: number;
  /** Jobs in line that have waited the endpoint's queue delay or longer (see `queueDelayMs`). */
  overdue: number;
}

/**
 * How long a job of a QUEUE_DELAY endpoint waits before it earns a worker of its own: `scalerValue`
 * seconds, times the cloud's `FLASH_CLOUD_QUEUE_DELAY_SCALE` (0: at once, so tests need not wait).
 */
export function queueDelayMs(endpoint: EndpointRecord, scale: number): number {
  return Math.max(0, endpoint.scalerValue) * 1000 * Math.max(0, scale);
}

/**
 * How many workers an endpoint wants now: workersMin at least, workersMax at most, and in between by its
 * scaler. REQUEST_COUNT: one worker per `scalerValue` requests (QB jobs waiting or running, LB requests in
 * flight). QUEUE_DELAY, as RunPod's "adds workers when requests wait in the queue longer than
 * `scalerValue` seconds": see `byQueueDelay`. A smaller answer than the workers running never stops one:
 * idle workers stop on their own after idleTimeout (WorkerScaler.checkWorkers).
 */
export function desiredWorkers(endpoint: EndpointRecord, load: QueueLoad, lbInFlight = 0): number {
  return Math.min(endpoint.workersMax, Math.max(endpoint.workersMin, byScaler(endpoint, load, lbInFlight)));
}

function byScaler(endpoint: EndpointRecord, load: QueueLoad, lbInFlight: number): number {
  // an LB endpoint always counts requests (RunPod accepts nothing else for it)
  if (endpoint.type === 'LB') return byCount(lbInFlight, endpoint.scalerValue);
  if (endpoint.scalerType === 'REQUEST_COUNT')
    return byCount(load.inQueue + load.inProgress, endpoint.scalerValue);
  return byQueueDelay(load);
}

/** One worker per `perWorker` requests, rounded up. */
function byCount(requests: number, perWorker: number): number {
  return requests > 0 ? Math.ceil(requests / Math.max(1, perWorker)) : 0;
}

/**
 * QUEUE_DELAY: the workers busy with jobs are kept, and each job that has waited its delay gets a worker of
 * its own besides them. A worker that is starting, or idle, counts as one such worker already, so a job
 * still waiting while its worker boots asks for no other one: the answer stays put from one scaler tick
 * to the next instead of growing, and it drops back as jobs are taken (busy + 1, overdue − 1). A job
 * waiting while no worker serves the endpoint gets one at once (a cold start, as on RunPod), or nothing
 * would ever run it.
 */
function byQueueDelay(load: QueueLoad): number {
  if (load.inQueue === 0) return load.busyWorkers;
  return Math.max(1, load.busyWorkers + Math.min(load.inQueue, load.overdue));
}
