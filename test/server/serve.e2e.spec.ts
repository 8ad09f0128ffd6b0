import { spawn, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/ledger-processes';
import { firstLine, freePort } from '../support/child-server';

jest.setTimeout(60_000);

const FLASH = join(__dirname, '..', '..', 'bin', 'flash.js');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('flash serve as a process', () => {
  it('serves /health and an authed route with the printed token, and exits 0 on SIGTERM', async () => {
    const home = tempDir('flash-serve-e2e-');
    const env = { ...process.env, FLASH_HOME: home, FLASH_LEDGER: '' };

    const printed = spawnSync(process.execPath, [FLASH, 'serve', '--print-token'], { env, encoding: 'utf8' });
    expect(printed.status).toBe(0);
    const token = printed.stdout.trim();
    expect(token).toMatch(/^fls_write_[A-Za-z0-9_-]{43}$/);
    const read = spawnSync(process.execPath, [FLASH, 'serve', '--print-token', '--scope', 'read'], {
      env,
      encoding: 'utf8',
    });
    expect(read.stdout.trim()).toMatch(/^fls_read_[A-Za-z0-9_-]{43}$/);
    // made once, private to its owner
    expect(statSync(join(home, 'serve')).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, 'serve', 'tokens.json')).mode & 0o777).toBe(0o600);
    expect(
      spawnSync(process.execPath, [FLASH, 'serve', '--print-token'], { env, encoding: 'utf8' }).stdout.trim(),
    ).toBe(token);

    const port = await freePort();
    const child = spawn(process.execPath, [FLASH, 'serve', '--port', String(port), '--json'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const started = JSON.parse(await firstLine(child)) as { ok: boolean; url: string };
      expect(started).toEqual({ ok: true, url: `http://127.0.0.1:${port}` });

      const health = await fetch(`${started.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true });

      const anonymous = await fetch(`${started.url}/v1/environments`);
      expect(anonymous.status).toBe(401);
      const environments = await fetch(`${started.url}/v1/environments`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(environments.status).toBe(200);
      expect(await environments.json()).toEqual({ environments: [] });

      // an open event stream does not hold the shutdown up
      const stream = await fetch(`${started.url}/v1/events/stream`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(stream.status).toBe(200);
      const reader = stream.body!.getReader();
      await reader.read();

      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect((await reader.read().catch(() => ({ done: true }))).done).toBe(true);
      expect(alive(child.pid!)).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses a bad --port as a usage error', () => {
    const r = spawnSync(process.execPath, [FLASH, 'serve', '--port', '70000', '--json'], {
      env: { ...process.env, FLASH_HOME: tempDir('flash-serve-e2e-') },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'USAGE' } });
  });
});
