import type { EndpointRecord } from '../state/records';

/**
 * How many workers an endpoint wants now: workersMin at least, workersMax at most, and in between by its
 * scaler. REQUEST_COUNT: one worker per `scalerValue` requests (QB jobs waiting or running, LB requests in
 * flight). QUEUE_DELAY: one worker per job waiting or running, at once: RunPod adds a worker once a job
 * has waited `scalerValue` seconds, and the local cloud, where a worker starts in about a second, does
 * not wait those seconds.
 */
export function desiredWorkers(
  endpoint: EndpointRecord,
  depth: { inQueue: number; inProgress: number },
  lbInFlight = 0,
): number {
  const demand = endpoint.type === 'QB' ? depth.inQueue + depth.inProgress : lbInFlight;
  // an LB endpoint always counts requests (RunPod accepts nothing else for it)
  const byCount = endpoint.type === 'LB' || endpoint.scalerType === 'REQUEST_COUNT';
  const perWorker = byCount ? Math.max(1, endpoint.scalerValue) : 1;
  return Math.min(
    endpoint.workersMax,
    Math.max(endpoint.workersMin, demand > 0 ? Math.ceil(demand / perWorker) : 0),
  );
}
