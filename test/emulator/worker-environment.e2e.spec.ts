import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buildApp, type BuildResult } from '../../src/build/build-app';
import { createCloud, type Cloud } from '../../emulator/cloud-app';
import {
  BASE_URL_VARIABLES,
  PROCESS_BASICS,
  PROCESS_RUNTIME_ONLY,
  RUNPOD_WORKER_VARIABLES,
} from '../../emulator/supervisor/runpod-env';
import { workerEntry } from '../../emulator/supervisor/worker-entry';
import { copyFixtureApp } from '../support/app-fixture';
import { cloudHttp } from '../support/cloud-http';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud, type LocalDeployment } from '../support/local-deploy';

jest.setTimeout(120_000);

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 40_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The environment a running process really has, read from the kernel. */
function environOf(pid: number): Record<string, string> {
  const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
  return Object.fromEntries(
    raw
      .split('\0')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe("a worker process's environment is RunPod's, plus only the process runtime's named places", () => {
  let home: string;
  let cloud: Cloud;
  let url: string;
  let build: BuildResult;
  let d: LocalDeployment;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    build = await buildApp({ root: copyFixtureApp('cloud_probe') });
    home = tempDir('flash-env-');
    cloud = await createCloud({ home, takeWaitMs: 2_000, lbWaitMs: 20_000 });
    url = await cloud.listen(0);
    d = await deployToCloud(url, cloud.apiKey, build);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await cloud?.close();
    await d?.dispatcher.close();
  });

  it('reads /proc/<pid>/environ of real workers: nothing beyond the list, every RunPod variable there', async () => {
    // peer calls (api -> echo, caller -> echo) and the volume (writer) work with this environment
    const relay = await cloudHttp('POST', `${d.urls.api}/relay`, cloud.apiKey, { n: 1 });
    expect(relay.status).toBe(200);
    const called = await cloudHttp('POST', `${d.urls.caller}/runsync`, cloud.apiKey, {
      input: { text: 'x' },
    });
    expect(called.json).toMatchObject({ status: 'COMPLETED', output: { via: 'caller' } });
    const wrote = await cloudHttp('POST', `${d.urls.writer}/runsync`, cloud.apiKey, {
      input: { file: 'a.txt', text: 'hi' },
    });
    expect(wrote.json).toMatchObject({ status: 'COMPLETED' });

    const checked: string[] = [];
    for (const [name, endpointId] of Object.entries(d.ids)) {
      const endpoint = (await d.control.listEndpoints()).find((e) => e.id === endpointId);
      const templateKeys = new Set((d.templateEnv[name] ?? []).map((v) => v.key));
      for (const worker of state().workersOf(endpointId)) {
        if (!worker.child.pid) continue;
        const env = environOf(worker.child.pid);
        const allowed = new Set<string>([
          ...Object.keys(RUNPOD_WORKER_VARIABLES),
          ...BASE_URL_VARIABLES,
          ...PROCESS_BASICS,
          ...Object.keys(PROCESS_RUNTIME_ONLY),
          ...templateKeys,
        ]);
        const extra = Object.keys(env).filter((key) => !allowed.has(key));
        expect({ worker: name, extra }).toEqual({ worker: name, extra: [] });
        // RunPod's own variables are all there (PORT/PORT_HEALTH for LB, the volume id with a volume)
        const expected = Object.keys(RUNPOD_WORKER_VARIABLES).filter(
          (key) =>
            (!key.startsWith('PORT') || endpoint?.type === 'LB') &&
            (key !== 'RUNPOD_VOLUME_ID' || name === 'api' || name === 'writer'),
        );
        expect(expected.filter((key) => env[key] === undefined)).toEqual([]);
        // the cloud's own secrets never leak in: only the template's key, and only to callers
        expect(env.FLASH_CLOUD_FAULTS).toBeUndefined();
        if (!d.keyInjected[name]) expect(env.RUNPOD_API_KEY).toBeUndefined();
        checked.push(name);
      }
    }
    expect(new Set(checked)).toEqual(new Set(['api', 'echo', 'caller', 'writer']));
  });

  it('a worker started by hand with both base URLs unset (they default to RunPod) unpacks its build, starts and takes jobs', async () => {
    const endpointId = d.ids.echo!;
    const template = (await d.control.listEndpoints()).find((e) => e.id === endpointId);
    const worker = state().workersOf(endpointId)[0];
    expect(worker?.child.pid).toBeDefined();
    const env = environOf(worker!.child.pid!);
    for (const key of BASE_URL_VARIABLES) delete env[key];
    env.RUNPOD_POD_ID = 'outside-1';
    // a worker the cloud did not start: it polls with the endpoint's key, as a RunPod worker would
    const child = spawn(process.execPath, [await workerEntry(home)], {
      env: { ...env, FLASH_APP_DIR: tempDir('flash-env-app-') },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    children.push(child);
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await until('the worker to start', () => (log.includes('worker ready') ? true : undefined));
    expect(log).not.toContain('"level":"error"');
    expect(template?.type).toBe('QB');
    // its job URLs are RunPod's variables: it announces itself with a ping and takes jobs beside the
    // cloud's own worker
    const byOutside = await until('a job taken by the worker started by hand', async () => {
      const runs = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          cloudHttp('POST', `${d.urls.echo}/runsync`, cloud.apiKey, { input: { i } }),
        ),
      );
      return runs.find((r) => r.json.workerId === 'outside-1');
    });
    expect(byOutside.json).toMatchObject({ status: 'COMPLETED' });
    child.kill('SIGTERM');
  });

  const state = () => cloud.supervisor;
});
