import { buildApp } from '../../src/build/build-app';
import { createCloud, type Cloud } from '../../emulator/cloud-app';
import { writeApp } from '../support/app-fixture';
import { cloudHttp } from '../support/cloud-http';
import { ExternalWorkers, until } from '../support/external-workers';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud, type LocalDeployment } from '../support/local-deploy';

jest.setTimeout(120_000);

const APP = {
  'app.ts': `import { Endpoint } from 'flash-ledger';
export const own = Endpoint.queue({ name: 'own', cpu: 'cpu3c-1-2', workers: [1, 1] }, async (input: { ms: number }) => {
  await new Promise((r) => setTimeout(r, input.ms));
  return { pid: process.pid };
});
`,
};

// The cloud's own workers and workers it did not start, on one endpoint: each is counted once, and a
// worker of the cloud's own that asks for a fresh worker (stopPod) is replaced.
describe("the job API, for the cloud's own workers beside workers it did not start", () => {
  let cloud: Cloud;
  let d: LocalDeployment;
  let own: string;
  let aiKey: string;
  let workers: ExternalWorkers;

  beforeAll(async () => {
    cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 1_000 });
    const url = await cloud.listen(0);
    d = await deployToCloud(url, cloud.apiKey, await buildApp({ root: writeApp(APP) }));
    own = d.ids.own ?? '';
    aiKey = (await d.control.listEndpoints()).find((e) => e.id === own)?.aiKey ?? '';
    workers = new ExternalWorkers({ url, endpointId: own, key: aiKey });
  });
  afterEach(async () => {
    await workers.stopAll();
  });
  afterAll(async () => {
    await workers?.stopAll();
    await cloud?.close();
    await d?.dispatcher.close();
  });

  const readyOwn = () =>
    until('a ready worker of the cloud', () => cloud.supervisor.workersOf(own).find((w) => w.ready), 60_000);
  const statusOf = async (jobId: string) =>
    (await cloudHttp('GET', `${d.urls.own}/status/${jobId}`, cloud.apiKey)).json;

  it('counts its own worker and a worker it did not start, each once', async () => {
    const mine = await readyOwn();
    const other = workers.start();
    const metrics = await until('two ready workers', async () => {
      const m = await cloudHttp('GET', `${d.urls.own}/metrics`, cloud.apiKey);
      return (m.json.workers as { ready: number }).ready === 2 ? m.json : undefined;
    });
    expect([...(metrics.readyWorkers as string[])].sort()).toEqual([mine.id, other.id].sort());
    // its own worker pings too, and still counts once
    const ping = await cloudHttp('GET', `${d.urls.own}/ping/${mine.id}`, aiKey);
    expect(ping.status).toBe(200);
    const health = await cloudHttp('GET', `${d.urls.own}/health`, cloud.apiKey);
    expect(health.json.workers).toMatchObject({ ready: 2, idle: 2, running: 0 });
  });

  it('stops its own worker that asks for a fresh worker (stopPod) and starts another in its place', async () => {
    const mine = await readyOwn();
    const run = await cloudHttp('POST', `${d.urls.own}/run`, cloud.apiKey, { input: { ms: 2_000 } });
    const jobId = String(run.json.id);
    await until('its worker to take the job', async () =>
      (await statusOf(jobId)).workerId === mine.id ? true : undefined,
    );
    // the runtime never asks for this; RunPod's worker library does (`refresh_worker`): post as it would
    const done = await cloudHttp('POST', `${d.urls.own}/job-done/${mine.id}/${jobId}?isStream=false`, aiKey, {
      output: { refreshed: true },
      stopPod: true,
    });
    expect(done.status).toBe(200);
    expect(await statusOf(jobId)).toMatchObject({ status: 'COMPLETED', output: { refreshed: true } });

    const fresh = await until(
      'a fresh worker in its place',
      () => cloud.supervisor.workersOf(own).find((w) => w.id !== mine.id && w.ready),
      60_000,
    );
    expect(cloud.supervisor.workersOf(own).map((w) => w.id)).toEqual([fresh.id]);
    const next = await cloudHttp('POST', `${d.urls.own}/runsync`, cloud.apiKey, { input: { ms: 10 } });
    expect(next.json).toMatchObject({ status: 'COMPLETED', workerId: fresh.id });
  });
});
