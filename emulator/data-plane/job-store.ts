import type { CloudDb } from '../state/cloud-db';
import type { Job } from './job';
import { JobJournal } from './job-journal';

/**
 * Every job the cloud knows, in memory and in its journal on disk. A /runsync job stays in memory only
 * until a caller knows its id: before its /runsync answers, only the waiting caller knows it, and a cloud
 * that dies takes that caller's connection with it, so a copy on disk would serve no one.
 */
export class JobStore {
  private readonly jobs = new Map<string, Job>();
  private readonly journal: JobJournal;
  /** /runsync jobs whose id a caller knows. */
  private readonly announced = new Set<string>();

  constructor(private readonly db: CloudDb) {
    this.journal = new JobJournal(db);
  }

  /** The jobs a previous run of the cloud left on disk, oldest first, now known to this store. */
  restore(): Job[] {
    const jobs = this.db.allJobs<Job>();
    for (const job of jobs) {
      this.jobs.set(job.id, job);
      if (job.sync) this.announced.add(job.id);
    }
    return jobs;
  }

  get(jobId: string): Job | undefined {
    return this.jobs.get(jobId);
  }

  /** Every job, as a list that later changes to the store leave as it is. */
  all(): Job[] {
    return [...this.jobs.values()];
  }

  add(job: Job): void {
    this.jobs.set(job.id, job);
    this.persist(job);
  }

  /** Writes the job's change to the journal, unless it is a sync job no caller knows yet. */
  persist(job: Job): void {
    if (!job.sync || this.announced.has(job.id)) this.journal.save(job);
  }

  /** A /runsync answers before its job ended: the caller now holds the id, so the job is kept on disk. */
  announce(job: Job): void {
    if (!job.sync || this.announced.has(job.id)) return;
    this.announced.add(job.id);
    this.journal.save(job);
    this.journal.flush();
  }

  remove(job: Job): void {
    this.jobs.delete(job.id);
    if (!job.sync || this.announced.delete(job.id)) this.journal.remove(job.id);
  }

  /** Writes pending changes now: before an answer that tells a caller its job is accepted. */
  flush(): void {
    this.journal.flush();
  }
}
