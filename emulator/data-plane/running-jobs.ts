import type { Job } from './job';

/**
 * Jobs IN_PROGRESS per endpoint, each with its execution timer. Kept apart from the retained results so
 * that counting them (the scaler does on every tick) never scans those.
 */
export class RunningJobs {
  private readonly running = new Map<string, Map<string, Job>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** The job runs now; `onTimeout` runs once its executionTimeout passes, unless it stopped before. */
  add(job: Job, onTimeout: () => void): void {
    let map = this.running.get(job.endpointId);
    if (!map) this.running.set(job.endpointId, (map = new Map()));
    map.set(job.id, job);
    this.timers.set(job.id, setTimeout(onTimeout, job.executionTimeoutMs).unref());
  }

  /** The job no longer runs (ended, requeued or forgotten): its timer stops. */
  remove(job: Job): void {
    clearTimeout(this.timers.get(job.id));
    this.timers.delete(job.id);
    this.running.get(job.endpointId)?.delete(job.id);
  }

  count(endpointId: string): number {
    return this.running.get(endpointId)?.size ?? 0;
  }

  /** The jobs a worker runs, as a list that later changes leave as it is. */
  ofWorker(workerId: string): Job[] {
    return [...this.running.values()].flatMap((map) =>
      [...map.values()].filter((j) => j.workerId === workerId),
    );
  }

  /** Workers of an endpoint that hold a job now. */
  busyWorkers(endpointId: string): Set<string> {
    const busy = new Set<string>();
    for (const job of this.running.get(endpointId)?.values() ?? []) if (job.workerId) busy.add(job.workerId);
    return busy;
  }

  dropEndpoint(endpointId: string): void {
    this.running.delete(endpointId);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
  }
}
