import { AsyncLocalStorage } from 'node:async_hooks';

/** The job the current code runs for, so `reportProgress` from user code reaches the right job. */
export interface JobContext {
  id: string;
  /** Posts a progress update for this job (job-done with `status: "IN_PROGRESS"`). */
  progress(update: unknown): void;
}

export const currentJob = new AsyncLocalStorage<JobContext>();
