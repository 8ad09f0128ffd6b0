import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { writeApp } from '../support/app-fixture';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(240_000);
const BIN = join(__dirname, '..', '..', 'bin', 'flash.js');

const WORKER = (greeting: string): string => `import { Endpoint } from 'flash-ledger';

export const greet = Endpoint.queue({ name: 'greet', cpu: 'cpu3c-1-2', workers: [0, 1] }, async (input: { name: string }) => {
  return { greeting: '${greeting} ' + input.name };
});
`;
const EXTRA = `import { Endpoint } from 'flash-ledger';

export const extra = Endpoint.queue({ name: 'extra', cpu: 'cpu3c-1-2', workers: [0, 1] }, async () => ({ extra: true }));
`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  await new Promise((closed) => server.close(closed));
  return typeof address === 'object' && address ? address.port : 0;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds, or fails with what `check` last saw. */
async function until<T>(what: string, probe: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  let last = await probe();
  while (!check(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)}`);
    await sleep(150);
    last = await probe();
  }
  return last;
}

describe('flash dev watching the sources (the CLI)', () => {
  const home = tempDir('flash-home-');
  const env: NodeJS.ProcessEnv = { ...process.env, FLASH_HOME: home };
  delete env.RUNPOD_API_KEY;
  delete env.FLASH_LEDGER;
  delete env.FLASH_DEV_PORT;
  const root = writeApp({ 'package.json': '{"name":"watchapp"}', 'worker.ts': WORKER('hello') });
  const worker = join(root, 'worker.ts');
  const stderr: string[] = [];
  let dev: ChildProcess | undefined;
  let url = '';
  const lines = (prefix: string): string[] => stderr.filter((l) => l.startsWith(prefix));

  const call = async (endpoint: string, input: unknown = {}) => {
    const res = await request(`${url}/${endpoint}/runsync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input }),
    });
    return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
  };
  const greeting = async (): Promise<unknown> =>
    ((await call('greet', { name: 'ada' })).json.output as { greeting?: unknown } | undefined)?.greeting;

  beforeAll(async () => {
    env.FLASH_CLOUD_URL = `http://127.0.0.1:${await freePort()}`;
    const started = spawnSync(process.execPath, [BIN, 'cloud', 'start'], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(started.status).toBe(0);
    const port = await freePort();
    dev = spawn(process.execPath, [BIN, 'dev', root, '--port', String(port)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    dev.stderr?.on('data', (chunk: Buffer) => {
      const parts = (pending + chunk.toString()).split('\n');
      pending = parts.pop() ?? '';
      stderr.push(...parts);
    });
    const child = dev;
    await new Promise<void>((ready, failed) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('flash dev serving')) ready();
      });
      child.once('exit', (code) => failed(new Error(`flash dev exited ${code}: ${stderr.join('\n')}`)));
    });
    url = `http://127.0.0.1:${port}`;
  });

  afterAll(() => {
    if (dev?.pid !== undefined && dev.exitCode === null && dev.signalCode === null) dev.kill('SIGKILL');
    spawnSync(process.execPath, [BIN, 'cloud', 'stop'], { env, encoding: 'utf8', timeout: 60_000 });
  });

  it('keeps seeing a file through atomic saves (temp file renamed over it) and sed -i', async () => {
    expect(await greeting()).toBe('hello ada');
    for (const word of ['hi', 'hey']) {
      const tmp = join(root, `.worker.ts.${word}.tmp`);
      writeFileSync(tmp, WORKER(word));
      renameSync(tmp, worker);
      expect(await until('atomic save', greeting, (g) => g === `${word} ada`)).toBe(`${word} ada`);
    }
    expect(spawnSync('sed', ['-i', 's/hey/howdy/', worker]).status).toBe(0);
    expect(await until('sed -i', greeting, (g) => g === 'howdy ada')).toBe('howdy ada');
    expect(lines('reload failed')).toEqual([]);
  });

  it('reloads once for a burst of saves, and sees new and deleted files', async () => {
    const before = lines('reloaded watchapp').length;
    // an editor saving several files at once: one rebundle
    writeFileSync(join(root, 'extra.ts'), EXTRA);
    writeFileSync(join(root, 'helper.ts'), 'export const helper = 1;\n');
    writeFileSync(worker, WORKER('burst'));
    writeFileSync(join(root, 'helper.ts'), 'export const helper = 2;\n');
    await until('burst', greeting, (g) => g === 'burst ada');
    await sleep(1_500);
    expect(lines('reloaded watchapp').length - before).toBe(1);
    expect((await call('extra')).json).toMatchObject({ status: 'COMPLETED', output: { extra: true } });
    rmSync(join(root, 'extra.ts'));
    const gone = await until(
      'deletion',
      async () => (await call('extra')).status,
      (s) => s === 404,
    );
    expect(gone).toBe(404);
  });

  it('answers every call with the build error while the code does not build, and serves again once fixed', async () => {
    const failedBefore = lines('reload failed').length;
    const broken = WORKER('oops').replace(
      "return { greeting: 'oops ' + input.name };",
      'return { greeting: };',
    );
    const line = broken.split('\n').findIndex((l) => l.includes('greeting: }')) + 1;
    writeFileSync(worker, broken);
    const answer = await until(
      'broken save',
      () => call('greet', { name: 'ada' }),
      (a) => a.status === 500,
    );
    expect(answer.json).toMatchObject({ status: 'error', code: 'BUNDLE_FAILED' });
    expect(String(answer.json.message)).toMatch(new RegExp(`^worker\\.ts:${line}:\\d+: `));
    const index = await request(`${url}/`);
    expect(index.statusCode).toBe(500);
    expect(await index.body.json()).toMatchObject({ code: 'BUNDLE_FAILED' });
    const failed = lines('reload failed').slice(failedBefore);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain(`worker.ts:${line}:`);

    // code that bundles but throws while loading: its own file and line
    const throwing = `${WORKER('oops')}\nthrow new Error('not loadable');\n`;
    writeFileSync(worker, throwing);
    const loadFailed = await until(
      'throwing save',
      () => call('greet', { name: 'ada' }),
      (a) => a.json.code === 'APP_LOAD_FAILED',
    );
    const throwLine = throwing.split('\n').findIndex((l) => l.includes('not loadable')) + 1;
    expect(loadFailed.status).toBe(500);
    expect(String(loadFailed.json.message)).toMatch(
      new RegExp(`^worker\\.ts:${throwLine}:\\d+: not loadable$`),
    );

    writeFileSync(worker, WORKER('fixed'));
    expect(await until('fixed save', greeting, (g) => g === 'fixed ada')).toBe('fixed ada');
  });

  it('closes its watcher on SIGTERM: the process exits by itself', async () => {
    const child = dev;
    if (!child) throw new Error('flash dev is not running');
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((done) => (timer = setTimeout(() => done('still running'), 15_000)));
    const code = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    expect(code).toBe(0);
  });
});
