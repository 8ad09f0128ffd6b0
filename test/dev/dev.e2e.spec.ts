import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { createCloud } from '../../emulator/cloud-app';
import { buildApp } from '../../src/build/build-app';
import { deployTarget } from '../../src/adapters/runpod/deploy-target';
import { startDevServer } from '../../src/dev/dev-server';
import { CODE_SHIPPING_LOADED } from '../../worker/contract/live';
import { writeApp } from '../support/app-fixture';
import { postJson } from '../support/post-json';
import { deployBuild, ledgerFor } from '../support/ledger-deploy';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(180_000);

const WORKER = `import { Endpoint, z } from 'flash-ledger';

export const greet = Endpoint.queue({ name: 'greet', cpu: 'cpu3c-1-2', workers: [0, 1] }, async (input: { name: string }) => {
  console.log('greeting', input.name);
  return { greeting: 'hello ' + input.name };
});

export const kinds = Endpoint.queue({ name: 'kinds', cpu: 'cpu3c-1-2', workers: [0, 1] }, async (input: Record<string, unknown>) => ({
  echoed: input,
  seen: Object.fromEntries(Object.entries(input).map(([k, v]) => [k, v instanceof Date ? 'Date' : v instanceof Map ? 'Map' : v instanceof Uint8Array ? 'Uint8Array' : typeof v])),
}));

export const broken = Endpoint.queue({ name: 'broken', cpu: 'cpu3c-1-2', workers: [0, 1] }, async (input: { n: number }) => {
  if (input.n > 0) throw new Error('broken on purpose');
  return { n: input.n };
});

export const gpuWorker = Endpoint.queue({ name: 'gpu_worker', cpu: 'cpu3c-1-2', workers: [0, 1], input: z.object({ text: z.string() }) }, async ({ text }) => ({ upper: text.toUpperCase() }));
`;
const API = `import { Endpoint } from 'flash-ledger';
import { gpuWorker, kinds } from './worker';

export const api = Endpoint.loadBalanced({ name: 'api', cpu: 'cpu3c-1-2', workers: [1, 1] });

api.post('/dates', async () => {
  const answer = (await kinds({ when: new Date('2026-01-02T03:04:05.000Z') })) as { seen: Record<string, string> };
  return { seen: answer.seen };
});

api.post('/values', async () => {
  const answer = (await kinds({
    when: new Date('2026-01-02T03:04:05.000Z'),
    map: new Map([['a', 1]]),
    big: 2n ** 70n,
    bytes: new Uint8Array([1, 2, 3]),
  })) as { seen: Record<string, string>; echoed: { when: Date; map: Map<string, number>; big: bigint; bytes: Uint8Array } };
  const e = answer.echoed;
  return { seen: answer.seen, when: e.when.toISOString(), map: [...e.map], big: String(e.big), bytes: [...e.bytes] };
});

api.post('/shout', async ({ body }) => gpuWorker(body as { text: string }));
`;

const post = postJson;

describe('flash dev', () => {
  const root = writeApp({ 'package.json': '{"name":"devapp"}', 'worker.ts': WORKER, 'api.ts': API });
  let cloud: Awaited<ReturnType<typeof createCloud>>;
  let cloudUrl: string;
  let target: ReturnType<typeof deployTarget>;
  let dev: Awaited<ReturnType<typeof startDevServer>>;
  const logs: string[] = [];

  beforeAll(async () => {
    cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 2_000 });
    cloudUrl = await cloud.listen(0);
    target = deployTarget({ kind: 'local', url: cloudUrl, apiKey: cloud.apiKey });
    // chokidar is ESM-only, which jest's module loader cannot load: watching is tested through the CLI
    // (dev-watch.e2e.spec.ts); here reload() stands for the watcher
    dev = await startDevServer({
      root,
      app: 'devapp',
      target,
      port: 0,
      watch: false,
      log: (l) => logs.push(l),
    });
  });
  afterAll(async () => {
    await dev.close();
    await target.close();
    await cloud.close();
  });

  it('runs a queue function on the live worker, and runs the edited code once reloaded', async () => {
    const first = await post(`${dev.url}/greet/runsync`, { input: { name: 'ada' } });
    expect(first.json).toMatchObject({ status: 'COMPLETED', output: { greeting: 'hello ada' } });
    expect(logs).toContain('[greet] greeting ada'); // the function's console output came back
    writeFileSync(
      join(root, 'worker.ts'),
      readFileSync(join(root, 'worker.ts'), 'utf8').replace("'hello '", "'hi there '"),
    );
    await dev.reload();
    const again = await post(`${dev.url}/greet/runsync`, { input: { name: 'ada' } });
    expect(again.json).toMatchObject({ status: 'COMPLETED', output: { greeting: 'hi there ada' } });
    expect(logs.some((l) => l.startsWith('reloaded devapp'))).toBe(true);
  });

  it("reports an error in user code with the user's file and line", async () => {
    const failed = await post(`${dev.url}/broken/runsync`, { input: { n: 1 } });
    expect(failed.json).toMatchObject({ status: 'FAILED', error: 'broken: broken on purpose' });
    const line = WORKER.split('\n').findIndex((l) => l.includes("throw new Error('broken on purpose')")) + 1;
    expect(String(failed.json.traceback)).toContain(`worker.ts:${line}`);
  });

  it("names the endpoint once in a queue function's input validation error", async () => {
    const message = 'gpu_worker: input.text: Invalid input: expected string, received number';
    const direct = await post(`${dev.url}/gpu_worker/runsync`, { input: { text: 5 } });
    expect(direct.json).toMatchObject({ status: 'FAILED', error: message });
    expect(direct.json).not.toHaveProperty('traceback'); // a validation error carries no stack
    // called from a load-balanced route, the route fails with the same message
    const routed = await post(`${dev.url}/api/shout`, { text: 5 });
    expect(routed.status).toBe(500);
    expect(routed.json).toMatchObject({ error: message });
    const ok = await post(`${dev.url}/gpu_worker/runsync`, { input: { text: 'hi' } });
    expect(ok.json).toMatchObject({ status: 'COMPLETED', output: { upper: 'HI' } });
  });

  it('carries values JSON cannot (Date, Map, BigInt, typed arrays) between endpoints in dev', async () => {
    const res = await post(`${dev.url}/api/values`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      seen: { when: 'Date', map: 'Map', big: 'bigint', bytes: 'Uint8Array' },
      when: '2026-01-02T03:04:05.000Z',
      map: [['a', 1]],
      big: String(2n ** 70n),
      bytes: [1, 2, 3],
    });
  });

  it('deployed, the same app carries plain JSON, and its workers have no /execute', async () => {
    const h = await ledgerFor(cloudUrl, cloud.apiKey);
    try {
      const { state } = await deployBuild(h, await buildApp({ root }));
      expect(state?.status).toBe('succeeded');
      if (state?.status !== 'succeeded') return;
      const apiUrl = state.resources.api?.url ?? '';
      const auth = { authorization: `Bearer ${cloud.apiKey}`, 'content-type': 'application/json' };
      const dates = await request(`${apiUrl}/dates`, { method: 'POST', headers: auth, body: '{}' });
      // the Date crossed as JSON: it arrived as an ISO string
      expect(await dates.body.json()).toEqual({ seen: { when: 'string' } });
      const execute = await request(`${apiUrl}/execute`, { method: 'POST', headers: auth, body: '{}' });
      await execute.body.dump();
      expect(execute.statusCode).toBe(404);
      // and this process, which served deployed-mode code, never loaded the code-shipping module
      expect((globalThis as { [CODE_SHIPPING_LOADED]?: boolean })[CODE_SHIPPING_LOADED]).toBeUndefined();
    } finally {
      await h.close();
    }
  });
});
