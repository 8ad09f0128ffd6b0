import { buildApp } from '../../src/build/build-app';
import { createCloud, type Cloud } from '../../emulator/cloud-app';
import { writeApp } from '../support/app-fixture';
import { cloudHttp } from '../support/cloud-http';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud, type LocalDeployment } from '../support/local-deploy';

jest.setTimeout(120_000);

const APP = {
  'app.ts': `import { Endpoint } from 'flash-ledger';
export const alpha = Endpoint.queue({ name: 'alpha', cpu: 'cpu3c-1-2', workers: [1, 1] }, async (input: { ms: number }) => {
  await new Promise((r) => setTimeout(r, input.ms));
  return { slept: input.ms };
});
export const beta = Endpoint.queue({ name: 'beta', cpu: 'cpu3c-1-2', workers: [1, 1] }, async (input: unknown) => ({ echoed: input }));
`,
};

const http = cloudHttp;

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("one endpoint's worker key never reaches another endpoint's jobs or workers", () => {
  let cloud: Cloud;
  let url: string;
  let d: LocalDeployment;
  let alpha: string;
  let beta: string;
  let betaKey: string;

  beforeAll(async () => {
    cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 2_000 });
    url = await cloud.listen(0);
    d = await deployToCloud(url, cloud.apiKey, await buildApp({ root: writeApp(APP) }));
    alpha = d.ids.alpha ?? '';
    beta = d.ids.beta ?? '';
    const endpoints = await d.control.listEndpoints();
    betaKey = endpoints.find((e) => e.id === beta)?.aiKey ?? '';
    expect(betaKey).not.toBe('');
    // both endpoints have a worker that asks for work
    await until('a worker of each endpoint', async () =>
      cloud.supervisor.workersOf(alpha).some((w) => w.ready) &&
      cloud.supervisor.workersOf(beta).some((w) => w.ready)
        ? true
        : undefined,
    );
  });
  afterAll(async () => {
    await cloud?.close();
    await d?.dispatcher.close();
  });

  /** Starts a job on alpha and waits until alpha's worker runs it. */
  const runningOnAlpha = async (ms: number): Promise<{ jobId: string; workerId: string }> => {
    const run = await http('POST', `${url}/v2/${alpha}/run`, cloud.apiKey, { input: { ms } });
    const jobId = String(run.json.id);
    const workerId = await until('alpha to take the job', async () => {
      const s = await http('GET', `${url}/v2/${alpha}/status/${jobId}`, cloud.apiKey);
      return s.json.status === 'IN_PROGRESS' ? String(s.json.workerId) : undefined;
    });
    return { jobId, workerId };
  };
  const statusOf = async (jobId: string) =>
    (await http('GET', `${url}/v2/${alpha}/status/${jobId}`, cloud.apiKey)).json;

  it("refuses job-done from beta's key on alpha's job (404 with a code), and the job ends with its real output", async () => {
    const { jobId, workerId } = await runningOnAlpha(1500);
    const forged = await http('POST', `${url}/v2/${beta}/job-done/${workerId}/${jobId}`, betaKey, {
      output: 'forged',
    });
    expect(forged.status).toBe(404);
    expect(forged.json).toMatchObject({ error: { code: expect.stringMatching(/^[A-Z_]+$/) } });
    expect(await statusOf(jobId)).toMatchObject({ status: 'IN_PROGRESS', workerId });
    // beta's own worker id, on beta's path, still does not hold alpha's job
    const betaWorker = cloud.supervisor.workersOf(beta)[0]?.id ?? '';
    const own = await http('POST', `${url}/v2/${beta}/job-done/${betaWorker}/${jobId}`, betaKey, {
      error: 'forged',
    });
    expect(own.status).toBe(404);
    expect(own.json).toMatchObject({ error: { code: 'JOB_NOT_FOUND' } });
    const done = await until('the job to end', async () => {
      const s = await statusOf(jobId);
      return s.status === 'IN_PROGRESS' ? undefined : s;
    });
    expect(done).toMatchObject({ status: 'COMPLETED', output: { slept: 1500 } });
  });

  it("refuses stream chunks from beta's key for alpha's job", async () => {
    const { jobId, workerId } = await runningOnAlpha(1500);
    const injected = await http('POST', `${url}/v2/${beta}/job-stream/${workerId}/${jobId}`, betaKey, {
      output: 'injected',
    });
    expect(injected.status).toBe(404);
    expect(injected.json).toMatchObject({ error: { code: expect.stringMatching(/^[A-Z_]+$/) } });
    const stream = await http('GET', `${url}/v2/${alpha}/stream/${jobId}`, cloud.apiKey);
    expect(stream.json).toMatchObject({ stream: [] });
    await until('the job to end', async () =>
      (await statusOf(jobId)).status === 'COMPLETED' ? true : undefined,
    );
  });

  it("never hands alpha's stop requests to beta's key", async () => {
    const { jobId, workerId } = await runningOnAlpha(3000);
    const theft = http('GET', `${url}/v2/${beta}/job-stop/${workerId}`, betaKey);
    await new Promise((r) => setTimeout(r, 200)); // the thief's long poll is waiting
    expect((await http('POST', `${url}/v2/${alpha}/cancel/${jobId}`, cloud.apiKey)).json).toMatchObject({
      status: 'CANCELLED',
    });
    const stolen = await theft;
    expect(stolen.status).toBe(404);
    expect(JSON.stringify(stolen.json)).not.toContain(jobId);
    expect(stolen.json).toMatchObject({ error: { code: 'WORKER_NOT_FOUND' } });
  });

  it("refuses take, ping and batch take for a worker that is not beta's, and takes nothing", async () => {
    const alphaWorker = cloud.supervisor.workersOf(alpha)[0]?.id ?? '';
    const queued = await http('POST', `${url}/v2/${beta}/run`, cloud.apiKey, { input: { x: 1 } });
    for (const path of [
      `job-take/${alphaWorker}`,
      `job-take-batch/${alphaWorker}?batch_size=4`,
      `ping/${alphaWorker}`,
      'job-take/no-such-worker',
    ]) {
      const answer = await http('GET', `${url}/v2/${beta}/${path}`, betaKey);
      expect(`${path} ${answer.status}`).toBe(`${path} 404`);
      expect(answer.json).toMatchObject({ error: { code: 'WORKER_NOT_FOUND' } });
    }
    const done = await until('beta to run its job on its own worker', async () => {
      const s = await http('GET', `${url}/v2/${beta}/status/${String(queued.json.id)}`, cloud.apiKey);
      return s.json.status === 'COMPLETED' ? s.json : undefined;
    });
    expect(done.workerId).toBe(cloud.supervisor.workersOf(beta)[0]?.id);
  });
});
