import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildApp } from '../../src/build/build-app';
import { copyFixtureApp } from '../support/app-fixture';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
const PROBE = `
const { startWorker } = require('./worker/main.ts');
startWorker().then(async (w) => {
  const res = await fetch('http://127.0.0.1:' + w.port + '/execute', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  const loaded = Object.keys(require.cache).filter((k) => k.includes('/worker/live/'));
  const marker = globalThis[Symbol.for('flash-ledger.codeShippingLoaded')] === true;
  process.stdout.write(JSON.stringify({ mode: w.mode, status: res.status, loaded: loaded.length, marker }));
  await w.stop();
  process.exit(0);
});
`;

/** Starts a real worker process in `type` mode on a built app, asks it for /execute, and reports what it loaded. */
function probe(
  appDir: string,
  resource: string,
  type: string,
): { mode: string; status: number; loaded: number; marker: boolean } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', PROBE], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      FLASH_APP_DIR: appDir,
      FLASH_RESOURCE_NAME: resource,
      FLASH_ENDPOINT_TYPE: type,
      PORT: '0',
      FLASH_WORKER_HOST: '127.0.0.1',
    },
  });
  if (run.status !== 0) throw new Error(`probe failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { mode: string; status: number; loaded: number; marker: boolean };
}

describe('code shipping lives only in live workers', () => {
  let appDir: string;
  beforeAll(async () => {
    const build = await buildApp({ root: copyFixtureApp('05_load_balancer') });
    appDir = join(build.root, '.flash', 'build');
  });

  it('a deployed worker answers /execute with 404 and never loads the code-shipping module', () => {
    expect(probe(appDir, '03_05_load_balancer_cpu', 'lb')).toEqual({
      mode: 'lb',
      status: 404,
      loaded: 0,
      marker: false,
    });
  });

  it('a live worker (flash dev) serves /execute, from the code-shipping module', () => {
    const live = probe(appDir, 'live-probe', 'live');
    expect(live).toMatchObject({ mode: 'live', status: 400, marker: true });
    expect(live.loaded).toBeGreaterThan(0);
  });
});
