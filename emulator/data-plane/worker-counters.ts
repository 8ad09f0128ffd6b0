import type { Supervisor } from '../supervisor/supervisor';
import type { JobQueue } from './job-queue';

/** An endpoint's worker counters, as `/health` and `/metrics` report them (docs/RUNPOD.md, "Health"). */
export interface WorkerCounters {
  idle: number;
  initializing: number;
  ready: number;
  running: number;
  throttled: number;
  unhealthy: number;
}

/**
 * Every worker that serves the endpoint, each counted once: the cloud's own (ready from their first
 * take) and those it did not start (ready from their first ping, until they fall silent or ask to be
 * replaced). A ready worker holding a job is running, the others idle.
 */
export function workerCounters(
  jobs: JobQueue,
  supervisor: Supervisor,
  endpointId: string,
): { counters: WorkerCounters; readyWorkers: string[] } {
  const own = supervisor.workersOf(endpointId);
  const ready = new Set(own.filter((w) => w.ready).map((w) => w.id));
  const starting = own.length - ready.size;
  for (const id of jobs.workers.serving(endpointId)) ready.add(id);
  const busy = jobs.busyWorkers(endpointId);
  const running = [...ready].filter((id) => busy.has(id)).length;
  const counters = {
    idle: ready.size - running,
    initializing: starting,
    ready: ready.size,
    running,
    throttled: 0,
    unhealthy: supervisor.problemOf(endpointId) ? 1 : 0,
  };
  return { counters, readyWorkers: [...ready] };
}
