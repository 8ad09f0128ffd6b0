import { isExpired, type Job } from './job';

/** Bounds on finished jobs kept for /status (results); the oldest goes first when a bound is passed. */
export interface ResultLimits {
  /** How long a /run result is kept after it ends. Default 30 min, as RunPod. */
  ttlMs: number;
  /** How long a /runsync result is kept after it ends. Default 1 min, as RunPod. */
  syncTtlMs: number;
  /** Most results kept at once, /run and /runsync together. Default 100,000. */
  maxCount: number;
  /** Most bytes of kept results, each counted as the JSON size of its input, output, error and stream. Default 256 MiB. */
  maxBytes: number;
}

export const DEFAULT_RESULT_LIMITS: ResultLimits = {
  ttlMs: 30 * 60_000,
  syncTtlMs: 60_000,
  maxCount: 100_000,
  maxBytes: 256 * 1024 * 1024,
};

/**
 * The finished jobs kept for /status, oldest first, with the bytes each is counted for: the bounds are
 * checked on this tally, never by scanning the results themselves.
 */
export class ResultRetention {
  private readonly kept = new Map<string, number>();
  private keptBytes = 0;
  private readonly limits: ResultLimits;

  /** Each bound missing from `limits` takes its default (DEFAULT_RESULT_LIMITS). */
  constructor(limits: Partial<ResultLimits> = {}) {
    this.limits = { ...DEFAULT_RESULT_LIMITS, ...limits };
  }

  /** Counts a finished job as a kept result; while a bound is passed, the oldest goes, through `drop`. */
  keep(job: Job, drop: (jobId: string) => void): void {
    this.release(job.id);
    const bytes = Buffer.byteLength(JSON.stringify([job.input, job.output, job.error, job.stream]));
    this.kept.set(job.id, bytes);
    this.keptBytes += bytes;
    for (const [oldest] of this.kept) {
      if (this.kept.size <= this.limits.maxCount && this.keptBytes <= this.limits.maxBytes) break;
      this.release(oldest);
      drop(oldest);
    }
  }

  /** The job is no longer a result: it was forgotten, or it waits again (retry). */
  release(jobId: string): void {
    const bytes = this.kept.get(jobId);
    if (bytes === undefined) return;
    this.kept.delete(jobId);
    this.keptBytes -= bytes;
  }

  /** Whether a job is past its ttl, or its result past its retention (/run and /runsync differ). */
  expired(job: Job, now: number): boolean {
    return isExpired(job, now, { run: this.limits.ttlMs, sync: this.limits.syncTtlMs });
  }
}
