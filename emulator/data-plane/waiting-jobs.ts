import type { Job } from './job';

/** A worker's long poll for a job: handed one, or undefined when it ends without one. */
interface Taker {
  readonly workerId: string;
  hand(job: Job | undefined): void;
}

/** What the waiting line needs from the queue that owns the jobs. */
export interface Dispatch {
  /** The job with this id, while the cloud still knows it. */
  job(jobId: string): Job | undefined;
  /** Marks the job as running on the worker, before the worker is handed it. */
  start(job: Job, workerId: string): void;
  /** A job waits and no worker is there to take it: more workers may be needed. */
  onQueued?: (endpointId: string) => void;
  /** The clock the line stamps each job with when it joins, so the scaler can tell how long jobs waited. */
  now(): number;
}

/** A job in line, with the time it joined the line (the scaler's QUEUE_DELAY counts from there). */
interface InLine {
  readonly id: string;
  readonly since: number;
}

/**
 * The jobs waiting per endpoint, first in first out, and the long polls of workers waiting for one. A job
 * and a waiting worker never both wait on one endpoint: whichever comes second takes the other at once.
 */
export class WaitingJobs {
  private readonly queued = new Map<string, InLine[]>();
  private readonly takers = new Map<string, Taker[]>();
  /** Long polls that are handed nothing (hold()), so the cloud can end them when it stops. */
  private readonly held = new Set<Taker>();

  constructor(private readonly dispatch: Dispatch) {}

  count(endpointId: string): number {
    return this.queued.get(endpointId)?.length ?? 0;
  }

  /**
   * How many of the endpoint's jobs in line have waited `ms` or longer. The line is first in first out and
   * each job is stamped as it joins, so the count stops at the first job that has not waited that long.
   */
  waitedAtLeast(endpointId: string, ms: number): number {
    const now = this.dispatch.now();
    let count = 0;
    for (const entry of this.queued.get(endpointId) ?? []) {
      if (now - entry.since < ms) break;
      count += 1;
    }
    return count;
  }

  /**
   * Puts the job at the back of its endpoint's line, without handing it out (a job restored from disk). Its
   * wait counts from now: a job restored, retried or handed back waits afresh, as a new one would.
   */
  push(job: Job): void {
    this.line(job.endpointId).push({ id: job.id, since: this.dispatch.now() });
  }

  /** Hands the job to the worker that has waited longest, or puts it in line. */
  enqueue(job: Job): void {
    const taker = this.takers.get(job.endpointId)?.shift();
    if (taker) {
      this.handOut(job, taker);
      return;
    }
    this.push(job);
    this.dispatch.onQueued?.(job.endpointId);
  }

  /** A worker asks for a job; resolves with one, or undefined after `waitMs` (the worker asks again). */
  take(endpointId: string, workerId: string, waitMs: number): Promise<Job | undefined> {
    return new Promise((resolve) => {
      const id = this.line(endpointId).shift()?.id;
      const job = id ? this.dispatch.job(id) : undefined;
      const taker: Taker = {
        workerId,
        hand: (handed) => {
          clearTimeout(timer);
          resolve(handed);
        },
      };
      const timer = setTimeout(
        () => {
          this.unwait(endpointId, taker);
          resolve(undefined);
        },
        job ? 0 : waitMs,
      );
      if (job) this.handOut(job, taker);
      else {
        const list = this.takers.get(endpointId) ?? [];
        list.push(taker);
        this.takers.set(endpointId, list);
      }
    });
  }

  /** Up to `max` jobs: waits like take() for the first, then adds those queued by the end of that turn. */
  async takeBatch(endpointId: string, workerId: string, max: number, waitMs: number): Promise<Job[]> {
    const first = await this.take(endpointId, workerId, waitMs);
    if (!first) return [];
    // jobs that arrive in the same turn of the event loop go out together
    if (max > 1) await new Promise((resolve) => setImmediate(resolve));
    const batch = [first];
    while (batch.length < max && this.count(endpointId) > 0) {
      const next = await this.take(endpointId, workerId, 0);
      if (!next) break;
      batch.push(next);
    }
    return batch;
  }

  /**
   * A long poll that is handed no job (a retired worker's): it ends empty after `waitMs`, or when the
   * worker is released, so the worker idles instead of asking again at once.
   */
  hold(workerId: string, waitMs: number): Promise<undefined> {
    return new Promise((resolve) => {
      const taker: Taker = {
        workerId,
        hand: () => {
          clearTimeout(timer);
          this.held.delete(taker);
          resolve(undefined);
        },
      };
      const timer = setTimeout(() => taker.hand(undefined), waitMs);
      this.held.add(taker);
    });
  }

  /** Takes a job out of line (it ended while it waited). */
  remove(job: Job): void {
    const line = this.line(job.endpointId);
    const at = line.findIndex((entry) => entry.id === job.id);
    if (at >= 0) line.splice(at, 1);
  }

  /** Empties an endpoint's line; returns the ids it held. */
  purge(endpointId: string): string[] {
    return this.line(endpointId)
      .splice(0)
      .map((entry) => entry.id);
  }

  /** Ends a dead worker's long polls empty: it must not be handed a job. */
  releaseWorker(workerId: string): void {
    for (const taker of [...this.held].filter((t) => t.workerId === workerId)) taker.hand(undefined);
    for (const list of this.takers.values())
      for (const taker of list.filter((t) => t.workerId === workerId)) {
        list.splice(list.indexOf(taker), 1);
        taker.hand(undefined);
      }
  }

  /** Forgets an endpoint's line; its workers' long polls end empty. */
  dropEndpoint(endpointId: string): void {
    this.queued.delete(endpointId);
    for (const taker of this.takers.get(endpointId) ?? []) taker.hand(undefined);
    this.takers.delete(endpointId);
  }

  /** Ends every long poll empty (the cloud stops). */
  close(): void {
    for (const taker of [...this.held]) taker.hand(undefined);
    for (const list of this.takers.values()) for (const taker of list) taker.hand(undefined);
    this.takers.clear();
  }

  private handOut(job: Job, taker: Taker): void {
    this.dispatch.start(job, taker.workerId);
    taker.hand(job);
  }

  private unwait(endpointId: string, taker: Taker): void {
    const list = this.takers.get(endpointId) ?? [];
    const at = list.indexOf(taker);
    if (at >= 0) list.splice(at, 1);
  }

  private line(endpointId: string): InLine[] {
    let line = this.queued.get(endpointId);
    if (!line) this.queued.set(endpointId, (line = []));
    return line;
  }
}
