import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buildApp, type BuildResult } from '../../src/build/build-app';
import { createCloud, type Cloud } from '../../emulator/cloud-app';
import { containerRuntime } from '../../emulator/supervisor/container-worker';
import {
  BASE_URL_VARIABLES,
  PROCESS_RUNTIME_ONLY,
  RUNPOD_WORKER_VARIABLES,
} from '../../emulator/supervisor/runpod-env';
import type { ContainerEngine } from '../../image/container-engine';
import { copyFixtureApp } from '../support/app-fixture';
import { cloudHttp } from '../support/cloud-http';
import { containerTestsUnavailable } from '../support/container-tests';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud, type LocalDeployment } from '../support/local-deploy';
import { ensureWorkerImage } from '../support/worker-image';

jest.setTimeout(600_000);

const unavailable = containerTestsUnavailable();
const suite = unavailable ? describe.skip : describe;

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function environOf(pid: number): Record<string, string> {
  return Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

suite(`the local cloud's container runtime${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let home: string;
  let cloud: Cloud;
  let url: string;
  let build: BuildResult;
  let d: LocalDeployment;
  let engine: ContainerEngine;
  let image: string;
  let label: string;
  const engineJson = (...args: string[]): unknown =>
    JSON.parse(execFileSync(engine.command, [...engine.globalArgs, ...args]).toString());
  const ours = (): string[] =>
    execFileSync(engine.command, [
      ...engine.globalArgs,
      'ps',
      '-aq',
      '--filter',
      `label=flash-ledger.cloud=${label}`,
    ])
      .toString()
      .split(/\s+/)
      .filter(Boolean);

  beforeAll(async () => {
    const ready = await ensureWorkerImage();
    if (!ready.ok) throw new Error(`the worker image cannot be built: ${ready.reason}`);
    ({ engine, image } = ready);
    build = await buildApp({ root: copyFixtureApp('cloud_probe') });
    home = tempDir('flash-containers-');
    label = containerRuntime(home, engine).label;
    cloud = await createCloud({ home, runtime: 'container', takeWaitMs: 2_000, lbWaitMs: 60_000 });
    url = await cloud.listen(0);
    d = await deployToCloud(url, cloud.apiKey, build, { image });
  });
  afterAll(async () => {
    await cloud?.close();
    await d?.dispatcher.close();
  });

  it('runs QB and LB workers as containers of the image; peer calls and the shared volume work', async () => {
    const relay = await cloudHttp('POST', `${d.urls.api}/relay`, cloud.apiKey, { n: 1 });
    expect(relay.status).toBe(200);
    expect(relay.json).toMatchObject({ relayed: { echoed: { n: 1 } } });
    const called = await cloudHttp('POST', `${d.urls.caller}/runsync`, cloud.apiKey, {
      input: { text: 'x' },
    });
    expect(called.json).toMatchObject({ status: 'COMPLETED', output: { via: 'caller' } });
    const wrote = await cloudHttp('POST', `${d.urls.writer}/runsync`, cloud.apiKey, {
      input: { file: 'c.txt', text: 'from a container' },
    });
    expect(wrote.json).toMatchObject({ status: 'COMPLETED' });
    // written by one container at /runpod-volume, read by another
    const note = await cloudHttp('GET', `${d.urls.api}/notes/c.txt`, cloud.apiKey);
    expect(note.json).toEqual({ text: 'from a container' });
    expect(ours().length).toBeGreaterThanOrEqual(4);
  });

  it("gives a container exactly RunPod's environment: nothing of the process runtime", async () => {
    const imageEnv = (
      engineJson('image', 'inspect', '--format', '{{json .Config.Env}}', image) as string[]
    ).map((line) => line.slice(0, line.indexOf('=')));
    const checked: string[] = [];
    for (const [name, endpointId] of Object.entries(d.ids)) {
      for (const worker of cloud.supervisor.workersOf(endpointId)) {
        const container = `flash-${label}-${worker.id}`;
        const pid = await until('the container to run', () => {
          const p = Number(engineJson('inspect', '--format', '{{json .State.Pid}}', container));
          return p > 0 ? p : undefined;
        });
        const env = environOf(pid);
        const allowed = new Set<string>([
          ...Object.keys(RUNPOD_WORKER_VARIABLES),
          ...BASE_URL_VARIABLES,
          ...(d.templateEnv[name] ?? []).map((v) => v.key),
          ...imageEnv,
          // what every container engine adds
          'container',
          'HOSTNAME',
          'HOME',
          'TERM',
        ]);
        expect({ name, extra: Object.keys(env).filter((k) => !allowed.has(k)) }).toEqual({ name, extra: [] });
        expect(Object.keys(env).filter((k) => k in PROCESS_RUNTIME_ONLY)).toEqual([]);
        const mounts = engineJson('inspect', '--format', '{{json .Mounts}}', container) as {
          Destination: string;
          RW: boolean;
        }[];
        expect(mounts).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ Destination: '/root/.runpod/artifact.tar.gz', RW: false }),
          ]),
        );
        checked.push(name);
      }
    }
    expect(new Set(checked)).toEqual(new Set(['api', 'echo', 'caller', 'writer']));
  });

  it('says which image is missing when an endpoint names one not on this machine, and pulls nothing', async () => {
    const missing = 'localhost/flash-ledger-worker:not-built';
    const other = await deployToCloud(url, cloud.apiKey, build, { image: missing, environment: 'other' });
    try {
      const problem = await until('the endpoint to report its problem', () =>
        cloud.supervisor.problemOf(other.ids.echo ?? ''),
      );
      expect(problem).toContain(`its image ${missing} is not on this machine`);
      expect(problem).toContain('flash image build');
    } finally {
      await other.dispatcher.close();
    }
  });

  it('keeps the logs of a container, replaces one killed from outside, and leaves none behind', async () => {
    const echoId = d.ids.echo!;
    expect(cloud.supervisor.logs(echoId)).toContain('worker ready');
    const [first] = cloud.supervisor.workersOf(echoId);
    execFileSync(engine.command, [...engine.globalArgs, 'kill', `flash-${label}-${first!.id}`]);
    await until('another echo worker', () =>
      cloud.supervisor.workersOf(echoId).some((w) => w.id !== first!.id) ? true : undefined,
    );
    const sync = await cloudHttp('POST', `${d.urls.echo}/runsync`, cloud.apiKey, { input: { again: true } });
    expect(sync.json).toMatchObject({ status: 'COMPLETED', output: { echoed: { again: true } } });
    await cloud.close();
    expect(ours()).toEqual([]);
  });
});
