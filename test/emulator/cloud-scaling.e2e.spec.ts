import { createServer, type IncomingMessage } from 'node:http';
import { buildApp } from '../../src/build/build-app';
import { createCloud } from '../../emulator/cloud-app';
import { writeApp } from '../support/app-fixture';
import { cloudHttp } from '../support/cloud-http';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud } from '../support/local-deploy';

jest.setTimeout(120_000);

const APP = {
  'app.ts': `import { Endpoint } from 'flash-ledger';
export const burst = Endpoint.queue({ name: 'burst', cpu: 'cpu3c-1-2', workers: [0, 2], idleTimeout: 1 }, async (input: { ms: number }) => {
  await new Promise((r) => setTimeout(r, input.ms));
  return { pid: process.pid };
});
export const web = Endpoint.loadBalanced({ name: 'web', cpu: 'cpu3c-1-2', workers: [0, 1], idleTimeout: 1 });
web.get('/hello', () => ({ hello: 'world' }));
`,
};

const http = cloudHttp;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the local cloud scales workers', () => {
  it('adds workers up to workersMax while jobs wait, and stops idle ones down to workersMin', async () => {
    // two jobs at once on two workers: no queue delay (queue-delay.e2e.spec.ts tests the delay)
    const env = { ...process.env, FLASH_CLOUD_QUEUE_DELAY_SCALE: '0' };
    const cloud = await createCloud({
      home: tempDir('flash-cloud-'),
      takeWaitMs: 1_000,
      lbWaitMs: 30_000,
      env,
    });
    const url = await cloud.listen(0);
    const d = await deployToCloud(url, cloud.apiKey, await buildApp({ root: writeApp(APP) }));
    try {
      const burst = d.ids.burst ?? '';
      expect(cloud.supervisor.workersOf(burst)).toHaveLength(0);
      const [a, b] = await Promise.all(
        [1, 2].map(() => http('POST', `${d.urls.burst}/runsync`, cloud.apiKey, { input: { ms: 1200 } })),
      );
      expect(a?.json.status).toBe('COMPLETED');
      expect(b?.json.status).toBe('COMPLETED');
      expect(a?.json.workerId).not.toBe(b?.json.workerId);
      for (let i = 0; i < 100 && cloud.supervisor.workersOf(burst).length > 0; i++) await sleep(100);
      expect(cloud.supervisor.workersOf(burst)).toHaveLength(0);

      // an LB endpoint with no worker starts one for the first request
      expect(cloud.supervisor.workersOf(d.ids.web ?? '')).toHaveLength(0);
      expect((await http('GET', `${d.urls.web}/hello`, cloud.apiKey)).json).toEqual({ hello: 'world' });
    } finally {
      await cloud.close();
      await d.dispatcher.close();
    }
  });

  it('answers "no workers available" when no LB worker can serve within the wait', async () => {
    const cloud = await createCloud({ home: tempDir('flash-cloud-'), lbWaitMs: 500 });
    const url = await cloud.listen(0);
    const d = await deployToCloud(url, cloud.apiKey, await buildApp({ root: writeApp(APP) }));
    try {
      // an endpoint in an environment with no deployed build has nothing to run
      const { environmentId } = await d.control.ensureEnvironment('empty-app', 'dev');
      const lonely = await d.control.saveEndpoint({
        name: 'lonely',
        type: 'LB',
        instanceIds: ['cpu3c-1-2'],
        workersMin: 0,
        workersMax: 1,
        idleTimeout: 5,
        scalerType: 'REQUEST_COUNT',
        scalerValue: 4,
        flashEnvironmentId: environmentId,
        template: { name: 't', imageName: 'x', containerDiskInGb: 10, env: [] },
      });
      const answer = await http('GET', `${url}/lb/${lonely.id}/hello`, cloud.apiKey);
      expect(answer.status).toBe(503);
      expect(answer.json).toEqual({ error: 'no workers available' });
      expect(cloud.supervisor.problemOf(lonely.id)).toContain('has no artifact to run');
    } finally {
      await cloud.close();
      await d.dispatcher.close();
    }
  });

  it('posts the finished job to its webhook', async () => {
    const received: unknown[] = [];
    const hook = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    const address = hook.address();
    const cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 1_000 });
    const url = await cloud.listen(0);
    const d = await deployToCloud(url, cloud.apiKey, await buildApp({ root: writeApp(APP) }));
    try {
      const run = await http('POST', `${d.urls.burst}/run`, cloud.apiKey, {
        input: { ms: 10 },
        webhook: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`,
      });
      // a cold start on a loaded machine can take many seconds: wait up to a minute for the post
      for (let i = 0; i < 1200 && received.length === 0; i++) await sleep(50);
      expect(received).toEqual([
        expect.objectContaining({
          id: run.json.id,
          status: 'COMPLETED',
          output: expect.objectContaining({ pid: expect.any(Number) }),
        }),
      ]);
    } finally {
      await cloud.close();
      await d.dispatcher.close();
      hook.close();
    }
  });
});
