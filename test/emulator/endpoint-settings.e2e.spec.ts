import { buildApp } from '../../src/build/build-app';
import { createCloud } from '../../emulator/cloud-app';
import { writeApp } from '../support/app-fixture';
import { cloudHttp as http } from '../support/cloud-http';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud } from '../support/local-deploy';

jest.setTimeout(180_000);

const APP = {
  'app.ts': `import { Endpoint } from 'flash-ledger';
const nap = async (input: { ms: number }) => {
  await new Promise((r) => setTimeout(r, input.ms));
  return { pid: process.pid };
};
export const slow = Endpoint.queue({ name: 'slow', cpu: 'cpu3c-1-2', workers: 1, executionTimeout: 5_000, flashboot: false }, nap);
export const counted = Endpoint.queue({ name: 'counted', cpu: 'cpu3c-1-2', workers: [0, 4], idleTimeout: 30, scaler: { type: 'REQUEST_COUNT', value: 2 } }, nap);
export const eager = Endpoint.queue({ name: 'eager', cpu: 'cpu3c-1-2', workers: [0, 4], idleTimeout: 30 }, nap);
export const gpu = Endpoint.queue({ name: 'gpu', gpu: 'ADA_24', minCudaVersion: '12.8', containerDiskGb: 80, datacenter: ['US-KS-2', 'EU-RO-1'] }, nap);
`,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds, up to `ms`; the last value back either way. */
async function until<T>(read: () => Promise<T> | T, check: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let value = await read();
  while (!check(value) && Date.now() < end) {
    await sleep(100);
    value = await read();
  }
  return value;
}

async function setUp() {
  // "one worker per job under the default QUEUE_DELAY" holds with no delay (queue-delay.e2e.spec.ts tests it)
  const env = { ...process.env, FLASH_CLOUD_QUEUE_DELAY_SCALE: '0' };
  const cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 1_000, env });
  const url = await cloud.listen(0);
  const d = await deployToCloud(url, cloud.apiKey, await buildApp({ root: writeApp(APP) }));
  return { cloud, d };
}

describe('endpoint settings on the local cloud', () => {
  it('stores every setting saveEndpoint sent', async () => {
    const { cloud, d } = await setUp();
    try {
      const byName = Object.fromEntries((await d.control.listEndpoints()).map((e) => [e.name, e]));
      expect(byName.slow).toMatchObject({
        executionTimeoutMs: 5_000,
        flashBootType: 'OFF',
        workersMin: 0,
        workersMax: 1,
      });
      expect(byName.counted).toMatchObject({ scalerType: 'REQUEST_COUNT', scalerValue: 2 });
      expect(byName.eager).toMatchObject({
        scalerType: 'QUEUE_DELAY',
        scalerValue: 4,
        executionTimeoutMs: 0,
        flashBootType: 'FLASHBOOT',
      });
      expect(byName.gpu).toMatchObject({ minCudaVersion: '12.8', locations: 'US-KS-2,EU-RO-1' });
    } finally {
      await cloud.close();
      await d.dispatcher.close();
    }
  });

  it("ends a job that runs past its endpoint's executionTimeout TIMED_OUT, and the worker takes the next job", async () => {
    const { cloud, d } = await setUp();
    try {
      const started = await http('POST', `${d.urls.slow}/run`, cloud.apiKey, { input: { ms: 120_000 } });
      const job = await until(
        () => http('GET', `${d.urls.slow}/status/${String(started.json.id)}`, cloud.apiKey),
        (r) => r.json.status === 'TIMED_OUT',
      );
      expect(job.json).toMatchObject({ status: 'TIMED_OUT' });
      // the endpoint has one worker, still busy with the abandoned handler: it must be free again
      const next = await http('POST', `${d.urls.slow}/runsync`, cloud.apiKey, { input: { ms: 10 } });
      expect(next.json).toMatchObject({ status: 'COMPLETED', workerId: job.json.workerId });
    } finally {
      await cloud.close();
      await d.dispatcher.close();
    }
  });

  it('starts one worker per 2 jobs under REQUEST_COUNT 2, and one per job under the default QUEUE_DELAY', async () => {
    const { cloud, d } = await setUp();
    try {
      const counted = d.ids.counted ?? '';
      const eager = d.ids.eager ?? '';
      const submit = (url: string | undefined) =>
        Promise.all(
          [1, 2, 3, 4].map(() => http('POST', `${url}/run`, cloud.apiKey, { input: { ms: 4_000 } })),
        );
      const countedJobs = await submit(d.urls.counted);
      await submit(d.urls.eager);
      const eagerWorkers = await until(
        () => cloud.supervisor.workersOf(eager).length,
        (n) => n === 4,
      );
      expect(eagerWorkers).toBe(4);
      // REQUEST_COUNT 2: the 4 jobs run on 2 workers, two after two
      const done = await Promise.all(
        countedJobs.map((j) =>
          until(
            () => http('GET', `${d.urls.counted}/status/${String(j.json.id)}`, cloud.apiKey),
            (r) => r.json.status === 'COMPLETED',
          ),
        ),
      );
      expect(done.map((r) => r.json.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
      expect(new Set(done.map((r) => r.json.workerId)).size).toBeLessThanOrEqual(2);
      expect(cloud.supervisor.workersOf(counted).length).toBeLessThanOrEqual(2);
    } finally {
      await cloud.close();
      await d.dispatcher.close();
    }
  });
});
