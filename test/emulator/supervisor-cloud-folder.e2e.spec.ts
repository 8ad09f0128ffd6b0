import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../worker/contract/free-port';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'flash.js');
const CLOUD = join(ROOT, 'dist', 'emulator', 'main.js');

/** Runs node with a usual umask, whatever the test runner's, so the modes below are the code's choice. */
const UMASK_022 = ['-c', 'umask 022 && exec "$0" "$@"', process.execPath];

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function envWithFreshHome(flashHome: string): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    FLASH_HOME: flashHome,
    FLASH_CLOUD_URL: `http://127.0.0.1:${await freePort()}`,
  };
}

describe("the local cloud's own folder", () => {
  it('is made private (0700) by `flash cloud start`, with the FLASH_HOME it creates', async () => {
    const flashHome = join(tempDir('flash-folder-'), 'home');
    const env = await envWithFreshHome(flashHome);
    const flash = (...args: string[]) =>
      spawnSync('/bin/sh', [...UMASK_022, BIN, ...args], { encoding: 'utf8', env, timeout: 60_000 });
    try {
      expect(flash('cloud', 'start', '--json').status).toBe(0);
      expect(modeOf(flashHome)).toBe('700');
      expect(modeOf(join(flashHome, 'cloud'))).toBe('700');
    } finally {
      flash('cloud', 'stop');
    }
  });

  it('is made private (0700) by the cloud run in the foreground, and an existing FLASH_HOME keeps its mode', async () => {
    const fresh = join(tempDir('flash-folder-'), 'home');
    const existing = join(tempDir('flash-folder-'), 'home');
    mkdirSync(existing, { mode: 0o755 });
    for (const [flashHome, homeMode] of [
      [fresh, '700'],
      [existing, '755'],
    ] as const) {
      const child = spawn('/bin/sh', [...UMASK_022, CLOUD], {
        env: await envWithFreshHome(flashHome),
        stdio: 'ignore',
      });
      started.push(child);
      for (let i = 0; i < 300 && !existsSync(join(flashHome, 'cloud', 'cloud.url')); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(modeOf(flashHome)).toBe(homeMode);
      expect(modeOf(join(flashHome, 'cloud'))).toBe('700');
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('closes a cloud folder an older version left readable by others, with a warning', async () => {
    const flashHome = join(tempDir('flash-folder-'), 'home');
    mkdirSync(join(flashHome, 'cloud'), { recursive: true, mode: 0o755 });
    chmodSync(join(flashHome, 'cloud'), 0o755);
    let err = '';
    const child = spawn('/bin/sh', [...UMASK_022, CLOUD], {
      env: await envWithFreshHome(flashHome),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    started.push(child);
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    for (let i = 0; i < 300 && !existsSync(join(flashHome, 'cloud', 'cloud.url')); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(modeOf(join(flashHome, 'cloud'))).toBe('700');
    expect(err).toContain('was readable by others (mode 755): set to 700');
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  });
});
