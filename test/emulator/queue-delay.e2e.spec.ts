import { buildApp } from '../../src/build/build-app';
import { createCloud, type Cloud } from '../../emulator/cloud-app';
import { writeApp } from '../support/app-fixture';
import { cloudHttp as http } from '../support/cloud-http';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud, type LocalDeployment } from '../support/local-deploy';

jest.setTimeout(180_000);

// `delayed` adds a worker once a job waited 1 s; `patient` only after 60 s, longer than this test runs
const APP = {
  'app.ts': `import { Endpoint } from 'flash-ledger';
const nap = async (input: { ms: number }) => {
  await new Promise((r) => setTimeout(r, input.ms));
  return { pid: process.pid };
};
export const delayed = Endpoint.queue({ name: 'delayed', cpu: 'cpu3c-1-2', workers: [0, 3], idleTimeout: 60, scaler: { type: 'QUEUE_DELAY', value: 1 } }, nap);
export const patient = Endpoint.queue({ name: 'patient', cpu: 'cpu3c-1-2', workers: [0, 3], idleTimeout: 60, scaler: { type: 'QUEUE_DELAY', value: 60 } }, nap);
export const counted = Endpoint.queue({ name: 'counted', cpu: 'cpu3c-1-2', workers: [0, 3], idleTimeout: 60, scaler: { type: 'REQUEST_COUNT', value: 1 } }, nap);
`,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds, up to `ms`; the last value back either way. */
async function until<T>(read: () => Promise<T> | T, check: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let value = await read();
  while (!check(value) && Date.now() < end) {
    await sleep(50);
    value = await read();
  }
  return value;
}

describe('QUEUE_DELAY on the local cloud, at FLASH_CLOUD_QUEUE_DELAY_SCALE 1', () => {
  let cloud: Cloud;
  let d: LocalDeployment;
  /** The most workers each endpoint had at once, sampled while the tests run. */
  const most = new Map<string, number>();
  let sampler: NodeJS.Timeout;

  beforeAll(async () => {
    const env = { ...process.env, FLASH_CLOUD_QUEUE_DELAY_SCALE: '1' };
    cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 1_000, env });
    d = await deployToCloud(await cloud.listen(0), cloud.apiKey, await buildApp({ root: writeApp(APP) }));
    sampler = setInterval(() => {
      for (const id of Object.values(d.ids))
        most.set(id, Math.max(most.get(id) ?? 0, cloud.supervisor.workersOf(id).length));
    }, 20);
  });
  afterAll(async () => {
    clearInterval(sampler);
    await cloud.close();
    await d.dispatcher.close();
  });

  const run = async (name: string, ms: number): Promise<string> =>
    String((await http('POST', `${d.urls[name]}/run`, cloud.apiKey, { input: { ms } })).json.id);
  const status = (name: string, id: string) => http('GET', `${d.urls[name]}/status/${id}`, cloud.apiKey);
  const workers = (name: string): number => cloud.supervisor.workersOf(d.ids[name] ?? '').length;

  it('starts a first worker for a job at once, and no second one before a job waited the delay', async () => {
    const [a, b] = await Promise.all([run('patient', 300), run('patient', 300)]);
    const done = await Promise.all(
      [a, b].map((id) =>
        until(
          () => status('patient', id),
          (r) => r.json.status === 'COMPLETED',
        ),
      ),
    );
    // both ran, long before 60 s: the cold start did not wait; and on one worker, one after the other
    expect(done.map((r) => r.json.status)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(done[0]?.json.workerId).toBe(done[1]?.json.workerId);
    expect(most.get(d.ids.patient ?? '')).toBe(1);
  });

  it('adds a second worker only once a job has waited scalerValue seconds', async () => {
    const first = await run('delayed', 8_000);
    await until(
      () => status('delayed', first),
      (r) => r.json.status === 'IN_PROGRESS',
    );
    expect(workers('delayed')).toBe(1);
    const sentAt = Date.now();
    const second = await run('delayed', 100);
    await until(
      () => workers('delayed'),
      (n) => n >= 2,
    );
    const secondWorkerAt = Date.now();
    const done = await until(
      () => status('delayed', second),
      (r) => r.json.status === 'COMPLETED',
    );
    expect(done.json.status).toBe('COMPLETED');
    // the job waited its second before a worker was added for it; one job waiting adds one worker
    expect(secondWorkerAt - sentAt).toBeGreaterThanOrEqual(1_000);
    expect(most.get(d.ids.delayed ?? '')).toBe(2);
  });

  it('leaves REQUEST_COUNT as it was: one worker per scalerValue jobs, at once', async () => {
    await Promise.all([1, 2, 3].map(() => run('counted', 3_000)));
    expect(
      await until(
        () => workers('counted'),
        (n) => n === 3,
      ),
    ).toBe(3);
    expect(most.get(d.ids.counted ?? '')).toBe(3);
  });
});

describe('FLASH_CLOUD_QUEUE_DELAY_SCALE', () => {
  it.each(['-1', 'soon', '1e3'])('refuses to start the cloud with %p', async (value) => {
    const env = { FLASH_CLOUD_QUEUE_DELAY_SCALE: value };
    await expect(createCloud({ home: tempDir('flash-cloud-'), env })).rejects.toMatchObject({
      code: 'CLOUD_SETTING_INVALID',
      message: expect.stringContaining('FLASH_CLOUD_QUEUE_DELAY_SCALE') as unknown,
    });
  });
});
