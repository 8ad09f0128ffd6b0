import type { Dispatcher } from 'undici';
import { undici } from '../runtime/undici-lazy';
import type { WorkerLogger } from '../logger';

export interface JobDonePost {
  url: string;
  jobId: string;
  /** A result, or a progress update (`status: "IN_PROGRESS"`). */
  body: unknown;
  headers: Record<string, string>;
  dispatcher: Dispatcher;
  logger: WorkerLogger;
}

const ATTEMPTS = 3;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Posts to job-done (docs/RUNPOD.md#job-done), 3 tries, any status of 400 or more a failure. It never
 * throws: a result the platform would not take is logged, and the worker goes on with its next job.
 */
export async function postJobDone(post: JobDonePost): Promise<void> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const res = await undici().request(post.url, {
        method: 'POST',
        headers: { ...post.headers, 'x-request-id': post.jobId },
        body: JSON.stringify(post.body),
        dispatcher: post.dispatcher,
      });
      await res.body.dump();
      if (res.statusCode < 400) return;
      post.logger.warn('job-done refused', { jobId: post.jobId, status: res.statusCode, attempt });
    } catch (error) {
      post.logger.warn('job-done failed', { jobId: post.jobId, attempt, error: (error as Error).message });
    }
    await sleep(attempt * 200);
  }
}
