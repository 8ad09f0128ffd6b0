import type { EndpointRecord } from '../state/records';

/**
 * How many workers an endpoint wants now: workersMin at least, workersMax at most, and in between one per
 * job waiting or running (QB) or one per `scalerValue` requests in flight (LB).
 */
export function desiredWorkers(
  endpoint: EndpointRecord,
  depth: { inQueue: number; inProgress: number },
  lbInFlight = 0,
): number {
  const demand = endpoint.type === 'QB' ? depth.inQueue + depth.inProgress : lbInFlight;
  const perWorker = Math.max(1, endpoint.type === 'LB' ? endpoint.scalerValue : 1);
  return Math.min(
    endpoint.workersMax,
    Math.max(endpoint.workersMin, demand > 0 ? Math.ceil(demand / perWorker) : 0),
  );
}
