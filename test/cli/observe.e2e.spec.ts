import { spawn } from 'node:child_process';
import { BIN, cliFixture } from '../support/cli-fixture';

jest.setTimeout(300_000);

async function until<T>(what: string, probe: () => T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('flash logs and the health in flash status', () => {
  const { env, app, flash, stop } = cliFixture('observed', 25000);
  afterAll(stop);

  beforeAll(() => {
    expect(flash(['deploy', '--env', 'main', '--json']).status).toBe(0);
    expect(flash(['invoke', 'echo', '{"text":"hi"}', '--env', 'main']).status).toBe(0);
  });

  it('prints the logs of the workers serving a resource, from the target, and filters them by age', async () => {
    const logs = flash(['logs', 'echo', '--env', 'main', '--json']);
    expect(logs.status).toBe(0);
    const body = JSON.parse(logs.stdout) as {
      endpointId: string;
      workers: { workerId: string; lines: string[] }[];
    };
    expect(body.workers.length).toBeGreaterThanOrEqual(1);
    expect(body.workers.flatMap((w) => w.lines).join('\n')).toContain('worker ready');
    const text = flash(['logs', 'echo', '--env', 'main']);
    expect(text.stdout).toMatch(/^== worker \S+ ==$/m);

    await new Promise((r) => setTimeout(r, 1_500));
    const recent = JSON.parse(flash(['logs', 'echo', '--env', 'main', '--since', '1s', '--json']).stdout) as {
      workers: { lines: string[] }[];
    };
    expect(recent.workers.flatMap((w) => w.lines).join('\n')).not.toContain('worker ready');

    const bad = flash(['logs', 'echo', '--env', 'main', '--since', 'yesterday']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--since takes an age');
    const unknown = flash(['logs', 'nope', '--env', 'main', '--json']);
    expect(unknown.status).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ error: { code: 'RESOURCE_NOT_DEPLOYED' } });
  });

  it('follows the logs: a worker that starts later shows up, and an interrupt ends it', async () => {
    const child = spawn(process.execPath, [BIN, 'logs', 'upper', '--env', 'main', '--follow', '--json'], {
      cwd: app,
      env: { ...env, FLASH_LOGS_POLL_MS: '300' },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      expect(flash(['invoke', 'upper', '{"text":"later"}', '--env', 'main']).status).toBe(0);
      const line = await until('the new worker in the followed logs', () =>
        out
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { worker: string; line: string })
          .find((l) => l.line.includes('worker ready')),
      );
      expect(line.worker).toMatch(/\S+/);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it("shows each endpoint's workers and jobs from its /health", () => {
    const status = flash(['status', '--env', 'main', '--json']);
    expect(status.status).toBe(0);
    const body = JSON.parse(status.stdout) as {
      health: Record<string, { health: { jobs: { completed?: number }; workers: Record<string, number> } }>;
    };
    expect(body.health.echo?.health.jobs.completed).toBeGreaterThanOrEqual(1);
    expect(body.health.echo?.health.workers).toHaveProperty('idle');
    const text = flash(['status', '--env', 'main']);
    expect(text.stdout).toMatch(/echo .* idle, \d+ running, \d+ starting .* queued/);
    const light = JSON.parse(flash(['status', '--env', 'main', '--no-health', '--json']).stdout) as object;
    expect(light).toMatchObject({ health: {} });
  });
});
