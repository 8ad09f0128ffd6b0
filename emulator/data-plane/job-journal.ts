import type { CloudDb } from '../state/cloud-db';
import type { Job } from './job';

/**
 * Writes jobs to the cloud's SQLite file. Changes are gathered and written in one transaction every few
 * milliseconds (one commit for a burst instead of one per transition); `flush()` writes at once, for a
 * job whose acceptance is about to be acknowledged. A job lost between its change and the flush can only be
 * one whose caller has not been answered yet, or one that reruns on restart (at least once).
 */
/** How long changes gather before one commit writes them. */
const FLUSH_EVERY_MS = 10;

export class JobJournal {
  private readonly dirty = new Map<string, Job | undefined>();
  private scheduled: NodeJS.Timeout | undefined;

  constructor(private readonly db: CloudDb) {}

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

  flush(): void {
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = undefined;
    if (this.dirty.size === 0) return;
    const batch = [...this.dirty];
    this.dirty.clear();
    this.db.transaction(() => {
      for (const [id, job] of batch) {
        if (job) this.db.saveJob(job);
        else this.db.removeJob(id);
      }
    });
  }
}
