import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliFixture } from '../support/cli-fixture';

jest.setTimeout(600_000);

const WORKERS = `import { Endpoint } from 'flash-ledger';
export const greet = Endpoint.queue({ name: 'greet', cpu: 'cpu3c-1-2', workers: [0, 1] }, async () => ({ says: 'hello' }));
export const other = Endpoint.queue({ name: 'other', cpu: 'cpu3c-1-2', workers: [0, 1] }, async () => ({ says: 'other' }));
`;

interface Report {
  drifts: { resource: string; change: string; detail: string; endpointId: string }[];
  detected: { resource: string }[];
  resolved: string[];
  inLine: string[];
  healed: { outcome: string; status?: string; deploymentId: string }[];
}

describe('drift: refresh, plan against it, heal', () => {
  const { app, flash, target, stop } = cliFixture('drifty', 31000);
  writeFileSync(join(app, 'workers.ts'), WORKERS);
  unlinkSync(join(app, 'api.ts'));
  const refresh = (): Report => {
    const r = flash(['refresh', '--env', 'main', '--json']);
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as Report;
  };
  const endpointOf = async (name: string): Promise<string> => {
    const t = target();
    try {
      return (await t.control.listEndpoints()).find((e) => e.name === name)?.id ?? '';
    } finally {
      await t.close();
    }
  };
  const outOfBand = async (work: (t: ReturnType<typeof target>) => Promise<unknown>): Promise<void> => {
    const t = target();
    try {
      await work(t);
    } finally {
      await t.close();
    }
  };

  afterAll(stop);

  it('finds an endpoint deleted outside the tool, plans it as a recreate, and records drift once', async () => {
    expect(flash(['deploy', '--env', 'main']).status).toBe(0);
    expect(refresh()).toMatchObject({ drifts: [], inLine: ['greet', 'other'] });

    const greet = await endpointOf('greet');
    await outOfBand((t) => t.control.deleteEndpoint(greet));
    // the ledger does not know yet: the plan compares with it alone
    expect(flash(['deploy', '--env', 'main', '--plan']).status).toBe(0);

    const found = refresh();
    expect(found.drifts).toEqual([
      { resource: 'greet', endpointId: greet, change: 'deleted', detail: 'not on the target' },
    ]);
    expect(found.detected.map((d) => d.resource)).toEqual(['greet']);
    expect(refresh().detected).toEqual([]); // known drift is not recorded twice

    const plan = flash(['deploy', '--env', 'main', '--plan', '--json']);
    expect(plan.status).toBe(2);
    expect(JSON.parse(plan.stdout)).toMatchObject({
      actions: { greet: 'created', other: 'unchanged' },
      reasons: { greet: ['deleted outside flash-ledger'] },
    });
    const audit = flash(['audit', '--json']).stdout;
    expect(audit).toContain('DriftDetected');
    expect(audit).toContain('greet deleted (not on the target)');

    // a deploy repairs it; the next refresh records the drift resolved
    expect(flash(['deploy', '--env', 'main']).status).toBe(0);
    expect(refresh()).toMatchObject({ drifts: [], resolved: ['greet'] });
    expect(JSON.parse(flash(['invoke', 'greet', '{}', '--env', 'main']).stdout)).toEqual({ says: 'hello' });
  });

  it('finds settings changed outside the tool', async () => {
    const other = await endpointOf('other');
    await outOfBand(async (t) => {
      const e = (await t.control.listEndpoints()).find((x) => x.id === other);
      await t.control.saveEndpoint({
        id: other,
        name: 'other',
        type: 'QB',
        instanceIds: ['cpu3c-1-2'],
        workersMin: 0,
        workersMax: 4,
        idleTimeout: 60,
        scalerType: 'QUEUE_DELAY',
        scalerValue: 4,
        flashEnvironmentId: String(e?.flashEnvironmentId),
        template: {
          name: 'other-by-hand',
          imageName: 'localhost/flash-ledger-worker:test',
          containerDiskInGb: 10,
          env: [],
        },
        ...(e?.templateId ? { templateId: e.templateId } : {}),
      });
    });
    const found = refresh();
    expect(found.drifts).toEqual([
      { resource: 'other', endpointId: other, change: 'changed', detail: 'workersMax 1 → 4' },
    ]);
    const plan = JSON.parse(flash(['deploy', '--env', 'main', '--plan', '--json']).stdout) as {
      actions: Record<string, string>;
      reasons: Record<string, string[]>;
    };
    expect(plan.actions.other).toBe('updated');
    expect(plan.reasons.other).toContain('changed outside flash-ledger');
  });

  it('heals under the heal policy: the recorded state is deployed again', async () => {
    expect(flash(['env', 'policy', 'main', 'heal']).status).toBe(0);
    const greet = await endpointOf('greet');
    await outOfBand((t) => t.control.deleteEndpoint(greet));
    const healed = refresh();
    expect(healed.detected.map((d) => d.resource)).toEqual(['greet']);
    expect(healed.healed).toEqual([expect.objectContaining({ outcome: 'started', status: 'succeeded' })]);
    expect(JSON.parse(flash(['invoke', 'greet', '{}', '--env', 'main']).stdout)).toEqual({ says: 'hello' });
    expect(await endpointOf('other')).not.toBe(''); // the changed one was put back too
    expect(refresh()).toMatchObject({ drifts: [] });
    const history = JSON.parse(flash(['history', '--json']).stdout) as {
      deployments: { trigger?: { kind: string }; requestedBy: string }[];
    };
    expect(history.deployments.filter((d) => d.trigger?.kind === 'heal')).toEqual([
      expect.objectContaining({ requestedBy: 'reactor:drift' }),
    ]);
    expect(flash(['history']).stdout).toMatch(/heal: v\d+ again/);
  });

  it('keeps a RunPod plan apart from the local deployments of the same app', () => {
    const plan = flash(['deploy', '--env', 'main', '--target', 'runpod', '--plan', '--json'], {
      RUNPOD_API_KEY: 'rpa_test_not_used',
      RUNPOD_API_URL: 'http://127.0.0.1:9',
      FLASH_WORKER_IMAGE: 'registry.example/flash-worker:1',
    });
    expect(plan.status).toBe(2);
    expect(JSON.parse(plan.stdout)).toMatchObject({ actions: { greet: 'created', other: 'created' } });
  });
});
