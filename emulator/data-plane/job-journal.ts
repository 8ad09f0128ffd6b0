import { TERMINAL_STATUSES } from '../../worker/contract/job';
import { storedJson, type CloudDb, type CloudLog } from '../state/cloud-db';
import type { Job } from './job';

/**
 * Writes jobs to the cloud's SQLite file. Changes are gathered and written in one transaction every few
 * milliseconds (one commit for a burst instead of one per transition); `flush()` writes at once, for a
 * job whose acceptance is about to be acknowledged. A job lost between its change and the flush can only be
 * one whose caller has not been answered yet, or one that reruns on restart (at least once).
 */
/** How long changes gather before one commit writes them. */
const FLUSH_EVERY_MS = 10;
/** How long changes the database refused wait before they are tried again. */
const RETRY_AFTER_MS = 1_000;

const hasJson = (value: unknown): boolean => {
  try {
    JSON.stringify(value);
    return true;
  } catch {
    return false;
  }
};

export class JobJournal {
  private readonly dirty = new Map<string, Job | undefined>();
  private scheduled: NodeJS.Timeout | undefined;
  private readonly log: CloudLog;

  /** `log` defaults to the database's log. */
  constructor(
    private readonly db: CloudDb,
    log?: CloudLog,
  ) {
    this.log = log ?? db.log;
  }

  save(job: Job): void {
    this.dirty.set(job.id, job);
    this.schedule();
  }

  remove(jobId: string): void {
    this.dirty.set(jobId, undefined);
    this.schedule();
  }

  private schedule(): void {
    this.scheduled ??= setTimeout(() => this.flush(), FLUSH_EVERY_MS);
  }

  /**
   * Writes the gathered changes in one transaction. It never throws, since it runs from a timer too: a job
   * that cannot be written is made writable (see makeStorable), and a write the database refuses is logged
   * and tried again a little later.
   */
  flush(): void {
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = undefined;
    if (this.dirty.size === 0) return;
    const batch = [...this.dirty];
    this.dirty.clear();
    try {
      const writes = batch.map(([id, job]) => ({ id, job, body: job && this.bodyOf(job) }));
      this.db.transaction(() => {
        for (const { id, job, body } of writes) {
          if (!job) this.db.removeJob(id);
          else if (body !== undefined) this.db.saveJob(job, body);
        }
      });
    } catch (error) {
      for (const [id, job] of batch) if (!this.dirty.has(id)) this.dirty.set(id, job);
      this.log('job journal: a flush failed; its changes stay in memory', {
        jobs: batch.length,
        error: (error as Error).message,
      });
      if (this.db.open) this.scheduled = setTimeout(() => this.flush(), RETRY_AFTER_MS).unref();
    }
  }

  /** The job's JSON, once it has one; undefined for a job that must stay in memory for now. */
  private bodyOf(job: Job): string | undefined {
    try {
      return storedJson(job);
    } catch (error) {
      this.makeStorable(job, (error as Error).message);
    }
    try {
      return storedJson(job);
    } catch {
      return undefined;
    }
  }

  /**
   * A job with a part that has no JSON (nested too deep for `JSON.stringify`) loses that part, in memory
   * too, so that what callers read is what a restart reads. A COMPLETED job whose output is lost becomes
   * FAILED with JOB_NOT_STORABLE; progress and stream chunks are best effort and only dropped. The queue
   * refuses inputs nested too deep (JSON_TOO_DEEP), so a job whose input has no JSON stays in memory.
   */
  private makeStorable(job: Job, why: string): void {
    const dropped: string[] = [];
    if (!hasJson(job.output)) {
      job.output = undefined;
      dropped.push('output');
    }
    if (!job.stream.every(hasJson)) {
      job.stream = [];
      dropped.push('stream');
    }
    const finished = TERMINAL_STATUSES.includes(job.status);
    if (finished && !hasJson(job.input)) {
      job.input = null;
      dropped.push('input');
    }
    if (finished && dropped.includes('output') && job.status === 'COMPLETED') {
      job.status = 'FAILED';
      job.error = `JOB_NOT_STORABLE: the job's output cannot be stored (${why}), so it was dropped`;
    }
    this.log('job journal: a job cannot be stored as it is', {
      jobId: job.id,
      endpointId: job.endpointId,
      status: job.status,
      dropped,
      why,
    });
  }
}
