import { MockAgent } from 'undici';
import type { QueueEndpointDefinition } from '../../worker/contract/endpoint-definition';
import type { WorkerLogger } from '../../worker/logger';
import { currentJob } from '../../worker/qb/job-context';
import { startJobLoop, type JobLoopHandle, type JobLoopOptions } from '../../worker/qb/job-loop';

// The platform's wire shapes on demand; the loop against the local cloud runs in the e2e suites.
const ORIGIN = 'http://platform.test';
const api = {
  takeUrl: `${ORIGIN}/v2/ep1/job-take/$ID?gpu=x`,
  doneUrl: `${ORIGIN}/v2/ep1/job-done/$RUNPOD_POD_ID/$ID?gpu=x`,
  pingUrl: `${ORIGIN}/v2/ep1/ping/$RUNPOD_POD_ID`,
  pingIntervalMs: 20,
  workerKey: 'ai-key-1',
  workerId: 'w1',
};

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** A platform that hands out `jobs` once, then answers "no job" after a held poll. */
function platform(jobsFor: (path: string) => unknown, stops: string[][] = []) {
  const mock = new MockAgent();
  mock.disableNetConnect();
  const seen: Seen[] = [];
  const pool = mock.get(ORIGIN);
  const record =
    (method: string, status: number, reply: (path: string) => unknown = () => '') =>
    (opts: { path: string; headers?: unknown; body?: unknown }) => {
      const body = typeof opts.body === 'string' ? (JSON.parse(opts.body) as unknown) : undefined;
      seen.push({ method, path: opts.path, headers: opts.headers as Record<string, string>, body });
      return { statusCode: status, data: reply(opts.path) as string };
    };
  const take = (p: string): boolean => p.includes('/job-take');
  pool.intercept({ path: take, method: 'GET' }).reply(record('GET', 200, jobsFor));
  pool.intercept({ path: take, method: 'GET' }).reply(record('GET', 204)).delay(150).persist();
  for (const ids of stops)
    pool
      .intercept({ path: (p) => p.includes('/job-stop/'), method: 'GET' })
      .reply(record('GET', 200, () => ({ jobsToStop: ids })))
      .delay(100);
  pool
    .intercept({ path: (p) => p.includes('/job-stop/'), method: 'GET' })
    .reply(record('GET', 204))
    .delay(100)
    .persist();
  pool
    .intercept({ path: (p) => p.includes('/job-done/'), method: 'POST' })
    .reply(record('POST', 200))
    .persist();
  pool
    .intercept({ path: (p) => p.includes('/ping/'), method: 'GET' })
    .reply(record('GET', 200))
    .persist();
  return { mock, seen };
}

function queue(invoke: (input: unknown) => Promise<unknown>): QueueEndpointDefinition {
  return { kind: 'queue', name: 'probe', config: {}, methods: [], invoke, warm: async () => undefined };
}

const logger = (): WorkerLogger & { lines: string[] } => {
  const lines: string[] = [];
  const log = (message: string): void => void lines.push(message);
  return { lines, info: log, warn: log, error: log };
};

function options(
  definition: QueueEndpointDefinition,
  dispatcher: MockAgent,
  extra: Partial<JobLoopOptions> = {},
): JobLoopOptions {
  return { api, definition, dispatcher, concurrency: 1, logger: logger(), ...extra };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Starts a loop that is stopped, with its mock platform closed, whatever the test's outcome. */
function start(opts: JobLoopOptions): JobLoopHandle {
  const loop = startJobLoop(opts);
  cleanups.push(async () => {
    await loop.stop(0);
    await (opts.dispatcher as MockAgent).close();
  });
  return loop;
}

describe('the QB job loop', () => {
  it('takes a job, posts its progress and its result with the raw key, then stops', async () => {
    const { mock, seen } = platform(() => ({ id: 'j1', input: { n: 2 } }));
    const loop = start(
      options(
        queue(async (input) => {
          // what reportProgress() reaches through the installed runtime
          currentJob.getStore()?.progress({ stage: 'half' });
          return { doubled: (input as { n: number }).n * 2 };
        }),
        mock,
      ),
    );
    await until(() =>
      seen.some(
        (s) => s.method === 'POST' && 'output' in (s.body as object) && !('status' in (s.body as object)),
      ),
    );
    await loop.stop(1000);
    const takes = seen.filter((s) => s.path.includes('/job-take/'));
    expect(takes[0]).toMatchObject({
      path: '/v2/ep1/job-take/w1?gpu=x&job_in_progress=0',
      headers: { authorization: 'ai-key-1' },
    });
    const posts = seen.filter((s) => s.method === 'POST');
    expect(posts.map((p) => p.path)).toEqual([
      '/v2/ep1/job-done/w1/j1?gpu=x&isStream=false',
      '/v2/ep1/job-done/w1/j1?gpu=x&isStream=false',
    ]);
    expect(posts.map((p) => p.body)).toEqual([
      { status: 'IN_PROGRESS', output: { stage: 'half' } },
      { output: { doubled: 4 } },
    ]);
    expect(posts[1]).toMatchObject({ headers: { 'x-request-id': 'j1' } });
    expect(loop.inFlight()).toEqual([]);
  });

  it('asks job-take-batch for as many jobs as slots are free, and names held jobs in the heartbeat', async () => {
    const { mock, seen } = platform(() => [{ id: 'a', input: {} }, { id: 'b', input: {} }, { input: {} }]);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const opts = options(
      queue(async () => gate.then(() => 'ok')),
      mock,
      { concurrency: 3 },
    );
    const loop = start(opts);
    await until(() => seen.some((s) => s.path.includes('job_id=a,b')));
    expect(seen.find((s) => s.path.includes('/job-take'))?.path).toBe(
      '/v2/ep1/job-take-batch/w1?gpu=x&batch_size=3&job_in_progress=0',
    );
    expect(loop.inFlight()).toEqual(['a', 'b']);
    // two slots held: a single take for the one slot left, saying a job is in progress
    await until(() => seen.some((s) => s.path === '/v2/ep1/job-take/w1?gpu=x&job_in_progress=1'));
    expect((opts.logger as ReturnType<typeof logger>).lines).toContain(
      'job has missing field(s): id or input',
    );
    release();
    await loop.stop(2000);
    expect(loop.inFlight()).toEqual([]);
    expect(seen.filter((s) => s.method === 'POST').map((s) => s.body)).toEqual([
      { output: 'ok' },
      { output: 'ok' },
    ]);
  });

  it('frees the slot of a job the stop channel names and drops its result', async () => {
    const { mock, seen } = platform(() => ({ id: 'j9', input: {} }), [['j9', 'other']]);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const opts = options(
      queue(async () => gate.then(() => 'late')),
      mock,
    );
    const loop = start(opts);
    const lines = (opts.logger as ReturnType<typeof logger>).lines;
    await until(() => lines.includes('job stopped'));
    expect(seen.some((s) => s.path === '/v2/ep1/job-stop/w1?gpu=x')).toBe(true);
    expect(loop.inFlight()).toEqual([]);
    // its slot is free again: the next take says no job is in progress
    await until(() => seen.filter((s) => s.path.endsWith('job_in_progress=0')).length >= 2);
    release();
    await new Promise((r) => setTimeout(r, 50));
    await loop.stop(1000);
    expect(seen.filter((s) => s.method === 'POST')).toEqual([]);
  });
});
