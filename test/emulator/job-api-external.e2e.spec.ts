import { createCloud, type Cloud } from '../../emulator/cloud-app';
import { cloudHttp } from '../support/cloud-http';
import { endpointWithoutWorkers, ExternalWorkers, until } from '../support/external-workers';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(60_000);

// Workers the cloud did not start (RunPod's workers are all of this kind, to the platform: processes that
// speak the job API with the endpoint's key) get the job API as RunPod gives it. Each is a real process.
describe('the job API, for queue workers the local cloud did not start', () => {
  let cloud: Cloud;
  let url: string;
  let endpointId: string;
  let aiKey: string;
  let workers: ExternalWorkers;

  beforeAll(async () => {
    cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 1_000 });
    url = await cloud.listen(0);
  });
  beforeEach(async () => {
    const endpoint = await endpointWithoutWorkers(url, cloud.apiKey, `ext-${Date.now()}`);
    endpointId = endpoint.endpointId;
    aiKey = endpoint.aiKey;
    workers = new ExternalWorkers({ url, endpointId, key: endpoint.aiKey });
  });
  afterEach(async () => {
    await workers.stopAll();
  });
  afterAll(async () => {
    await cloud?.close();
  });

  const v2 = (path: string) => `${url}/v2/${endpointId}/${path}`;
  const run = async (body: unknown = { input: {} }) =>
    String((await cloudHttp('POST', v2('run'), cloud.apiKey, body)).json.id);
  const statusOf = async (jobId: string) =>
    (await cloudHttp('GET', v2(`status/${jobId}`), cloud.apiKey)).json;
  const health = async () =>
    (await cloudHttp('GET', v2('health'), cloud.apiKey)).json as {
      jobs: Record<string, number>;
      workers: Record<string, number>;
    };
  const finished = (jobId: string) =>
    until(`job ${jobId} to end`, async () => {
      const s = await statusOf(jobId);
      return s.status === 'IN_QUEUE' || s.status === 'IN_PROGRESS' ? undefined : s;
    });

  it("serves a worker from its first ping with the endpoint's key, and binds its id to that endpoint", async () => {
    expect((await cloudHttp('GET', v2('job-take/never-pinged'), '')).status).toBe(401);
    const unannounced = await cloudHttp('GET', v2('job-take/never-pinged'), aiKey);
    expect(unannounced.status).toBe(404);
    expect(unannounced.json).toMatchObject({ error: { code: 'WORKER_NOT_FOUND' } });

    const worker = workers.start();
    const jobId = await run();
    const done = await finished(jobId);
    expect(done).toMatchObject({ status: 'COMPLETED', workerId: worker.id, output: { worker: worker.id } });
    // another endpoint's key cannot present the same worker id there
    const other = await endpointWithoutWorkers(url, cloud.apiKey, `other-${Date.now()}`);
    const taken = await cloudHttp('GET', `${url}/v2/${other.endpointId}/ping/${worker.id}`, other.aiKey);
    expect(taken.status).toBe(404);
    expect(taken.json).toMatchObject({ error: { code: 'WORKER_NOT_FOUND' } });
  });

  it('hands no more jobs to a worker whose result asked for a fresh worker (stopPod); another worker gets them', async () => {
    const retiring = workers.start({ STOP_POD: '1' });
    const first = await run();
    expect(await finished(first)).toMatchObject({ status: 'COMPLETED', workerId: retiring.id });
    // it keeps asking: its takes are held, then answered "no job"
    await until('the retired worker to ask again', () =>
      retiring.count('take-empty') > 0 ? true : undefined,
    );
    expect(await health()).toMatchObject({ workers: { ready: 0 } });

    const other = workers.start();
    const later = await Promise.all([1, 2, 3, 4].map(() => run()));
    for (const jobId of later)
      expect(await finished(jobId)).toMatchObject({ status: 'COMPLETED', workerId: other.id });
    expect(retiring.count('took')).toBe(1);
    await until('the retired worker to be answered "no job" again', () =>
      retiring.count('take-empty') > 1 ? true : undefined,
    );
    expect(retiring.count('took')).toBe(1);
    expect((await health()).workers).toMatchObject({ ready: 1 });
  });

  it('gives the job of a worker killed while it ran it to another worker, long before its execution timeout', async () => {
    const doomed = workers.start({ JOB_MS: '600000' });
    const jobId = await run({ input: {}, policy: { executionTimeout: 120_000 } });
    await until('the first worker to take the job', () => (doomed.count('took', jobId) ? true : undefined));
    const survivor = workers.start();
    await until('both workers to count as ready', async () =>
      (await health()).workers?.ready === 2 ? true : undefined,
    );
    // two pings apart, the cloud knows how often this worker pings: silent three times as long, it is gone
    await until('the first worker to ping twice', () => (doomed.count('pinged') >= 2 ? true : undefined));
    const killedAt = Date.now();
    await doomed.kill('SIGKILL');

    const done = await finished(jobId);
    expect(done).toMatchObject({ status: 'COMPLETED', workerId: survivor.id });
    expect(Date.now() - killedAt).toBeLessThan(20_000);
    const after = await health();
    expect(after.workers).toMatchObject({ ready: 1 });
    expect(after.jobs).toMatchObject({ completed: 1, failed: 0, inProgress: 0 });
  });

  it('puts back in line a job handed to the long poll of a worker that died meanwhile', async () => {
    const doomed = workers.start();
    await until('the worker to poll and ping', () =>
      doomed.count('take-empty') && doomed.count('pinged') >= 2 ? true : undefined,
    );
    await doomed.kill('SIGKILL');
    const jobId = await run();
    const survivor = workers.start();
    expect(await finished(jobId)).toMatchObject({ status: 'COMPLETED', workerId: survivor.id });
    await until('the dead worker to stop counting', async () =>
      (await health()).workers?.ready === 1 ? true : undefined,
    );
  });

  it('hands a cancel again until the worker acknowledges it, so a worker that dropped it still stops the job', async () => {
    const worker = workers.start({ JOB_MS: '600000', STOP_LATE: '1', IGNORE_FIRST_STOP: '1' });
    const jobId = await run();
    await until('the worker to take the job', () => (worker.count('took', jobId) ? true : undefined));
    const cancel = await cloudHttp('POST', v2(`cancel/${jobId}`), cloud.apiKey);
    expect(cancel.json).toMatchObject({ status: 'CANCELLED' });

    await until('the stop to be dropped once', () =>
      worker.count('stop-ignored', jobId) ? true : undefined,
    );
    await until('the stop to come again and stop the job', () =>
      worker.count('stopped', jobId) ? true : undefined,
    );
    // its pings no longer name the job: that acknowledges the stop, which is handed out no more
    const lastStop = () => Math.max(...worker.events.filter((e) => e.event === 'stop').map((e) => e.at));
    await until('three empty stop polls in a row after the last stop', () => {
      const since = worker.events.filter((e) => e.at > lastStop());
      return since.filter((e) => e.event === 'stop-empty').length >= 3 ? true : undefined;
    });
    expect(worker.count('stop-unheld')).toBeLessThanOrEqual(1);
    expect(await statusOf(jobId)).toMatchObject({ status: 'CANCELLED' });
  });

  it('counts in /health and /metrics every worker that polls and pings, and which of them run a job', async () => {
    const three = [1, 2, 3].map(() => workers.start({ JOB_MS: '600000' }));
    const ready = await until('three ready workers', async () => {
      const h = await health();
      return h.workers?.ready === 3 ? h : undefined;
    });
    expect(ready.workers).toMatchObject({ idle: 3, running: 0, initializing: 0, unhealthy: 0 });
    // (a job makes the cloud try to start a worker of its own, which cannot run: unhealthy is 1 from then)
    const metrics = await cloudHttp('GET', v2('metrics'), cloud.apiKey);
    expect([...(metrics.json.readyWorkers as string[])].sort()).toEqual(three.map((w) => w.id).sort());

    const jobId = await run();
    await until('one worker to run the job', async () => {
      const s = await statusOf(jobId);
      return s.status === 'IN_PROGRESS' ? true : undefined;
    });
    const busy = await health();
    expect(busy.workers).toMatchObject({ ready: 3, running: 1, idle: 2 });
    expect(busy.jobs).toMatchObject({ inProgress: 1 });
  });
});
