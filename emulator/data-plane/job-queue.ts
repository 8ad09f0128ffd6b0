import { randomUUID } from 'node:crypto';
import {
  TERMINAL_STATUSES,
  type JobDone,
  type JobObject,
  type JobStatus,
  type RunRequest,
} from '../../worker/contract/job';
import type { CloudDb } from '../state/cloud-db';
import { isExpired, jobObject, type Job } from './job';
import { JobJournal } from './job-journal';
import { TerminalWaiters } from './terminal-waiters';

export type { Job } from './job';

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

/** What became of a worker's report on a job: refused when the job is not that worker's on that endpoint. */
export type Report = { ok: true; recorded: boolean } | { ok: false; code: 'JOB_NOT_FOUND' | 'JOB_NOT_HELD' };

export interface JobQueueOptions {
  now?: () => number;
  /** Called when a job is queued, so the supervisor can scale. */
  onQueued?: (endpointId: string) => void;
  /** A job was cancelled while a worker ran it: that worker is told to stop it. */
  onCancelRunning?: (workerId: string, jobId: string) => void;
  /** Delivers a terminal job to its webhook. */
  deliverWebhook?: (url: string, job: JobObject) => void;
  /** Bounds on kept results; each one missing takes its default (DEFAULT_RESULT_LIMITS). */
  results?: Partial<ResultLimits>;
}

type Waiter = (job: Job | undefined) => void;

/** Jobs of every QB endpoint: FIFO per endpoint, long-polled by workers, persisted so none is lost. */
export class JobQueue {
  private readonly jobs = new Map<string, Job>();
  /** Jobs IN_PROGRESS per endpoint, so counting them never scans the retained results. */
  private readonly running = new Map<string, Map<string, Job>>();
  private readonly journal: JobJournal;
  /**
   * /runsync jobs whose id a caller knows. Until its /runsync answers, only the waiting caller knows a sync
   * job, and a cloud that dies takes that caller's connection with it: such a job is kept in memory only.
   */
  private readonly announced = new Set<string>();
  private readonly queued = new Map<string, string[]>();
  private readonly takers = new Map<string, Waiter[]>();
  private readonly finishers = new TerminalWaiters();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly totals = new Map<string, { completed: number; failed: number; retried: number }>();
  private readonly now: () => number;
  private readonly limits: ResultLimits;
  /** Finished jobs kept for /status, oldest first, with the bytes each is counted for. */
  private readonly kept = new Map<string, number>();
  private keptBytes = 0;

  constructor(
    db: CloudDb,
    private readonly options: JobQueueOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.limits = { ...DEFAULT_RESULT_LIMITS, ...options.results };
    this.journal = new JobJournal(db);
    const finished: Job[] = [];
    for (const job of db.allJobs<Job>()) {
      this.jobs.set(job.id, job);
      if (job.sync) this.announced.add(job.id);
      // a job that was running when the cloud stopped goes back to the queue: its worker is gone
      if (job.status === 'IN_PROGRESS')
        this.requeueOrFail(job, 'the local cloud restarted while this job ran');
      else if (job.status === 'IN_QUEUE') this.queue(job.endpointId).push(job.id);
      else finished.push(job);
    }
    finished.sort((a, b) => (a.completedAt ?? 0) - (b.completedAt ?? 0));
    for (const job of finished) this.keep(job);
  }

  /** Counts a finished job as a kept result, then drops the oldest results while a bound is passed. */
  private keep(job: Job): void {
    this.unkeep(job.id);
    const bytes = Buffer.byteLength(JSON.stringify([job.input, job.output, job.error, job.stream]));
    this.kept.set(job.id, bytes);
    this.keptBytes += bytes;
    for (const [oldest] of this.kept) {
      if (this.kept.size <= this.limits.maxCount && this.keptBytes <= this.limits.maxBytes) break;
      const dropped = this.jobs.get(oldest);
      if (dropped) this.forget(dropped);
      else this.unkeep(oldest);
    }
  }

  private unkeep(jobId: string): void {
    const bytes = this.kept.get(jobId);
    if (bytes === undefined) return;
    this.kept.delete(jobId);
    this.keptBytes -= bytes;
  }

  private queue(endpointId: string): string[] {
    let q = this.queued.get(endpointId);
    if (!q) this.queued.set(endpointId, (q = []));
    return q;
  }

  private total(endpointId: string): { completed: number; failed: number; retried: number } {
    let t = this.totals.get(endpointId);
    if (!t) this.totals.set(endpointId, (t = { completed: 0, failed: 0, retried: 0 }));
    return t;
  }

  private persist(job: Job): void {
    if (!job.sync || this.announced.has(job.id)) this.journal.save(job);
  }

  /** A /runsync answers before its job ended: the caller now holds the id, so the job is kept on disk. */
  announce(job: Job): void {
    if (!job.sync || this.announced.has(job.id)) return;
    this.announced.add(job.id);
    this.journal.save(job);
    this.journal.flush();
  }

  private forget(job: Job): void {
    this.unkeep(job.id);
    this.stopRunning(job);
    this.jobs.delete(job.id);
    if (!job.sync || this.announced.delete(job.id)) this.journal.remove(job.id);
  }

  private startRunning(job: Job): void {
    let map = this.running.get(job.endpointId);
    if (!map) this.running.set(job.endpointId, (map = new Map()));
    map.set(job.id, job);
  }

  private stopRunning(job: Job): void {
    clearTimeout(this.timers.get(job.id));
    this.timers.delete(job.id);
    this.running.get(job.endpointId)?.delete(job.id);
  }

  depth(endpointId: string): { inQueue: number; inProgress: number } {
    return {
      inQueue: this.queued.get(endpointId)?.length ?? 0,
      inProgress: this.running.get(endpointId)?.size ?? 0,
    };
  }

  counts(endpointId: string): {
    completed: number;
    failed: number;
    inProgress: number;
    inQueue: number;
    retried: number;
  } {
    return { ...this.total(endpointId), ...this.depth(endpointId) };
  }

  submit(endpointId: string, request: RunRequest, sync: boolean): Job {
    const job: Job = {
      id: `${sync ? 'sync-' : ''}${randomUUID()}`,
      endpointId,
      status: 'IN_QUEUE',
      input: request.input,
      ...(request.webhook ? { webhook: request.webhook } : {}),
      executionTimeoutMs: request.policy?.executionTimeout ?? 600_000,
      ttlMs: request.policy?.ttl ?? 86_400_000,
      sync,
      createdAt: this.now(),
      attempts: 0,
      stream: [],
    };
    this.jobs.set(job.id, job);
    this.persist(job);
    // an accepted /run is answered with its id at once: it is on disk before that answer
    if (!sync) this.journal.flush();
    this.enqueue(job);
    return job;
  }

  private enqueue(job: Job): void {
    const taker = this.takers.get(job.endpointId)?.shift();
    if (taker) {
      this.start(job, taker);
      return;
    }
    this.queue(job.endpointId).push(job.id);
    this.options.onQueued?.(job.endpointId);
  }

  private workerFor = new Map<Waiter, string>();

  private start(job: Job, taker: Waiter): void {
    job.status = 'IN_PROGRESS';
    this.startRunning(job);
    job.startedAt = this.now();
    job.workerId = this.workerFor.get(taker);
    job.attempts += 1;
    this.workerFor.delete(taker);
    this.persist(job);
    this.timers.set(
      job.id,
      setTimeout(
        () =>
          this.finish(job, 'TIMED_OUT', {
            error: `job ran longer than its executionTimeout of ${job.executionTimeoutMs} ms`,
          }),
        job.executionTimeoutMs,
      ).unref(),
    );
    taker(job);
  }

  /** A worker asks for a job; resolves with one, or undefined after `waitMs` (the worker asks again). */
  take(endpointId: string, workerId: string, waitMs: number): Promise<Job | undefined> {
    return new Promise((resolve) => {
      const waiter: Waiter = (job) => {
        clearTimeout(timer);
        resolve(job);
      };
      this.workerFor.set(waiter, workerId);
      const id = this.queue(endpointId).shift();
      const job = id ? this.jobs.get(id) : undefined;
      const timer = setTimeout(
        () => {
          const list = this.takers.get(endpointId) ?? [];
          const at = list.indexOf(waiter);
          if (at >= 0) list.splice(at, 1);
          this.workerFor.delete(waiter);
          resolve(undefined);
        },
        job ? 0 : waitMs,
      );
      if (job) this.start(job, waiter);
      else {
        const list = this.takers.get(endpointId) ?? [];
        list.push(waiter);
        this.takers.set(endpointId, list);
      }
    });
  }

  /** Up to `max` jobs for a worker: waits like take() for the first, then adds the ones queued by the end of that turn. */
  async takeBatch(endpointId: string, workerId: string, max: number, waitMs: number): Promise<Job[]> {
    const first = await this.take(endpointId, workerId, waitMs);
    if (!first) return [];
    // jobs that arrive in the same turn of the event loop go out together
    if (max > 1) await new Promise((resolve) => setImmediate(resolve));
    const batch = [first];
    while (batch.length < max && this.queue(endpointId).length > 0) {
      const next = await this.take(endpointId, workerId, 0);
      if (!next) break;
      batch.push(next);
    }
    return batch;
  }

  /** Whether `workerId` of `endpointId` holds the job: a job of another endpoint is not found there. */
  ownership(endpointId: string, workerId: string, jobId: string): Report {
    const job = this.jobs.get(jobId);
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
    const job = this.jobs.get(jobId);
    if (!owned.ok || !job || job.status !== 'IN_PROGRESS') return owned;
    if ('status' in body && body.status === 'IN_PROGRESS') {
      job.output = body.output;
      this.persist(job);
      return { ok: true, recorded: true };
    }
    const result = body as { output?: unknown; error?: string };
    if (result.error) this.finish(job, 'FAILED', { error: result.error, output: result.output });
    else this.finish(job, 'COMPLETED', { output: result.output ?? null });
    return { ok: true, recorded: true };
  }

  /** A streamed chunk for /stream, on the same terms as report(). */
  streamChunk(endpointId: string, workerId: string, jobId: string, output: unknown): Report {
    const owned = this.ownership(endpointId, workerId, jobId);
    const job = this.jobs.get(jobId);
    if (!owned.ok || !job || job.status !== 'IN_PROGRESS') return owned;
    job.stream.push(output);
    return { ok: true, recorded: true };
  }

  /** report() for the job's own endpoint: for callers that act as the worker in-process (tests, tools). */
  done(workerId: string, jobId: string, body: JobDone): 'recorded' | 'ignored' {
    const endpointId = this.jobs.get(jobId)?.endpointId ?? '';
    const report = this.report(endpointId, workerId, jobId, body);
    return report.ok && report.recorded ? 'recorded' : 'ignored';
  }

  private finish(job: Job, status: JobStatus, result: { output?: unknown; error?: string }): void {
    if (TERMINAL_STATUSES.includes(job.status)) return;
    const wasQueued = job.status === 'IN_QUEUE';
    this.stopRunning(job);
    job.status = status;
    job.completedAt = this.now();
    job.output = result.output;
    job.error = result.error;
    if (wasQueued) this.removeFromQueue(job);
    if (status === 'COMPLETED') this.total(job.endpointId).completed += 1;
    if (status === 'FAILED' || status === 'TIMED_OUT') this.total(job.endpointId).failed += 1;
    this.persist(job);
    this.finishers.notify(job);
    if (job.webhook) this.options.deliverWebhook?.(job.webhook, this.toObject(job));
    this.keep(job);
  }

  private removeFromQueue(job: Job): void {
    const q = this.queue(job.endpointId);
    const at = q.indexOf(job.id);
    if (at >= 0) q.splice(at, 1);
  }

  get(jobId: string): Job | undefined {
    return this.jobs.get(jobId);
  }

  /** Resolves when the job is terminal, or after `ms` with the job as it is. */
  waitTerminal(jobId: string, ms: number): Promise<Job | undefined> {
    const job = this.jobs.get(jobId);
    if (!job || TERMINAL_STATUSES.includes(job.status) || ms <= 0) return Promise.resolve(job);
    return this.finishers.wait(jobId, ms, () => this.jobs.get(jobId));
  }

  cancel(jobId: string): Job | undefined {
    const job = this.jobs.get(jobId);
    if (job && !TERMINAL_STATUSES.includes(job.status)) {
      const runningOn = job.status === 'IN_PROGRESS' ? job.workerId : undefined;
      this.finish(job, 'CANCELLED', {});
      if (runningOn) this.options.onCancelRunning?.(runningOn, job.id);
    }
    return job;
  }

  retry(jobId: string): Job | undefined | 'not_retryable' {
    const job = this.jobs.get(jobId);
    if (!job) return undefined;
    if (job.status !== 'FAILED' && job.status !== 'TIMED_OUT') return 'not_retryable';
    this.unkeep(job.id); // it waits again: no longer a result
    Object.assign(job, {
      status: 'IN_QUEUE',
      output: undefined,
      error: undefined,
      workerId: undefined,
      startedAt: undefined,
      completedAt: undefined,
      attempts: 0,
    });
    this.total(job.endpointId).retried += 1;
    this.persist(job);
    this.enqueue(job);
    return job;
  }

  purge(endpointId: string): number {
    const ids = this.queue(endpointId).splice(0);
    for (const id of ids) {
      const job = this.jobs.get(id);
      if (job) this.forget(job);
    }
    return ids.length;
  }

  /** A worker died: each job it ran is tried once more, then FAILED with a clear error; never stuck IN_PROGRESS. */
  workerGone(workerId: string, why: string): void {
    for (const map of this.running.values())
      for (const job of [...map.values()]) if (job.workerId === workerId) this.requeueOrFail(job, why);
    for (const [waiter, id] of [...this.workerFor]) {
      if (id !== workerId) continue;
      // a long poll of the dead worker must not be handed a job
      for (const list of this.takers.values()) {
        const at = list.indexOf(waiter);
        if (at >= 0) list.splice(at, 1);
      }
      this.workerFor.delete(waiter);
      waiter(undefined);
    }
  }

  /** Workers of an endpoint that hold a job now. */
  busyWorkers(endpointId: string): Set<string> {
    const busy = new Set<string>();
    for (const job of this.running.get(endpointId)?.values() ?? []) if (job.workerId) busy.add(job.workerId);
    return busy;
  }

  private requeueOrFail(job: Job, why: string): void {
    this.stopRunning(job);
    if (job.attempts < 2) {
      Object.assign(job, { status: 'IN_QUEUE', workerId: undefined, startedAt: undefined });
      this.persist(job);
      this.enqueue(job);
    } else {
      job.status = 'IN_PROGRESS'; // finish() only acts on live jobs
      this.finish(job, 'FAILED', {
        error: `the worker running this job died twice (${why}); see \`flash cloud logs\` for the endpoint`,
      });
    }
  }

  /** Forgets an endpoint's jobs (endpoint deleted). */
  dropEndpoint(endpointId: string): void {
    for (const job of [...this.jobs.values()]) {
      if (job.endpointId === endpointId) this.forget(job);
    }
    this.queued.delete(endpointId);
    this.running.delete(endpointId);
    for (const taker of this.takers.get(endpointId) ?? []) taker(undefined);
    this.takers.delete(endpointId);
  }

  /** Removes results past their time and jobs past their ttl. */
  sweep(): void {
    const now = this.now();
    const retention = { run: this.limits.ttlMs, sync: this.limits.syncTtlMs };
    for (const job of [...this.jobs.values()]) {
      if (!isExpired(job, now, retention)) continue;
      if (job.status === 'IN_QUEUE') this.removeFromQueue(job);
      this.forget(job);
    }
  }

  toObject(job: Job): JobObject {
    return jobObject(job);
  }

  close(): void {
    this.journal.flush();
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const list of this.takers.values()) for (const taker of list) taker(undefined);
    this.takers.clear();
  }
}
