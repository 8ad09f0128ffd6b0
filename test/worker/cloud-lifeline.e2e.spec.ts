import { spawn, type ChildProcess } from 'node:child_process';
import { buildApp, type BuildResult } from '../../src/build/build-app';
import { extract } from 'tar';
import { freePort } from '../../worker/contract/free-port';
import { workerEntry } from '../../emulator/supervisor/worker-entry';
import { writeApp } from '../support/app-fixture';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(120_000);

const APP = {
  'app.ts': `import { Endpoint } from 'flash-ledger';
export const jobs = Endpoint.queue({ name: 'jobs', cpu: 'cpu3c-1-2' }, async () => ({ ok: true }));
export const web = Endpoint.loadBalanced({ name: 'web', cpu: 'cpu3c-1-2' });
web.get('/hi', () => ({ hi: true }));
`,
};

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
let home: string;
let entry: string;
let appDir: string;

beforeAll(async () => {
  home = tempDir('flash-lifeline-');
  const build: BuildResult = await buildApp({ root: writeApp(APP) });
  appDir = tempDir('flash-lifeline-app-');
  await extract({ file: build.artifactPath, cwd: appDir });
  entry = await workerEntry(home);
});

afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A worker process whose platform (a closed port) never answers. */
async function worker(type: 'qb' | 'lb', extra: NodeJS.ProcessEnv): Promise<Started> {
  const gone = `http://127.0.0.1:${await freePort()}/v2/ep-1`;
  const child = spawn(process.execPath, [entry], {
    cwd: appDir,
    stdio: ['pipe', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH,
      FLASH_APP_DIR: appDir,
      FLASH_RESOURCE_NAME: type === 'qb' ? 'jobs' : 'web',
      FLASH_ENDPOINT_TYPE: type,
      FLASH_WORKER_HOST: '127.0.0.1',
      RUNPOD_POD_ID: 'worker-1',
      RUNPOD_AI_API_KEY: 'ai-key-for-tests',
      RUNPOD_WEBHOOK_GET_JOB: `${gone}/job-take/$ID?gpu=local`,
      RUNPOD_WEBHOOK_POST_OUTPUT: `${gone}/job-done/$RUNPOD_POD_ID/$ID?gpu=local`,
      PORT: String(await freePort()),
      PORT_HEALTH: String(await freePort()),
      ...extra,
    },
  });
  children.push(child);
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => text, exited };
}

const within = <T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> =>
  Promise.race([promise, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);

async function untilReady(started: Started): Promise<void> {
  for (let i = 0; i < 200 && !started.output().includes('worker ready'); i++)
    await new Promise((r) => setTimeout(r, 50));
  expect(started.output()).toContain('worker ready');
}

describe('a worker and the platform that started it', () => {
  it('keeps asking for jobs while the platform does not answer, instead of exiting without a word', async () => {
    const qb = await worker('qb', {});
    await untilReady(qb);
    expect(await within(qb.exited, 3_000)).toBe('timeout');
    expect(qb.output()).toContain('job-take failed');
    qb.child.kill('SIGTERM');
    expect(await within(qb.exited, 5_000)).toEqual({ code: 0, signal: null });
  });

  it.each(['qb', 'lb'] as const)(
    'started by the local cloud, a %s worker exits non-zero, saying why, once the cloud is gone',
    async (type) => {
      const started = await worker(type, { FLASH_CLOUD_LIFELINE: 'stdin' });
      await untilReady(started);
      expect(await within(started.exited, 500)).toBe('timeout');
      started.child.stdin?.end(); // what the kernel does when the cloud dies, kill -9 included
      const exit = await within(started.exited, 5_000);
      expect(exit).toEqual({ code: 1, signal: null });
      const lines = started.output().trim().split('\n');
      expect(JSON.parse(lines[lines.length - 1] ?? '{}')).toMatchObject({
        level: 'error',
        code: 'CLOUD_GONE',
        message: expect.stringContaining('the local cloud that started this worker is gone'),
      });
    },
  );
});
