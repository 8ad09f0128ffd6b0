import type { JobStatus } from '../../worker/contract/job';

/** Jobs an endpoint has finished, as `/health` counts them. */
export interface JobTotal {
  completed: number;
  failed: number;
  retried: number;
}

/** Per-endpoint counters that outlive the results they count: a result dropped by retention stays counted. */
export class JobTotals {
  private readonly totals = new Map<string, JobTotal>();

  of(endpointId: string): JobTotal {
    let total = this.totals.get(endpointId);
    if (!total) this.totals.set(endpointId, (total = { completed: 0, failed: 0, retried: 0 }));
    return total;
  }

  /** A job of the endpoint ended with `status`; a cancelled one counts as neither completed nor failed. */
  ended(endpointId: string, status: JobStatus): void {
    if (status === 'COMPLETED') this.of(endpointId).completed += 1;
    if (status === 'FAILED' || status === 'TIMED_OUT') this.of(endpointId).failed += 1;
  }

  retried(endpointId: string): void {
    this.of(endpointId).retried += 1;
  }
}
