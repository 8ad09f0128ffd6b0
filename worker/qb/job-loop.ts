import type { Dispatcher } from 'undici';
import { undici } from '../runtime/undici-lazy';
import type { QueueEndpointDefinition } from '../contract/endpoint-definition';
import { takenJobSchema } from '../contract/job';
import type { WorkerLogger } from '../logger';
import { currentJob } from './job-context';
import { runJob } from './run-job';
import { startStopChannel } from './stop-channel';

/** The job API a QB worker talks to, from the platform's env (docs/RUNPOD.md#worker-environment). */
export interface JobApi {
  /** `RUNPOD_WEBHOOK_GET_JOB`, `$ID` = the worker id; already holds `?`. */
  takeUrl: string;
  /** `RUNPOD_WEBHOOK_POST_OUTPUT`, `$RUNPOD_POD_ID` and `$ID`. */
  doneUrl: string;
  /** `RUNPOD_WEBHOOK_PING`, `$RUNPOD_POD_ID`. */
  pingUrl?: string;
  pingIntervalMs: number;
  /** `RUNPOD_AI_API_KEY`, sent raw in Authorization. */
  workerKey: string;
  workerId: string;
}

export interface JobLoopOptions {
  api: JobApi;
  definition: QueueEndpointDefinition;
  /** Jobs run at once. Default 1. */
  concurrency: number;
  dispatcher: Dispatcher;
  logger: WorkerLogger;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Takes jobs, runs them, posts results; stops taking on `stop()` and resolves when in-flight jobs finish. */
export function startJobLoop(options: JobLoopOptions): {
  stop(graceMs?: number): Promise<void>;
  inFlight(): string[];
} {
  const { api, definition, dispatcher, logger } = options;
  const running = new Set<string>();
  let stopping = false;
  // the loop's own waits keep the worker alive (a platform that does not answer is retried, never a
  // silent exit); stop() ends them at once, and the job-take long poll with them
  const waits = new Set<{ timer: NodeJS.Timeout; end: () => void }>();
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (stopping) return resolve();
      const wait = {
        timer: setTimeout(() => {
          waits.delete(wait);
          resolve();
        }, ms),
        end: resolve,
      };
      waits.add(wait);
    });
  const taking = new AbortController();
  const headers = { authorization: api.workerKey, 'content-type': 'application/json' };
  const fill = (template: string, jobId = ''): string =>
    template
      .split('$RUNPOD_POD_ID')
      .join(api.workerId)
      .split('$ID')
      .join(jobId || api.workerId);

  const post = async (jobId: string, body: unknown): Promise<void> => {
    const url = `${fill(api.doneUrl, jobId)}&isStream=false`;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const res = await undici().request(url, {
          method: 'POST',
          headers: { ...headers, 'x-request-id': jobId },
          body: JSON.stringify(body),
          dispatcher,
        });
        await res.body.dump();
        if (res.statusCode < 400) return;
        logger.warn('job-done refused', { jobId, status: res.statusCode, attempt });
      } catch (error) {
        logger.warn('job-done failed', { jobId, attempt, error: (error as Error).message });
      }
      await sleep(attempt * 200);
    }
  };

  const concurrency = Math.max(1, options.concurrency);
  let freed: () => void = () => undefined;
  const slotFreed = (): Promise<void> => new Promise((resolve) => (freed = resolve));

  const run = async (job: { id: string; input: unknown }): Promise<void> => {
    running.add(job.id);
    const started = Date.now();
    const progress = (update: unknown): void => {
      // best effort, like the platform's progress_update: a lost update never fails the job
      void post(job.id, { status: 'IN_PROGRESS', output: update });
    };
    const done = await currentJob.run({ id: job.id, progress }, () => runJob(definition, job.input));
    if (stoppedJobs.delete(job.id)) return; // cancelled while it ran: its slot was freed then
    await post(job.id, done);
    running.delete(job.id);
    freed();
    logger.info('job finished', { jobId: job.id, ms: Date.now() - started, failed: 'error' in done });
  };

  // a job cancelled while it runs frees its slot at once; its result, when it comes, is dropped
  const stoppedJobs = new Set<string>();
  if (api.takeUrl.includes('/job-take/'))
    startStopChannel({
      url: fill(api.takeUrl.replace('/job-take/', '/job-stop/')),
      headers,
      dispatcher,
      stopped: () => stopping,
      onStop: (ids) => {
        for (const id of ids) {
          if (!running.delete(id)) continue;
          stoppedJobs.add(id);
          logger.info('job stopped', { jobId: id });
          freed();
        }
      },
    });

  /** With more than one free slot it asks job-take-batch for that many jobs (docs/RUNPOD.md#job-take). */
  const taker = async (): Promise<void> => {
    while (!stopping) {
      const free = concurrency - running.size;
      if (free <= 0) {
        await slotFreed();
        continue;
      }
      const batch = free > 1 && api.takeUrl.includes('/job-take/');
      const base = fill(batch ? api.takeUrl.replace('/job-take/', '/job-take-batch/') : api.takeUrl);
      const url = `${base}${batch ? `&batch_size=${free}` : ''}&job_in_progress=${running.size > 0 ? 1 : 0}`;
      let jobs: unknown[];
      const asked = Date.now();
      try {
        const res = await undici().request(url, {
          method: 'GET',
          headers,
          dispatcher,
          headersTimeout: 95_000,
          bodyTimeout: 95_000,
          signal: taking.signal,
        });
        if (res.statusCode === 204 || res.statusCode === 400) {
          await res.body.dump();
          // "no job" after a long poll: ask again at once; answered at once, wait a little (never spin)
          if (Date.now() - asked < 100) await pause(500);
          continue;
        }
        if (res.statusCode === 429) {
          await res.body.dump();
          await pause(5000);
          continue;
        }
        const text = await res.body.text();
        if (res.statusCode !== 200 || text.trim() === '') {
          if (res.statusCode !== 200) logger.warn('job-take answered', { status: res.statusCode });
          await pause(500);
          continue;
        }
        const parsed = JSON.parse(text) as unknown;
        jobs = Array.isArray(parsed) ? parsed : [parsed];
      } catch (error) {
        if (stopping) return;
        logger.warn('job-take failed', { error: (error as Error).message });
        await pause(1000);
        continue;
      }
      for (const raw of jobs) {
        const job = takenJobSchema.safeParse(raw);
        if (job.success) void run(job.data);
        else logger.warn('job has missing field(s): id or input');
      }
    }
  };

  void taker();
  const ping = api.pingUrl
    ? setInterval(() => {
        const ids = [...running].join(',');
        undici()
          .request(
            `${fill(api.pingUrl ?? '')}${ids ? `${api.pingUrl?.includes('?') ? '&' : '?'}job_id=${ids}` : ''}`,
            { headers, dispatcher },
          )
          .then((res) => res.body.dump())
          .catch(() => undefined); // a missed heartbeat is not an error
      }, api.pingIntervalMs)
    : undefined;
  ping?.unref();
  return {
    inFlight: () => [...running],
    stop: async (graceMs = 30_000) => {
      stopping = true;
      // no new job: the long poll ends now; the jobs held run to their end (up to graceMs)
      taking.abort();
      for (const wait of waits) {
        clearTimeout(wait.timer);
        wait.end();
      }
      waits.clear();
      if (ping) clearInterval(ping);
      const deadline = Date.now() + graceMs;
      while (running.size > 0 && Date.now() < deadline) await sleep(25);
    },
  };
}
