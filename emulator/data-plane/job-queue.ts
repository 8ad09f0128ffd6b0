import { randomUUID } from 'node:crypto';
import { TERMINAL_STATUSES, type JobDone, type JobObject, type RunRequest } from '../../worker/contract/job';
import type { CloudDb } from '../state/cloud-db';
import { jobObject, type Job } from './job';
import { JobLifecycle } from './job-lifecycle';
import { JobStore } from './job-store';
import { JobTotals, type JobTotal } from './job-totals';
import { ResultRetention, type ResultLimits } from './result-retention';
import { RunningJobs } from './running-jobs';
import { TerminalWaiters } from './terminal-waiters';
import { WaitingJobs } from './waiting-jobs';
import { WorkerPresence, type LivenessOptions } from './worker-presence';

export type { Job } from './job';
export { DEFAULT_RESULT_LIMITS, type ResultLimits } from './result-retention';
export type { LivenessOptions } from './worker-presence';

/** What became of a worker's report on a job: refused when the job is not that worker's on that endpoint. */
export type Report = { ok: true; recorded: boolean } | { ok: false; code: 'JOB_NOT_FOUND' | 'JOB_NOT_HELD' };

export interface JobQueueOptions {
  now?: () => number;
  /** Called when a job is queued, so the supervisor can scale. */
  onQueued?: (endpointId: string) => void;
  /** A job was cancelled, or timed out, while a worker ran it: that worker is told to stop it. */
  onCancelRunning?: (workerId: string, jobId: string) => void;
  /** Delivers a terminal job to its webhook. */
  deliverWebhook?: (url: string, job: JobObject) => void;
  /** Bounds on kept results; each one missing takes its default (DEFAULT_RESULT_LIMITS). */
  results?: Partial<ResultLimits>;
  /** When a worker the cloud did not start counts as gone; see LivenessOptions for the defaults. */
  liveness?: LivenessOptions;
}

/**
 * Jobs of every QB endpoint: FIFO per endpoint, long-polled by workers, persisted so none is lost. The
 * routes see only this class; the waiting line, the running jobs, the kept results, the journal and the
 * moves between states (JobLifecycle) are units of their own.
 */
export class JobQueue {
  private readonly store: JobStore;
  private readonly waiting: WaitingJobs;
  private readonly running = new RunningJobs();
  private readonly retention: ResultRetention;
  private readonly totals = new JobTotals();
  private readonly finishers = new TerminalWaiters();
  private readonly lifecycle: JobLifecycle;
  private readonly now: () => number;
  private readonly unwatch: () => void;
  /** The workers that talk to the job API: which endpoint each serves, and when each was last heard. */
  readonly workers: WorkerPresence;

  constructor(db: CloudDb, options: JobQueueOptions = {}) {
    this.now = options.now ?? Date.now;
    this.workers = new WorkerPresence(options.liveness);
    // a worker the cloud did not start that falls silent is gone, as a crashed one is
    this.unwatch = this.workers.watch(this.now, (workerId, silentMs) =>
      this.workerGone(workerId, `worker ${workerId} fell silent: no ping or call for ${silentMs} ms`),
    );
    this.store = new JobStore(db);
    this.retention = new ResultRetention(options.results);
    this.waiting = new WaitingJobs({
      job: (id) => this.store.get(id),
      start: (job, workerId) => this.lifecycle.start(job, workerId),
      onQueued: (endpointId) => options.onQueued?.(endpointId),
      now: () => this.now(),
    });
    this.lifecycle = new JobLifecycle({
      store: this.store,
      waiting: this.waiting,
      running: this.running,
      retention: this.retention,
      totals: this.totals,
      finishers: this.finishers,
      now: this.now,
      onCancelRunning: options.onCancelRunning,
      deliverWebhook: options.deliverWebhook,
    });
    this.lifecycle.restore();
  }

  /**
   * Queues a job. Its execution timeout is the request's `policy.executionTimeout`, else the endpoint's
   * `endpointTimeoutMs`, else (both absent or 0) RunPod's default of 10 minutes.
   */
  submit(endpointId: string, request: RunRequest, sync: boolean, endpointTimeoutMs = 0): Job {
    const job: Job = {
      id: `${sync ? 'sync-' : ''}${randomUUID()}`,
      endpointId,
      status: 'IN_QUEUE',
      input: request.input,
      ...(request.webhook ? { webhook: request.webhook } : {}),
      executionTimeoutMs: request.policy?.executionTimeout || endpointTimeoutMs || 600_000,
      ttlMs: request.policy?.ttl ?? 86_400_000,
      sync,
      createdAt: this.now(),
      attempts: 0,
      stream: [],
    };
    this.store.add(job);
    // an accepted /run is answered with its id at once: it is on disk before that answer
    if (!sync) this.store.flush();
    this.waiting.enqueue(job);
    return job;
  }

  /** A /runsync answers before its job ended: the caller now holds the id, so the job is kept on disk. */
  announce(job: Job): void {
    this.store.announce(job);
  }

  get(jobId: string): Job | undefined {
    return this.store.get(jobId);
  }

  /** Resolves when the job is terminal, or after `ms` with the job as it is. */
  waitTerminal(jobId: string, ms: number): Promise<Job | undefined> {
    const job = this.store.get(jobId);
    if (!job || TERMINAL_STATUSES.includes(job.status) || ms <= 0) return Promise.resolve(job);
    return this.finishers.wait(jobId, ms, () => this.store.get(jobId));
  }

  cancel(jobId: string): Job | undefined {
    const job = this.store.get(jobId);
    if (job) this.lifecycle.cancel(job);
    return job;
  }

  retry(jobId: string): Job | undefined | 'not_retryable' {
    const job = this.store.get(jobId);
    if (!job) return undefined;
    if (job.status !== 'FAILED' && job.status !== 'TIMED_OUT') return 'not_retryable';
    this.lifecycle.retry(job);
    return job;
  }

  purge(endpointId: string): number {
    const ids = this.waiting.purge(endpointId);
    for (const id of ids) {
      const job = this.store.get(id);
      if (job) this.lifecycle.forget(job);
    }
    return ids.length;
  }

  depth(endpointId: string): { inQueue: number; inProgress: number } {
    return { inQueue: this.waiting.count(endpointId), inProgress: this.running.count(endpointId) };
  }

  /** How many of the endpoint's jobs in line have waited `ms` or longer since they joined it (QUEUE_DELAY). */
  waitedAtLeast(endpointId: string, ms: number): number {
    return this.waiting.waitedAtLeast(endpointId, ms);
  }

  counts(endpointId: string): JobTotal & { inProgress: number; inQueue: number } {
    return { ...this.totals.of(endpointId), ...this.depth(endpointId) };
  }

  /**
   * A worker asks for a job; resolves with one, or undefined after `waitMs` (the worker asks again). A
   * retired worker is handed none: its poll is held as long, so it idles instead of asking at once.
   */
  take(endpointId: string, workerId: string, waitMs: number): Promise<Job | undefined> {
    if (this.workers.isRetired(workerId)) return this.waiting.hold(workerId, waitMs);
    return this.waiting.take(endpointId, workerId, waitMs);
  }

  /** Up to `max` jobs for a worker: waits like take() for the first, then adds the ones queued by the end of that turn. */
  async takeBatch(endpointId: string, workerId: string, max: number, waitMs: number): Promise<Job[]> {
    if (this.workers.isRetired(workerId)) return (await this.waiting.hold(workerId, waitMs)) ?? [];
    return this.waiting.takeBatch(endpointId, workerId, max, waitMs);
  }

  /**
   * The worker asked to be replaced after its job (`stopPod`): it is handed no more jobs, its open polls
   * end empty, and it no longer counts as serving. The jobs it still holds it may finish.
   */
  retire(workerId: string): void {
    this.workers.retire(workerId);
    this.waiting.releaseWorker(workerId);
  }

  /**
   * A worker hung up its long poll (it is stopping): it is handed nothing more, and the jobs given to that
   * poll in the meantime go back in line, not counted as attempts.
   */
  hungUp(workerId: string, handed: readonly Job[] = []): void {
    this.waiting.releaseWorker(workerId);
    for (const job of handed) this.lifecycle.untake(job);
  }

  /** Whether `workerId` of `endpointId` holds the job: a job of another endpoint is not found there. */
  ownership(endpointId: string, workerId: string, jobId: string): Report {
    const job = this.store.get(jobId);
    if (!job || job.endpointId !== endpointId) return { ok: false, code: 'JOB_NOT_FOUND' };
    if (job.workerId !== workerId) return { ok: false, code: 'JOB_NOT_HELD' };
    return { ok: true, recorded: false };
  }

  /**
   * A worker's job-done post: progress, or the result. Refused unless the job is this endpoint's and this
   * worker holds it; a late post for a job that already ended (cancelled, timed out) is dropped.
   */
  report(endpointId: string, workerId: string, jobId: string, body: JobDone): Report {
    const owned = this.ownership(endpointId, workerId, jobId);
    const job = this.store.get(jobId);
    if (!owned.ok || !job || job.status !== 'IN_PROGRESS') return owned;
    this.lifecycle.report(job, body);
    return { ok: true, recorded: true };
  }

  /** A streamed chunk for /stream, on the same terms as report(). */
  streamChunk(endpointId: string, workerId: string, jobId: string, output: unknown): Report {
    const owned = this.ownership(endpointId, workerId, jobId);
    const job = this.store.get(jobId);
    if (!owned.ok || !job || job.status !== 'IN_PROGRESS') return owned;
    job.stream.push(output);
    return { ok: true, recorded: true };
  }

  /** report() for the job's own endpoint: for callers that act as the worker in-process (tests, tools). */
  done(workerId: string, jobId: string, body: JobDone): 'recorded' | 'ignored' {
    const endpointId = this.store.get(jobId)?.endpointId ?? '';
    const report = this.report(endpointId, workerId, jobId, body);
    return report.ok && report.recorded ? 'recorded' : 'ignored';
  }

  /** A worker died: each job it ran is tried once more, then FAILED with a clear error; never stuck IN_PROGRESS. */
  workerGone(workerId: string, why: string): void {
    for (const job of this.running.ofWorker(workerId)) this.lifecycle.requeueOrFail(job, why);
    this.waiting.releaseWorker(workerId);
    this.workers.forget(workerId);
  }

  /** Workers of an endpoint that hold a job now. */
  busyWorkers(endpointId: string): Set<string> {
    return this.running.busyWorkers(endpointId);
  }

  /** Whether the worker holds a job on any endpoint. */
  holdsJobs(workerId: string): boolean {
    return this.running.ofWorker(workerId).length > 0;
  }

  /** Forgets an endpoint's jobs (endpoint deleted). */
  dropEndpoint(endpointId: string): void {
    for (const job of this.store.all()) if (job.endpointId === endpointId) this.lifecycle.forget(job);
    this.waiting.dropEndpoint(endpointId);
    this.running.dropEndpoint(endpointId);
    this.workers.forgetEndpoint(endpointId);
  }

  /** Removes results past their time and jobs past their ttl. */
  sweep(): void {
    const now = this.now();
    for (const job of this.store.all()) {
      if (!this.retention.expired(job, now)) continue;
      if (job.status === 'IN_QUEUE') this.waiting.remove(job);
      this.lifecycle.forget(job);
    }
  }

  toObject(job: Job): JobObject {
    return jobObject(job);
  }

  close(): void {
    this.unwatch();
    this.store.flush();
    this.running.close();
    this.waiting.close();
  }
}
