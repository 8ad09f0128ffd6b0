export interface StopOptions {
  /** How long after handing out a stop it is handed out again, while not acknowledged. Default 2000. */
  redeliverMs?: number;
  /** How long a stop is kept unacknowledged (its worker is likely gone) before it is dropped. Default 10 min. */
  keepMs?: number;
}

/** A stop for one job: when it was asked for, and when last handed out. */
interface PendingStop {
  addedAt: number;
  deliveredAt?: number;
}

type Wake = 'added' | 'due' | 'superseded';

/**
 * Jobs a worker must stop (cancelled while it ran them), handed out on its `job-stop` long poll
 * (docs/RUNPOD.md, "Stop channel"). A stop is handed out again every `redeliverMs` until the worker
 * acknowledges it: a worker that got it before it had started the job would otherwise run the job to its
 * end. It acknowledges with a job-done for the job, or with a ping, sent after the stop, that no longer
 * names the job among those it holds.
 */
export class StopRequests {
  private readonly pending = new Map<string, Map<string, PendingStop>>();
  private readonly waiters = new Map<string, (why: Wake) => void>();
  private readonly redeliverMs: number;
  private readonly keepMs: number;

  constructor(options: StopOptions = {}) {
    this.redeliverMs = options.redeliverMs ?? 2_000;
    this.keepMs = options.keepMs ?? 600_000;
  }

  add(workerId: string, jobId: string): void {
    const stops = this.pending.get(workerId) ?? new Map<string, PendingStop>();
    if (!stops.has(jobId)) stops.set(jobId, { addedAt: Date.now() });
    this.pending.set(workerId, stops);
    this.waiters.get(workerId)?.('added');
  }

  /** The jobs to stop now, or once one is due within `waitMs`; [] when none was. One poll per worker. */
  async take(workerId: string, waitMs: number): Promise<string[]> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const due = this.due(workerId);
      const now = Date.now();
      if (due.length > 0 || now >= deadline) return this.deliver(workerId, due);
      const why = await this.wait(workerId, Math.min(deadline, this.nextDue(workerId)) - now);
      if (why === 'superseded') return []; // a newer poll of the same worker answers instead
    }
  }

  /** The worker reported on the job (job-done): it knows the job ended. */
  ack(workerId: string, jobId: string): void {
    const stops = this.pending.get(workerId);
    stops?.delete(jobId);
    if (stops?.size === 0) this.pending.delete(workerId);
  }

  /** A ping naming the jobs the worker holds: a stop handed out before it, for a job not named, is done. */
  holding(workerId: string, jobIds: readonly string[]): void {
    for (const [jobId, stop] of this.pending.get(workerId) ?? [])
      if (stop.deliveredAt !== undefined && !jobIds.includes(jobId)) this.ack(workerId, jobId);
  }

  /** Drops a worker's stops (a new worker takes its id: what the old one held is not its business). */
  forget(workerId: string): void {
    this.pending.delete(workerId);
  }

  close(): void {
    for (const wake of this.waiters.values()) wake('superseded');
    this.waiters.clear();
  }

  /** Stops never handed out, or handed out `redeliverMs` ago; stops kept past `keepMs` are dropped. */
  private due(workerId: string): string[] {
    const now = Date.now();
    const due: string[] = [];
    for (const [jobId, stop] of this.pending.get(workerId) ?? []) {
      if (now - stop.addedAt > this.keepMs) this.ack(workerId, jobId);
      else if (stop.deliveredAt === undefined || now - stop.deliveredAt >= this.redeliverMs) due.push(jobId);
    }
    return due;
  }

  private nextDue(workerId: string): number {
    let next = Infinity;
    for (const stop of this.pending.get(workerId)?.values() ?? [])
      if (stop.deliveredAt !== undefined) next = Math.min(next, stop.deliveredAt + this.redeliverMs);
    return next;
  }

  private deliver(workerId: string, jobIds: string[]): string[] {
    const now = Date.now();
    for (const jobId of jobIds) {
      const stop = this.pending.get(workerId)?.get(jobId);
      if (stop) stop.deliveredAt = now;
    }
    return jobIds;
  }

  private wait(workerId: string, ms: number): Promise<Wake> {
    this.waiters.get(workerId)?.('superseded'); // one poll per worker: an older one answers now
    return new Promise((resolve) => {
      const wake = (why: Wake): void => {
        clearTimeout(timer);
        if (this.waiters.get(workerId) === wake) this.waiters.delete(workerId);
        resolve(why);
      };
      const timer = setTimeout(() => wake('due'), Math.max(0, ms));
      this.waiters.set(workerId, wake);
    });
  }
}
