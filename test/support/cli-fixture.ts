import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { deployTarget } from '../../src/ledger/target';
import { writeApp } from './app-fixture';
import { tempDir } from './ledger-processes';

export const BIN = join(__dirname, '..', '..', 'bin', 'flash.js');

export const WORKERS = (extra = true): string => `import { Endpoint } from 'flash-ledger';
export const echo = Endpoint.queue({ name: 'echo', cpu: 'cpu3c-1-2', workers: [0, 1] }, async (input: { text: string }) => ({ echoed: input.text }));
${extra ? `export const upper = Endpoint.queue({ name: 'upper', cpu: 'cpu3c-1-2', workers: [0, 1] }, async (input: { text: string }) => ({ upper: input.text.toUpperCase() }));` : ''}
`;
export const API = `import { Endpoint } from 'flash-ledger';
import { echo } from './workers';
export const api = Endpoint.loadBalanced({ name: 'api', cpu: 'cpu3c-1-2', workers: [0, 1] });
api.post('/relay', async ({ body }) => ({ relayed: await echo(body as { text: string }) }));
`;

/**
 * An app (`workers.ts` + `api.ts`, named `appName`) and a FLASH_HOME of its own, deployed with the real
 * CLI to a local cloud on a free port that accepts faults. `stop()` stops that cloud.
 */
export function cliFixture(appName: string, portBase: number) {
  const home = tempDir('flash-home-');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLASH_HOME: home,
    FLASH_CLOUD_URL: `http://127.0.0.1:${portBase + Math.floor(Math.random() * 2000)}`,
    FLASH_CLOUD_FAULTS: '1',
    FLASH_PUBLISH_BACKOFF_MS: '20',
  };
  delete env.RUNPOD_API_KEY;
  delete env.FLASH_LEDGER;
  const app = writeApp({
    'package.json': JSON.stringify({ name: appName }),
    'workers.ts': WORKERS(),
    'api.ts': API,
  });
  const outputs: string[] = [];
  const flash = (args: string[], extra: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> => {
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
  async function onCloud(environment: string): Promise<{ names: string[]; urls: Record<string, string> }> {
    const t = target();
    try {
      const found = await t.control.ensureApp(appName);
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

  async function setFaults(body: Record<string, unknown>): Promise<void> {
    const res = await request(`${env.FLASH_CLOUD_URL ?? ''}/admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key()}` },
      body: JSON.stringify(body),
    });
    await res.body.dump();
  }

  const stop = (): void => {
    spawnSync(process.execPath, [BIN, 'cloud', 'stop'], { env, encoding: 'utf8', timeout: 60_000 });
  };
  return { home, env, app, outputs, flash, key, target, onCloud, setFaults, stop };
}
