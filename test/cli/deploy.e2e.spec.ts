import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cliFixture, WORKERS } from '../support/cli-fixture';
import { filesHolding, filesUnder, ledgerSideFiles } from '../support/leak-scan';

jest.setTimeout(600_000);

describe('flash deploy on the local cloud', () => {
  const { home, env, app, outputs, flash, key, onCloud, setFaults, stop } = cliFixture('crashy', 19000);

  afterAll(stop);

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

  it('plans, per resource, the fields that change (old → new) and whether its code changes', () => {
    writeFileSync(
      join(app, 'workers.ts'),
      WORKERS().replace(
        "'upper', cpu: 'cpu3c-1-2', workers: [0, 1]",
        "'upper', cpu: 'cpu3c-1-2', workers: [0, 3]",
      ),
    );
    try {
      const plan = flash(['deploy', '--env', 'main', '--plan', '--json']);
      expect(plan.status).toBe(2);
      const json = JSON.parse(plan.stdout) as {
        fields: Record<string, { field: string; from: unknown; to: unknown }[]>;
        codeChanged: Record<string, boolean>;
      };
      expect(json.fields.upper).toContainEqual({ field: 'workersMax', from: 1, to: 3 });
      expect(Object.keys(json.fields)).toEqual(['upper']); // the unchanged ones have none
      expect(json.codeChanged).toEqual({ api: false, echo: false, upper: false });
      const text = flash(['deploy', '--env', 'main', '--plan', '--wide']);
      expect(text.status).toBe(2);
      expect(text.stdout).toContain('workersMax 1 → 3');
      expect(text.stdout).not.toMatch(/upper\s+updated\s+.*config/); // the field explains it
    } finally {
      writeFileSync(join(app, 'workers.ts'), WORKERS());
    }
  });

  it('lets one of two concurrent deploys of an environment proceed; the other exits 1 naming the holder', async () => {
    // long enough for a second CLI to start and build on a loaded machine while the first holds the lock
    await setFaults({ delayStateManagerWritesMs: 12_000 });
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
      await setFaults({});
    }
  });

  it('refuses a RunPod deploy and plan without a worker image before anything is built or recorded', () => {
    const before = flash(['history', '--json']).stdout;
    const files = filesUnder(app).sort();
    for (const args of [['deploy'], ['deploy', '--plan']]) {
      const r = flash([...args, '--target', 'runpod', '--env', 'prod', '--json'], {
        RUNPOD_API_KEY: 'rpa_not_used',
        RUNPOD_API_URL: 'http://127.0.0.1:9',
      });
      expect(r.status).toBe(1);
      expect(JSON.parse(r.stdout || r.stderr)).toMatchObject({
        ok: false,
        error: { code: 'WORKER_IMAGE_REQUIRED' },
      });
      expect(r.stdout + r.stderr).toContain('FLASH_WORKER_IMAGE');
    }
    expect(flash(['history', '--json']).stdout).toBe(before);
    expect(filesUnder(app).sort()).toEqual(files); // no build
  });

  it('shows the worker image in the plan, and where it was set', () => {
    const plan = flash(['deploy', '--plan', '--env', 'main', '--json'], {
      FLASH_WORKER_IMAGE: 'example.org/me/worker:1',
    });
    // another image rolls every endpoint
    expect(plan.status).toBe(2);
    expect(JSON.parse(plan.stdout)).toMatchObject({
      image: { image: 'example.org/me/worker:1', from: 'FLASH_WORKER_IMAGE' },
      actions: { api: 'updated', echo: 'updated', upper: 'updated' },
    });
    const text = flash(['deploy', '--plan', '--env', 'main']);
    expect(text.stdout).toMatch(/worker image: localhost\/flash-ledger-worker:\S+ \(the local default\)/);
  });

  it('rejects a RunPod deploy with remote calls and no key before anything is provisioned', () => {
    const r = flash(['deploy', '--target', 'runpod', '--env', 'prod'], {
      RUNPOD_API_URL: 'http://127.0.0.1:9',
      FLASH_WORKER_IMAGE: 'example.org/me/worker:1',
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
    const scanned = ledgerSideFiles(home, app);
    expect(scanned.length).toBeGreaterThan(5);
    expect(filesHolding(scanned, [secret])).toEqual([]);
    expect(outputs.join('\n')).not.toContain(secret);
  });
});
