import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../../src/build/build-app';
import { copyFixtureApp } from '../support/app-fixture';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud } from '../support/local-deploy';

jest.setTimeout(120_000);
const BIN = join(__dirname, '..', '..', 'bin', 'flash.js');

describe('flash cloud', () => {
  const env = {
    ...process.env,
    FLASH_HOME: tempDir('flash-home-'),
    FLASH_CLOUD_URL: `http://127.0.0.1:${17000 + Math.floor(Math.random() * 2000)}`,
  };
  const flash = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, timeout: 60_000 });
  afterAll(() => flash('cloud', 'stop'));

  it('refuses --runtime container where neither docker nor podman can run, saying what to install', () => {
    const bare = tempDir('flash-no-engines-'); // a PATH with no docker and no podman
    const r = spawnSync(process.execPath, [BIN, 'cloud', 'start', '--runtime', 'container', '--json'], {
      encoding: 'utf8',
      env: { ...env, PATH: bare, FLASH_HOME: tempDir('flash-home-') },
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    const error = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('CONTAINER_ENGINE_MISSING');
    expect(error.message).toContain('podman');
  });

  it('starts in the background, shows its logs per endpoint, and stops with its workers', async () => {
    const start = flash('cloud', 'start', '--json');
    expect(start.status).toBe(0);
    const info = JSON.parse(start.stdout) as { running: boolean; url: string; pid: number; started: boolean };
    expect(info).toMatchObject({ running: true, url: env.FLASH_CLOUD_URL, started: true });
    expect(start.stdout).not.toContain('rpa_local_');
    expect(JSON.parse(flash('cloud', 'start', '--json').stdout)).toMatchObject({
      started: false,
      pid: info.pid,
    });
    expect(info).toMatchObject({ runtime: 'process' });
    // the running cloud runs processes: asking for containers says how to get them, and changes nothing
    const other = flash('cloud', 'start', '--runtime', 'container', '--json');
    expect(other.status).toBe(1);
    expect(JSON.parse(other.stdout)).toMatchObject({ error: { code: 'CLOUD_RUNTIME_MISMATCH' } });

    const key = readFileSync(join(env.FLASH_HOME, 'cloud', 'api-key'), 'utf8').trim();
    const d = await deployToCloud(info.url, key, await buildApp({ root: copyFixtureApp('cloud_probe') }));
    const answer = await d.rest.runsync(d.urls.echo ?? '', { ping: 1 });
    expect(answer.status).toBe('COMPLETED');
    const workerPid = (answer.output as { pid: number }).pid;
    await d.dispatcher.close();

    const logs = flash('cloud', 'logs', 'echo');
    expect(logs.status).toBe(0);
    expect(logs.stdout).toContain('# echo (');
    expect(logs.stdout).toContain('worker ready');
    expect(flash('cloud', 'logs', 'nope').stderr).toContain('RESOURCE_NOT_FOUND');

    const stop = flash('cloud', 'stop');
    expect(stop.stdout).toContain('stopped the local cloud and its workers');
    expect(() => process.kill(workerPid, 0)).toThrow();
    expect(() => process.kill(info.pid, 0)).toThrow();
    expect(JSON.parse(flash('cloud', 'status', '--json').stdout)).toMatchObject({ running: false });
  });
});
