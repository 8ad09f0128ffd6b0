import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { deployTarget } from '../../src/commands/deployment/deploy-target';
import { writeApp } from '../support/app-fixture';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(600_000);
const BIN = join(__dirname, '..', '..', 'bin', 'flash.js');

const WORKERS = (extra = true): string => `import { Endpoint } from 'flash-ledger';
export const echo = Endpoint.queue({ name: 'echo', cpu: 'cpu3c-1-2', workers: [0, 1] }, async (input: { text: string }) => ({ echoed: input.text }));
${extra ? `export const upper = Endpoint.queue({ name: 'upper', cpu: 'cpu3c-1-2', workers: [0, 1] }, async (input: { text: string }) => ({ upper: input.text.toUpperCase() }));` : ''}
`;
const API = `import { Endpoint } from 'flash-ledger';
import { echo } from './workers';
export const api = Endpoint.loadBalanced({ name: 'api', cpu: 'cpu3c-1-2', workers: [0, 1] });
api.post('/relay', async ({ body }) => ({ relayed: await echo(body as { text: string }) }));
`;

/** Every file under a folder (skipping node_modules), for scanning. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : filesUnder(p);
    return e.isFile() ? [p] : [];
  });
}

describe('flash deploy on the local cloud', () => {
  const home = tempDir('flash-home-');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLASH_HOME: home,
    FLASH_CLOUD_URL: `http://127.0.0.1:${19000 + Math.floor(Math.random() * 2000)}`,
    FLASH_CLOUD_FAULTS: '1',
    FLASH_PUBLISH_BACKOFF_MS: '20',
  };
  delete env.RUNPOD_API_KEY;
  delete env.FLASH_LEDGER;
  const app = writeApp({ 'package.json': '{"name":"crashy"}', 'workers.ts': WORKERS(), 'api.ts': API });
  const outputs: string[] = [];
  const flash = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      cwd: app,
      encoding: 'utf8',
      env: { ...env, ...extra },
      timeout: 120_000,
    });
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const key = (): string => readFileSync(join(home, 'cloud', 'api-key'), 'utf8').trim();
  const target = () => deployTarget({ kind: 'local', url: env.FLASH_CLOUD_URL ?? '', apiKey: key() });

  /** The environment's endpoints on the cloud, and the manifest its State Manager holds. */
  async function onCloud(environment: string) {
    const t = target();
    try {
      const found = await t.control.ensureApp('crashy');
      const envId = found.environments.find((e) => e.name === environment)?.id ?? '';
      const names = (await t.control.listEndpoints())
        .filter((e) => e.flashEnvironmentId === envId)
        .map((e) => e.name ?? '')
        .sort();
      const manifest = (await t.control.readManifest(envId))?.manifest as
        { resources_endpoints?: Record<string, string> } | undefined;
      return { names, urls: manifest?.resources_endpoints ?? {} };
    } finally {
      await t.close();
    }
  }

  async function setFaults(body: Record<string, number>): Promise<void> {
    const res = await request(`${env.FLASH_CLOUD_URL ?? ''}/admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await res.body.dump();
  }

  afterAll(() => {
    spawnSync(process.execPath, [BIN, 'cloud', 'stop'], { env, encoding: 'utf8', timeout: 60_000 });
  });

  it('deploys on demand, then plans no change (exit 0) and a change (exit 2)', async () => {
    const first = flash(['deploy', '--env', 'main', '--json']);
    expect(existsSync(join(home, 'cloud', 'cloud.pid'))).toBe(true); // started on demand
    expect(first.status).toBe(0);
    const summary = JSON.parse(first.stdout) as {
      ok: boolean;
      version: number;
      resources: Record<string, { action: string }>;
    };
    expect(summary).toMatchObject({ ok: true, version: 1 });
    expect(Object.values(summary.resources).map((r) => r.action)).toEqual(['created', 'created', 'created']);
    expect((await onCloud('main')).names).toEqual(['api', 'echo', 'upper']);

    expect(flash(['deploy', '--env', 'main', '--plan']).status).toBe(0);
    writeFileSync(
      join(app, 'workers.ts'),
      WORKERS().replace(
        "'upper', cpu: 'cpu3c-1-2', workers: [0, 1]",
        "'upper', cpu: 'cpu3c-1-2', workers: [0, 3]",
      ),
    );
    const plan = flash(['deploy', '--env', 'main', '--plan', '--json']);
    expect(plan.status).toBe(2);
    expect(JSON.parse(plan.stdout)).toMatchObject({
      changes: 1,
      actions: { upper: 'updated', echo: 'unchanged', api: 'unchanged' },
    });
    writeFileSync(join(app, 'workers.ts'), WORKERS());

    const invoked = flash(['invoke', 'api', '{"text":"hi"}', '--path', '/relay', '--env', 'main']);
    expect(invoked.status).toBe(0);
    expect(JSON.parse(invoked.stdout)).toEqual({ relayed: { echoed: 'hi' } });
  });

  it.each([
    'DeploymentRequested',
    'BuildActivated',
    'KeyInjected',
    'EndpointProvisioned',
    'UrlCollected',
    'ManifestFinalized',
    'ManifestPublished',
    'DeploymentSucceeded',
  ])('finishes with --resume after the deploy process is killed right after %s', async (type) => {
    const environment = `crash-${type.toLowerCase()}`;
    const crashed = flash(['deploy', '--env', environment], { FLASH_FAULT_CRASH_AFTER: type });
    expect(crashed.signal).toBe('SIGKILL');
    const resumed = flash(['deploy', '--env', environment, '--resume', '--json']);
    expect(resumed.status).toBe(0);
    const cloud = await onCloud(environment);
    expect(cloud.names).toEqual(['api', 'echo', 'upper']); // one endpoint per resource: no duplicate
    expect(Object.keys(cloud.urls).sort()).toEqual(['api', 'echo', 'upper']);
    // and the environment is free again
    expect(flash(['deploy', '--env', environment, '--json']).status).toBe(0);
  });

  it.each([
    ['EndpointProvisioningFailed', { failEndpointSaves: 1 }],
    ['ManifestPublishAttemptFailed', { failStateManagerWrites: 1 }],
    ['DeploymentFailed', { failStateManagerWrites: 2 }],
  ])('finishes with --resume after the deploy process is killed right after %s', async (type, fault) => {
    const environment = `crash-${type.toLowerCase()}`;
    await setFaults(fault);
    try {
      const crashed = flash(['deploy', '--env', environment], {
        FLASH_FAULT_CRASH_AFTER: type,
        FLASH_PUBLISH_ATTEMPTS: '2',
      });
      expect(crashed.signal).toBe('SIGKILL');
    } finally {
      await setFaults({});
    }
    const resumed = flash(['deploy', '--env', environment, '--resume', '--json']);
    expect(resumed.status).toBe(0);
    const cloud = await onCloud(environment);
    expect(cloud.names).toEqual(['api', 'echo', 'upper']);
    expect(Object.keys(cloud.urls).sort()).toEqual(['api', 'echo', 'upper']);
  });

  it('finishes a removal with --resume after the process is killed right after EndpointRemoved', async () => {
    expect(flash(['deploy', '--env', 'shrink']).status).toBe(0);
    writeFileSync(join(app, 'workers.ts'), WORKERS(false));
    try {
      const crashed = flash(['deploy', '--env', 'shrink'], { FLASH_FAULT_CRASH_AFTER: 'EndpointRemoved' });
      expect(crashed.signal).toBe('SIGKILL');
      expect(flash(['deploy', '--env', 'shrink', '--resume']).status).toBe(0);
      const cloud = await onCloud('shrink');
      expect(cloud.names).toEqual(['api', 'echo']);
      expect(Object.keys(cloud.urls).sort()).toEqual(['api', 'echo']);
    } finally {
      writeFileSync(join(app, 'workers.ts'), WORKERS());
    }
  });

  it('lets one of two concurrent deploys of an environment proceed; the other exits 1 naming the holder', async () => {
    const url = env.FLASH_CLOUD_URL ?? '';
    const slow = await request(`${url}/admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ delayStateManagerWritesMs: 4000 }),
    });
    await slow.body.dump();
    try {
      const first = spawn(process.execPath, [BIN, 'deploy', '--env', 'race'], { cwd: app, env });
      let err = '';
      first.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const exited = new Promise<number | null>((r) => first.on('exit', (code) => r(code)));
      const deadline = Date.now() + 60_000;
      while (!err.includes('manifest finalized') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      const holder = /deployment ([0-9a-f-]{36})/.exec(err)?.[1];
      expect(holder).toBeDefined();
      const second = flash(['deploy', '--env', 'race']);
      expect(second.status).toBe(1);
      expect(second.stderr).toContain('ENVIRONMENT_LOCKED');
      expect(second.stderr).toContain(`deployment ${holder}`);
      expect(second.stderr).toMatch(/by user:\S+ has held this environment since \d{4}-/);
      expect(await exited).toBe(0);
    } finally {
      const reset = await request(`${url}/admin/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({}),
      });
      await reset.body.dump();
    }
  });

  it('rejects a RunPod deploy with remote calls and no key before anything is provisioned', () => {
    const r = flash(['deploy', '--target', 'runpod', '--env', 'prod'], {
      RUNPOD_API_URL: 'http://127.0.0.1:9',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('API_KEY_REQUIRED');
    expect(r.stderr).toContain('api makes remote calls');
  });

  it('shows history, audit and a replay, rebuilds views equal, and keeps the key out of every file it wrote', () => {
    const history = flash(['history', '--json']);
    expect(history.status).toBe(0);
    const records = (
      JSON.parse(history.stdout) as { deployments: { status: string; version: number | null }[] }
    ).deployments;
    expect(records.some((r) => r.status === 'succeeded')).toBe(true);
    expect(records.some((r) => r.status === 'rejected')).toBe(true);
    const audit = flash(['audit', '--limit', '5']);
    expect(audit.status).toBe(0);
    expect(audit.stdout).toContain('EnvironmentReleased');
    const last = JSON.parse(flash(['deploy', '--env', 'main', '--force', '--json']).stdout) as {
      deploymentId: string;
    };
    const replay = flash(['replay', last.deploymentId.slice(0, 6), '--until', '3']);
    expect(replay.stdout.trim().split('\n')).toHaveLength(1 + 3); // a header and three steps
    expect(replay.stdout).toContain('DeploymentRequested');
    const rebuilt = flash(['projections', 'rebuild', '--json']);
    expect(rebuilt.status).toBe(0);
    expect(JSON.parse(rebuilt.stdout)).toMatchObject({ ok: true });

    const secret = key();
    const scanned = [
      ...filesUnder(home).filter((f) => !f.startsWith(join(home, 'cloud'))),
      ...filesUnder(join(home, 'cloud', 'logs')),
      ...filesUnder(join(app, '.flash')),
    ];
    expect(scanned.length).toBeGreaterThan(5);
    for (const file of scanned) {
      const bytes = readFileSync(file);
      const text =
        file.endsWith('.gz') && statSync(file).size > 0
          ? gunzipSync(bytes).toString('latin1')
          : bytes.toString('latin1');
      expect({ file, leaks: text.includes(secret) }).toEqual({ file, leaks: false });
    }
    expect(outputs.join('\n')).not.toContain(secret);
  });
});
