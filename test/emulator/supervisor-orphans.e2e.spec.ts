import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { buildApp, type BuildResult } from '../../src/build/build-app';
import { freePort } from '../../worker/contract/free-port';
import { writeApp } from '../support/app-fixture';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud } from '../support/local-deploy';

jest.setTimeout(120_000);

const BIN = join(__dirname, '..', '..', 'bin', 'flash.js');

const APP = {
  'app.ts': `import { Endpoint } from 'flash-ledger';
export const steady = Endpoint.queue({ name: 'steady', cpu: 'cpu3c-1-2', workers: [1, 1] }, async () => ({ pid: process.pid }));
export const web = Endpoint.loadBalanced({ name: 'web', cpu: 'cpu3c-1-2', workers: [1, 1] });
web.get('/pid', () => ({ pid: process.pid }));
// blocks the worker's only thread, as a long synchronous computation does: it notices nothing meanwhile
web.get('/block', () => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  return { blocked: true };
});
`,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every pid this file saw (clouds and workers), killed in afterAll whatever happened. */
const seen = new Set<number>();
const homes: string[] = [];

/** Running: a process that exited but whose parent has not reaped it yet (a zombie) counts as gone. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return existsSync('/proc/self/stat') ? false : true;
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

interface LocalCloud {
  env: NodeJS.ProcessEnv;
  home: string;
  flash: (...args: string[]) => ReturnType<typeof spawnSync>;
}

async function localCloud(): Promise<LocalCloud> {
  const flashHome = join(tempDir('flash-orphans-'), 'home');
  const env = {
    ...process.env,
    FLASH_HOME: flashHome,
    FLASH_CLOUD_URL: `http://127.0.0.1:${await freePort()}`,
  };
  const flash = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, timeout: 60_000 });
  homes.push(join(flashHome, 'cloud'));
  return { env, home: join(flashHome, 'cloud'), flash };
}

/** `flash cloud start --json`: the cloud's pid and URL. */
function start(cloud: LocalCloud): { pid: number; url: string } {
  const started = cloud.flash('cloud', 'start', '--json');
  expect(started.status).toBe(0);
  const info = JSON.parse(String(started.stdout)) as { pid: number; url: string };
  seen.add(info.pid);
  return info;
}

/** The pids of the workers a cloud started, from its log. */
function workerPids(home: string): number[] {
  const log = existsSync(join(home, 'cloud.log')) ? readFileSync(join(home, 'cloud.log'), 'utf8') : '';
  const pids = log
    .split('\n')
    .filter((line) => line.includes('"worker started"'))
    .map((line) => (JSON.parse(line) as { pid?: number }).pid)
    .filter((pid): pid is number => typeof pid === 'number');
  for (const pid of pids) seen.add(pid);
  return pids;
}

async function deployProbe(cloud: LocalCloud, url: string, build: BuildResult) {
  const key = readFileSync(join(cloud.home, 'api-key'), 'utf8').trim();
  const d = await deployToCloud(url, key, build);
  const web = async (path: string) => {
    const res = await request(`${d.urls.web}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return (await res.body.json()) as Record<string, unknown>;
  };
  expect(await web('/pid')).toEqual({ pid: expect.any(Number) });
  expect(await d.rest.runsync(d.urls.steady ?? '', {})).toMatchObject({ status: 'COMPLETED' });
  await d.dispatcher.close();
  expect(await until(() => workerPids(cloud.home).length >= 2, 10_000)).toBe(true);
  return { key, d, web };
}

let build: BuildResult;
beforeAll(async () => {
  build = await buildApp({ root: writeApp(APP) });
});

afterAll(() => {
  for (const home of homes) workerPids(home);
  for (const pid of seen) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

describe('workers of a local cloud that is gone', () => {
  it('exit within seconds when the cloud is killed, and a queue worker logs why', async () => {
    const cloud = await localCloud();
    const info = start(cloud);
    const { d } = await deployProbe(cloud, info.url, build);
    const pids = workerPids(cloud.home);

    process.kill(info.pid, 'SIGKILL');
    expect(await until(() => !alive(info.pid), 5_000)).toBe(true);
    await until(() => pids.every((pid) => !alive(pid)), 8_000);
    expect(pids.filter(alive)).toEqual([]);

    const logDir = join(cloud.home, 'logs', d.ids.steady ?? '');
    const logs = readdirSync(logDir).map((f) => readFileSync(join(logDir, f), 'utf8'));
    expect(logs.join('\n')).toContain('"code":"CLOUD_GONE"');
  });

  it('are stopped by the next cloud started in the same folder, which then stops with its own', async () => {
    const cloud = await localCloud();
    const first = start(cloud);
    const { web } = await deployProbe(cloud, first.url, build);
    const before = workerPids(cloud.home);
    const lb = (await web('/pid')).pid;
    expect(typeof lb).toBe('number');
    if (typeof lb !== 'number') return;
    void web('/block').catch(() => undefined); // never answers: the cloud dies first
    await sleep(1000);

    process.kill(first.pid, 'SIGKILL');
    expect(await until(() => !alive(first.pid), 5_000)).toBe(true);
    await sleep(1500);
    expect(alive(lb)).toBe(true); // blocked: it cannot notice its cloud is gone

    const second = start(cloud);
    expect(await until(() => !alive(lb), 15_000)).toBe(true);
    expect(before.filter(alive)).toEqual([]);
    const mine = await until(() => workerPids(cloud.home).length > before.length, 15_000);
    expect(mine).toBe(true);
    const now = workerPids(cloud.home).filter((pid) => !before.includes(pid));
    expect(now.some(alive)).toBe(true);

    const stop = cloud.flash('cloud', 'stop');
    expect(stop.status).toBe(0);
    expect(alive(second.pid)).toBe(false);
    expect(await until(() => now.every((pid) => !alive(pid)), 5_000)).toBe(true);
  });
});
