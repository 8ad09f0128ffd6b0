import type { Dispatcher } from 'undici';
import type { QueueEndpointDefinition } from '../contract/endpoint-definition';
import { takenJobSchema } from '../contract/job';
import type { WorkerLogger } from '../logger';
import { startHeartbeat } from './heartbeat';
import { type JobApi, JobApiUrls } from './job-api';
import { currentJob } from './job-context';
import { postJobDone } from './job-done';
import { JobSlots } from './job-slots';
import { takeJobs } from './job-take';
import { Pauses } from './pauses';
import { runJob } from './run-job';
import { startStopChannel } from './stop-channel';

export type { JobApi } from './job-api';

export interface JobLoopOptions {
  api: JobApi;
  definition: QueueEndpointDefinition;
  /** Jobs run at once. Default 1. */
  concurrency: number;
  dispatcher: Dispatcher;
  logger: WorkerLogger;
}

/** What the worker keeps of a started job loop. */
export interface JobLoopHandle {
  /** Takes no more jobs and resolves once the jobs held end, or `graceMs` (default 30 s) has passed. */
  stop(graceMs?: number): Promise<void>;
  inFlight(): string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A QB worker's job loop (docs/RUNPOD.md#worker-job-protocol): takes jobs, runs them, posts results, pings
 * the platform while it lives, and frees the slot of a job the platform stops.
 */
export class JobLoop implements JobLoopHandle {
  private stopping = false;
  private readonly urls: JobApiUrls;
  private readonly slots: JobSlots;
  /** The take loop's backoffs; `stop()` ends them at once, so a stopping worker never waits one out. */
  private readonly pauses = new Pauses();
  /** Ends the job-take long poll on `stop()`. */
  private readonly taking = new AbortController();
  private stopHeartbeat: () => void = () => undefined;

  constructor(private readonly options: JobLoopOptions) {
    this.urls = new JobApiUrls(options.api);
    this.slots = new JobSlots(Math.max(1, options.concurrency));
  }

  start(): this {
    this.watchStops();
    if (!this.urls.pings) {
      void this.takeLoop();
      return this;
    }
    const heartbeat = startHeartbeat({
      url: (jobIds) => this.urls.ping(jobIds),
      jobIds: () => this.slots.ids(),
      intervalMs: this.options.api.pingIntervalMs,
      headers: this.urls.headers,
      dispatcher: this.options.dispatcher,
    });
    this.stopHeartbeat = heartbeat.stop;
    // the first ping announces the worker (a platform may not know it before): takes follow it
    void heartbeat.first.then(() => this.takeLoop());
    return this;
  }

  inFlight(): string[] {
    return this.slots.ids();
  }

  async stop(graceMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.stopping = true;
    // no new job: the long poll ends now; the jobs held run to their end (up to graceMs), and the
    // heartbeat goes on while they do, so the platform never takes them for lost
    this.taking.abort();
    this.pauses.endAll();
    const deadline = Date.now() + graceMs;
    while (this.slots.busy && Date.now() < deadline) await sleep(25);
    this.stopHeartbeat();
  }

  /**
   * Takes while a slot is free, asking for as many jobs as slots are free (docs/RUNPOD.md#job-take). A
   * platform that does not answer is retried after a pause, never a reason to exit.
   */
  private async takeLoop(): Promise<void> {
    while (!this.stopping) {
      const free = this.slots.free;
      if (free <= 0) {
        await this.slots.whenFreed();
        continue;
      }
      const taken = await takeJobs({
        url: this.urls.take(free, this.slots.busy),
        headers: this.urls.headers,
        dispatcher: this.options.dispatcher,
        signal: this.taking.signal,
        logger: this.options.logger,
      });
      if ('error' in taken) {
        if (this.stopping) return; // the long poll was aborted by stop()
        this.options.logger.warn('job-take failed', { error: taken.error.message });
        await this.pauses.pause(1000);
      } else if ('waitMs' in taken) {
        if (taken.waitMs > 0) await this.pauses.pause(taken.waitMs);
      } else this.startJobs(taken.jobs);
    }
  }

  /** A job without `id` or `input` is dropped (docs/RUNPOD.md#job-take). */
  private startJobs(jobs: unknown[]): void {
    for (const raw of jobs) {
      const job = takenJobSchema.safeParse(raw);
      if (job.success) void this.runOne(job.data);
      else this.options.logger.warn('job has missing field(s): id or input');
    }
  }

  /** Its slot stays held until the result is posted, so the heartbeat names the job until then. */
  private async runOne(job: { id: string; input: unknown }): Promise<void> {
    this.slots.hold(job.id);
    const started = Date.now();
    const progress = (update: unknown): void => {
      // best effort, like the platform's progress_update: a lost update never fails the job
      void this.post(job.id, { status: 'IN_PROGRESS', output: update });
    };
    const done = await currentJob.run({ id: job.id, progress }, () =>
      runJob(this.options.definition, job.input),
    );
    if (this.slots.takeStopped(job.id)) return; // stopped while it ran: its slot was freed then
    await this.post(job.id, done);
    this.slots.release(job.id);
    this.options.logger.info('job finished', {
      jobId: job.id,
      ms: Date.now() - started,
      failed: 'error' in done,
    });
  }

  private post(jobId: string, body: unknown): Promise<void> {
    return postJobDone({
      url: this.urls.done(jobId),
      jobId,
      body,
      headers: this.urls.headers,
      dispatcher: this.options.dispatcher,
      logger: this.options.logger,
    });
  }

  /** Only a take URL with `/job-take/` has a stop channel (docs/RUNPOD.md#stop-channel). */
  private watchStops(): void {
    const url = this.urls.stop();
    if (url === undefined) return;
    startStopChannel({
      url,
      headers: this.urls.headers,
      dispatcher: this.options.dispatcher,
      stopped: () => this.stopping,
      onStop: (jobIds) => this.onStopped(jobIds),
    });
  }

  private onStopped(jobIds: string[]): void {
    for (const jobId of jobIds)
      if (this.slots.stop(jobId)) this.options.logger.info('job stopped', { jobId });
  }
}

/** Starts a job loop; `stop()` and `inFlight()` may be called detached from the handle. */
export function startJobLoop(options: JobLoopOptions): JobLoopHandle {
  const loop = new JobLoop(options).start();
  return { stop: (graceMs) => loop.stop(graceMs), inFlight: () => loop.inFlight() };
}
