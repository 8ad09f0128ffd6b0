import type { Job } from './job';

type Waiter = (job: Job | undefined) => void;

/** Requests waiting for a job to finish (`/runsync`, `/status-sync`), each with its own deadline. */
export class TerminalWaiters {
  private readonly waiting = new Map<string, Set<Waiter>>();

  /** Resolves with the finished job, or after `ms` with `current()`. */
  wait(jobId: string, ms: number, current: () => Job | undefined): Promise<Job | undefined> {
    return new Promise((resolve) => {
      const set = this.waiting.get(jobId) ?? new Set<Waiter>();
      const waiter: Waiter = (done) => {
        clearTimeout(timer);
        resolve(done);
      };
      const timer = setTimeout(() => {
        set.delete(waiter);
        resolve(current());
      }, ms);
      set.add(waiter);
      this.waiting.set(jobId, set);
    });
  }

  notify(job: Job): void {
    for (const waiter of this.waiting.get(job.id) ?? []) waiter(job);
    this.waiting.delete(job.id);
  }
}
