import { existsSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliFixture } from '../support/cli-fixture';

jest.setTimeout(600_000);

const WORKERS = (says: string): string => `import { Endpoint } from 'flash-ledger';
export const greet = Endpoint.queue({ name: 'greet', cpu: 'cpu3c-1-2', workers: [0, 1] }, async () => ({ says: '${says}' }));
`;

interface HistoryRecord {
  version: number | null;
  status: string;
  rollbackOf?: { version: number; deploymentId: string };
  artifactSha256?: string;
}

describe('flash rollback on the local cloud', () => {
  const { home, app, flash, stop } = cliFixture('rollbacks', 29000);
  writeFileSync(join(app, 'workers.ts'), WORKERS('one'));
  unlinkSync(join(app, 'api.ts'));
  const history = (): HistoryRecord[] =>
    (JSON.parse(flash(['history', '--json']).stdout) as { deployments: HistoryRecord[] }).deployments;
  /** What the endpoint answers, once the rolled workers serve the new build. */
  async function says(expected: string): Promise<string> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const out = flash(['invoke', 'greet', '{}', '--env', 'main']);
      const said = (JSON.parse(out.stdout || '{}') as { says?: string }).says ?? out.stderr;
      if (said === expected || Date.now() > deadline) return said;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  afterAll(stop);

  it("restores an earlier version's behaviour, recorded as a rollback in history and audit", async () => {
    expect(flash(['deploy', '--env', 'main']).status).toBe(0);
    writeFileSync(join(app, 'workers.ts'), WORKERS('two'));
    expect(flash(['deploy', '--env', 'main']).status).toBe(0);
    expect(await says('two')).toBe('two');

    const plan = flash(['rollback', '--env', 'main', '--plan', '--json']);
    expect(plan.status).toBe(2);
    expect(JSON.parse(plan.stdout)).toMatchObject({
      from: 2,
      to: 1,
      changes: 1,
      actions: { greet: 'updated' },
      reasons: { greet: ['code'] },
    });
    expect(history()).toHaveLength(2); // the plan recorded nothing

    const rolled = flash(['rollback', '--env', 'main', '--json']);
    expect(rolled.status).toBe(0);
    expect(JSON.parse(rolled.stdout)).toMatchObject({
      ok: true,
      version: 3,
      resources: { greet: { action: 'updated' } },
    });
    expect(await says('one')).toBe('one');

    const records = history();
    expect(records.map((r) => [r.version, r.status])).toEqual([
      [1, 'succeeded'],
      [2, 'succeeded'],
      [3, 'succeeded'],
    ]);
    expect(records[2]?.rollbackOf?.version).toBe(1);
    expect(records[2]?.artifactSha256).toBe(records[0]?.artifactSha256); // the same build, byte for byte
    expect(flash(['history']).stdout).toContain('(rollback to v1)');
    expect(flash(['audit', '--json']).stdout).toContain('rollback of rollbacks.main to v1');

    // forward again, to v2 by name
    expect(flash(['rollback', '--env', 'main', '--to', 'v2']).status).toBe(0);
    expect(await says('two')).toBe('two');
  });

  it('refuses a version it cannot restore before anything is recorded', () => {
    const before = history().length;
    const unknown = flash(['rollback', '--env', 'main', '--to', 'v9']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('ROLLBACK_VERSION_UNKNOWN');
    const usage = flash(['rollback', '--env', 'main', '--to', 'latest']);
    expect(usage.status).toBe(2);

    // keep the latest version only: v1's build (also v3's) goes, v2's (also v4's) stays
    const dry = JSON.parse(flash(['gc', '--keep', '1', '--dry-run', '--json']).stdout) as {
      removed: string[];
    };
    expect(dry.removed).toHaveLength(1);
    expect(readdirSync(join(home, 'artifacts')).filter((f) => f.endsWith('.tar.gz'))).toHaveLength(2);
    const gc = JSON.parse(flash(['gc', '--keep', '1', '--json']).stdout) as {
      removed: string[];
      kept: number;
    };
    expect(gc).toMatchObject({ removed: dry.removed, kept: 1 });
    expect(existsSync(join(home, 'artifacts', `${dry.removed[0]}.tar.gz`))).toBe(false);

    const collected = flash(['rollback', '--env', 'main', '--to', '1']);
    expect(collected.status).toBe(1);
    expect(collected.stderr).toContain('ARTIFACT_COLLECTED');
    expect(history()).toHaveLength(before);
  });
});
