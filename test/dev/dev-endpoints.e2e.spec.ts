import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { deployTarget } from '../../src/adapters/runpod/deploy-target';
import { writeApp } from '../support/app-fixture';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(300_000);
const BIN = join(__dirname, '..', '..', 'bin', 'flash.js');

const WORKERS = `import { Endpoint } from 'flash-ledger';

export const greet = Endpoint.queue({ name: 'greet', cpu: 'cpu3c-2-4', workers: [0, 1] }, async (input: { name: string }) => ({ greeting: 'hello ' + input.name }));
export const gpuHello = Endpoint.queue({ name: 'gpu_hello', gpu: 'ADA_24', workers: [1, 2] }, async () => ({ gpu: true }));
`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  await new Promise((closed) => server.close(closed));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('flash dev makes one live endpoint per resource and removes them', () => {
  const home = tempDir('flash-home-');
  const env: NodeJS.ProcessEnv = { ...process.env, FLASH_HOME: home };
  delete env.RUNPOD_API_KEY;
  delete env.FLASH_LEDGER;
  delete env.FLASH_DEV_PORT;
  const root = writeApp({ 'package.json': '{"name":"devends"}', 'workers.ts': WORKERS });
  const running: ChildProcess[] = [];

  const liveOnCloud = async () => {
    const key = readFileSync(join(home, 'cloud', 'api-key'), 'utf8').trim();
    const target = deployTarget({ kind: 'local', url: env.FLASH_CLOUD_URL ?? '', apiKey: key });
    try {
      return (await target.control.listEndpoints()).filter((e) => e.name?.startsWith('live-devends-'));
    } finally {
      await target.close();
    }
  };

  /** `flash dev` on a free port, once it serves; its stderr lines, its exit. */
  async function startDev(...args: string[]) {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'dev', root, '--port', String(port), ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(child);
    const stderr: string[] = [];
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(...chunk.toString().split('\n')));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await new Promise<void>((ready, failed) => {
      child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('flash dev serving') && ready());
      void exited.then((code) => failed(new Error(`flash dev exited ${code}: ${stderr.join('\n')}`)));
    });
    const call = async (endpoint: string, input: unknown = {}) => {
      const res = await request(`http://127.0.0.1:${port}/${endpoint}/runsync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ input }),
      });
      return (await res.body.json()) as { status?: string; output?: unknown };
    };
    return { child, stderr, exited, call };
  }

  beforeAll(async () => {
    env.FLASH_CLOUD_URL = `http://127.0.0.1:${await freePort()}`;
    expect(spawnSync(process.execPath, [BIN, 'cloud', 'start'], { env, timeout: 60_000 }).status).toBe(0);
  });
  afterAll(() => {
    for (const child of running)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    spawnSync(process.execPath, [BIN, 'cloud', 'stop'], { env, timeout: 60_000 });
  });

  it('gives each queue resource its own compute and no warm worker; Ctrl-C removes them', async () => {
    const dev = await startDev();
    expect(await dev.call('greet', { name: 'ada' })).toMatchObject({ output: { greeting: 'hello ada' } });
    expect(await dev.call('gpu_hello')).toMatchObject({ output: { gpu: true } });
    const live = await liveOnCloud();
    expect(live.map((e) => e.name).sort()).toEqual(['live-devends-gpu_hello', 'live-devends-greet']);
    const greet = live.find((e) => e.name === 'live-devends-greet');
    const gpu = live.find((e) => e.name === 'live-devends-gpu_hello');
    expect(greet).toMatchObject({ instanceIds: ['cpu3c-2-4'], workersMin: 0 });
    expect(gpu).toMatchObject({ workersMin: 0 });
    expect(gpu?.gpuIds).toContain('ADA_24');
    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    expect(await liveOnCloud()).toEqual([]);
  });

  it('removes, at its next start, the live endpoints of a flash dev that was killed', async () => {
    const killed = await startDev();
    await killed.call('greet', { name: 'bob' });
    expect((await liveOnCloud()).map((e) => e.name)).toEqual(['live-devends-greet']);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect((await liveOnCloud()).map((e) => e.name)).toEqual(['live-devends-greet']); // still billing

    const next = await startDev();
    expect(next.stderr.join('\n')).toContain('removed 1 live endpoint(s) an earlier flash dev left');
    expect(await liveOnCloud()).toEqual([]);
    next.child.kill('SIGINT');
    expect(await next.exited).toBe(0);
  });

  it('leaves them with --keep, and the next run reuses them', async () => {
    const kept = await startDev('--keep');
    await kept.call('greet', { name: 'cy' });
    kept.child.kill('SIGINT');
    expect(await kept.exited).toBe(0);
    const left = await liveOnCloud();
    expect(left.map((e) => e.name)).toEqual(['live-devends-greet']);

    const again = await startDev();
    expect(await again.call('greet', { name: 'di' })).toMatchObject({ output: { greeting: 'hello di' } });
    expect(again.stderr.join('\n')).toContain('live worker of greet reused');
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
    expect(await liveOnCloud()).toEqual([]);
  });
});
