import { TERMINAL_STATUSES, type JobDone, type JobObject, type JobStatus } from '../../worker/contract/job';
import { jobObject, type Job } from './job';
import type { JobStore } from './job-store';
import type { JobTotals } from './job-totals';
import type { ResultRetention } from './result-retention';
import type { RunningJobs } from './running-jobs';
import type { TerminalWaiters } from './terminal-waiters';
import type { WaitingJobs } from './waiting-jobs';

/** The units whose state a job's change of status touches. */
export interface LifecycleUnits {
  store: JobStore;
  waiting: WaitingJobs;
  running: RunningJobs;
  retention: ResultRetention;
  totals: JobTotals;
  finishers: TerminalWaiters;
  now: () => number;
  /** A job was cancelled, or timed out, while a worker ran it: that worker is told to stop it. */
  onCancelRunning?: (workerId: string, jobId: string) => void;
  /** Delivers a terminal job to its webhook. */
  deliverWebhook?: (url: string, job: JobObject) => void;
}

/**
 * How a job moves between states: queued, running on a worker, ended (then kept as a result), back in the
 * queue. Each move updates every unit it touches at once, so no unit sees a job in a state the others
 * do not.
 */
export class JobLifecycle {
  constructor(private readonly units: LifecycleUnits) {}

  /** Takes up the jobs on disk: a job that was running when the cloud stopped goes back to the queue. */
  restore(): void {
    const finished: Job[] = [];
    for (const job of this.units.store.restore()) {
      // its worker is gone with the cloud that ran it
      if (job.status === 'IN_PROGRESS')
        this.requeueOrFail(job, 'the local cloud restarted while this job ran');
      else if (job.status === 'IN_QUEUE') this.units.waiting.push(job);
      else finished.push(job);
    }
    finished.sort((a, b) => (a.completedAt ?? 0) - (b.completedAt ?? 0));
    for (const job of finished) this.keep(job);
  }

  /** The job runs on the worker now; it ends TIMED_OUT once its executionTimeout passes. */
  start(job: Job, workerId: string): void {
    job.status = 'IN_PROGRESS';
    job.startedAt = this.units.now();
    job.workerId = workerId;
    job.attempts += 1;
    this.units.store.persist(job);
    this.units.running.add(job, () => {
      this.finish(job, 'TIMED_OUT', {
        error: `job ran longer than its executionTimeout of ${job.executionTimeoutMs} ms`,
      });
      // as for a cancel: the worker drops the job, so its slot takes the next one
      this.units.onCancelRunning?.(workerId, job.id);
    });
  }

  /** A running job's report from its worker: progress keeps it running, a result ends it. */
  report(job: Job, body: JobDone): void {
    if ('status' in body && body.status === 'IN_PROGRESS') {
      job.output = body.output;
      this.units.store.persist(job);
      return;
    }
    const result = body as { output?: unknown; error?: string };
    if (result.error) this.finish(job, 'FAILED', { error: result.error, output: result.output });
    else this.finish(job, 'COMPLETED', { output: result.output ?? null });
  }

  cancel(job: Job): void {
    if (TERMINAL_STATUSES.includes(job.status)) return;
    const runningOn = job.status === 'IN_PROGRESS' ? job.workerId : undefined;
    this.finish(job, 'CANCELLED', {});
    if (runningOn) this.units.onCancelRunning?.(runningOn, job.id);
  }

  /** A failed or timed-out job waits again, as a new job would: it is no longer a result. */
  retry(job: Job): void {
    this.units.retention.release(job.id);
    Object.assign(job, {
      status: 'IN_QUEUE',
      output: undefined,
      error: undefined,
      workerId: undefined,
      startedAt: undefined,
      completedAt: undefined,
      attempts: 0,
    });
    this.units.totals.retried(job.endpointId);
    this.units.store.persist(job);
    this.units.waiting.enqueue(job);
  }

  /** The job's worker died: it is tried once more, then FAILED with a clear error; never stuck IN_PROGRESS. */
  requeueOrFail(job: Job, why: string): void {
    this.units.running.remove(job);
    if (job.attempts < 2) {
      Object.assign(job, { status: 'IN_QUEUE', workerId: undefined, startedAt: undefined });
      this.units.store.persist(job);
      this.units.waiting.enqueue(job);
    } else {
      job.status = 'IN_PROGRESS'; // finish() only acts on live jobs
      this.finish(job, 'FAILED', {
        error: `the worker running this job died twice (${why}); see \`flash cloud logs\` for the endpoint`,
      });
    }
  }

  /**
   * Puts back a job handed to a long poll whose worker had already hung up: it never reached a worker, so
   * it goes back in line as it was, without counting as an attempt.
   */
  untake(job: Job): void {
    if (job.status !== 'IN_PROGRESS') return;
    this.units.running.remove(job);
    Object.assign(job, { status: 'IN_QUEUE', workerId: undefined, startedAt: undefined });
    job.attempts = Math.max(0, job.attempts - 1);
    this.units.store.persist(job);
    this.units.waiting.enqueue(job);
  }

  /** Drops the job from memory and disk: its timer, its result, its journal entry (not its place in line). */
  forget(job: Job): void {
    this.units.retention.release(job.id);
    this.units.running.remove(job);
    this.units.store.remove(job);
  }

  private finish(job: Job, status: JobStatus, result: { output?: unknown; error?: string }): void {
    if (TERMINAL_STATUSES.includes(job.status)) return;
    const wasQueued = job.status === 'IN_QUEUE';
    const { running, waiting, totals, store, finishers } = this.units;
    running.remove(job);
    job.status = status;
    job.completedAt = this.units.now();
    job.output = result.output;
    job.error = result.error;
    if (wasQueued) waiting.remove(job);
    totals.ended(job.endpointId, status);
    store.persist(job);
    finishers.notify(job);
    if (job.webhook) this.units.deliverWebhook?.(job.webhook, jobObject(job));
    this.keep(job);
  }

  /** Keeps a finished job as a result; results past a bound are forgotten, oldest first. */
  private keep(job: Job): void {
    this.units.retention.keep(job, (jobId) => {
      const dropped = this.units.store.get(jobId);
      if (dropped) this.forget(dropped);
    });
  }
}
