import type { Dispatcher } from 'undici';
import { undici } from '../runtime/undici-lazy';
import type { WorkerLogger } from '../logger';

/** What one take brought: jobs to run, a wait before the next take (0: none), or a failure. */
export type TakeOutcome = { jobs: unknown[] } | { waitMs: number } | { error: Error };

export interface TakeRequest {
  url: string;
  headers: Record<string, string>;
  dispatcher: Dispatcher;
  /** Aborted on stop, so the long poll does not hold a stopping worker. */
  signal: AbortSignal;
  logger: WorkerLogger;
}

/** How long the worker lets the platform hold a take (docs/RUNPOD.md#job-take). */
const LONG_POLL_MS = 95_000;
/** Answered "no job" faster than this, the platform did not hold the poll: wait before asking again. */
const HELD_MIN_MS = 100;

/**
 * One job-take long poll (docs/RUNPOD.md#job-take): 200 carries one job or, from the batch route, an array;
 * 204 or 400 mean no job; 429 means wait 5 s. A job's fields are not checked here.
 */
export async function takeJobs(request: TakeRequest): Promise<TakeOutcome> {
  const asked = Date.now();
  try {
    const res = await undici().request(request.url, {
      method: 'GET',
      headers: request.headers,
      dispatcher: request.dispatcher,
      headersTimeout: LONG_POLL_MS,
      bodyTimeout: LONG_POLL_MS,
      signal: request.signal,
    });
    if (res.statusCode === 204 || res.statusCode === 400) {
      await res.body.dump();
      // "no job" after a long poll: ask again at once; answered at once, wait a little (never spin)
      return { waitMs: Date.now() - asked < HELD_MIN_MS ? 500 : 0 };
    }
    if (res.statusCode === 429) {
      await res.body.dump();
      return { waitMs: 5000 };
    }
    const text = await res.body.text();
    if (res.statusCode !== 200 || text.trim() === '') {
      if (res.statusCode !== 200) request.logger.warn('job-take answered', { status: res.statusCode });
      return { waitMs: 500 };
    }
    const parsed = JSON.parse(text) as unknown;
    return { jobs: Array.isArray(parsed) ? parsed : [parsed] };
  } catch (error) {
    return { error: error as Error };
  }
}
