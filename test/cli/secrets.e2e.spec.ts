import { createHash } from 'node:crypto';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliFixture } from '../support/cli-fixture';
import { filesHolding, ledgerSideFiles } from '../support/leak-scan';

jest.setTimeout(600_000);

/** Two queue endpoints: `reader` gets a deployer's secret, a literal and a RunPod secret reference; `other` none. */
const WORKERS = `import { createHash } from 'node:crypto';
import { Endpoint, secret, runpodSecret } from 'flash-ledger';
const digest = (v: string | undefined) => (v === undefined ? null : createHash('sha256').update(v).digest('hex'));
export const reader = Endpoint.queue(
  { name: 'reader', cpu: 'cpu3c-1-2', env: { HF_TOKEN: secret('HF_TOKEN'), MODEL: 'tiny', LINK: runpodSecret('hf') } },
  async () => ({ token: digest(process.env.HF_TOKEN), model: process.env.MODEL, link: process.env.LINK }),
);
export const other = Endpoint.queue({ name: 'other', cpu: 'cpu3c-1-2' }, async () => ({ token: digest(process.env.HF_TOKEN) }));
`;

const FIRST = 'hf_first_0123456789abcdef';
const SECOND = 'hf_second_fedcba9876543210';
const THIRD = 'hf_third_aaaabbbbccccdddd';
const sha = (v: string): string => createHash('sha256').update(v).digest('hex');

describe('secrets through flash deploy on the local cloud', () => {
  const { home, app, outputs, flash, onCloud, setFaults, stop } = cliFixture('secretive', 23000);
  writeFileSync(join(app, 'workers.ts'), WORKERS);
  unlinkSync(join(app, 'api.ts'));
  const envFile = join(app, '.env.deploy');
  writeFileSync(envFile, `# deploy-time values\nHF_TOKEN="${FIRST}"\n`);

  afterAll(stop);

  it('refuses a deploy whose secret is missing before anything is recorded or provisioned', async () => {
    const refused = flash(['deploy', '--env', 'main'], { HF_TOKEN: '' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('SECRET_MISSING');
    expect(refused.stderr).toContain('reader needs HF_TOKEN');
    const history = flash(['history', '--json']);
    expect(JSON.parse(history.stdout)).toMatchObject({ ok: true, deployments: [] });
    expect((await onCloud('main')).names).toEqual([]);
  });

  it('gives the value to its endpoint only, plans a changed value as that endpoint alone, and rolls only it', async () => {
    const first = flash(['deploy', '--env', 'main', '--env-file', envFile, '--json'], {
      HF_TOKEN: 'shadowed',
    });
    expect(first.status).toBe(0);
    const read = (): { token: string | null; model?: string; link?: string } =>
      JSON.parse(flash(['invoke', 'reader', '{}', '--env', 'main']).stdout) as never;
    expect(read()).toEqual({ token: sha(FIRST), model: 'tiny', link: '{{ RUNPOD_SECRET_hf }}' });
    expect(JSON.parse(flash(['invoke', 'other', '{}', '--env', 'main']).stdout)).toEqual({ token: null });

    // the same value from the environment: nothing to do
    expect(flash(['deploy', '--env', 'main', '--plan'], { HF_TOKEN: FIRST }).status).toBe(0);
    const plan = flash(['deploy', '--env', 'main', '--plan', '--json'], { HF_TOKEN: SECOND });
    expect(plan.status).toBe(2);
    expect(JSON.parse(plan.stdout)).toMatchObject({
      changes: 1,
      actions: { reader: 'updated', other: 'unchanged' },
      reasons: { reader: ['secret HF_TOKEN'] },
    });
    const table = flash(['deploy', '--env', 'main', '--plan'], { HF_TOKEN: SECOND });
    expect(table.stdout).toMatch(/~\s+reader\s+updated\s+secret HF_TOKEN/);

    const second = flash(['deploy', '--env', 'main', '--json'], { HF_TOKEN: SECOND });
    expect(second.status).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      resources: { reader: { action: 'updated' }, other: { action: 'unchanged' } },
    });
    // the rolled worker answers with the new value (the old one may finish its idle time first)
    const deadline = Date.now() + 60_000;
    let token = read().token;
    while (token !== sha(SECOND) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      token = read().token;
    }
    expect(token).toBe(sha(SECOND));
  });

  it('resumes a failed deployment only with the value it was planned with', async () => {
    await setFaults({ failEndpointSaves: 1 });
    const failed = flash(['deploy', '--env', 'main'], { HF_TOKEN: THIRD });
    await setFaults({});
    expect(failed.status).toBe(1);
    const missing = flash(['deploy', '--env', 'main', '--resume'], { HF_TOKEN: '' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('SECRET_MISSING');
    const changed = flash(['deploy', '--env', 'main', '--resume'], { HF_TOKEN: 'not-the-planned-one' });
    expect(changed.status).toBe(1);
    expect(changed.stderr).toContain('SECRET_CHANGED');
    const resumed = flash(['deploy', '--env', 'main', '--resume', '--json'], { HF_TOKEN: THIRD });
    expect(resumed.status).toBe(0);
    const deadline = Date.now() + 60_000;
    const read = (): string | null =>
      (JSON.parse(flash(['invoke', 'reader', '{}', '--env', 'main']).stdout) as { token: string | null })
        .token;
    let token = read();
    while (token !== sha(THIRD) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      token = read();
    }
    expect(token).toBe(sha(THIRD));
  });

  it('keeps no secret value in the ledger, views, manifests, artifacts, logs or output', () => {
    const events = flash(['events', '--json']);
    expect(events.stdout).toContain('scrypt:'); // the fingerprints are there, the values are not
    const scanned = ledgerSideFiles(home, app);
    expect(scanned.length).toBeGreaterThan(5);
    expect(filesHolding(scanned, [FIRST, SECOND, THIRD, 'not-the-planned-one'])).toEqual([]);
    expect(outputs.join('\n')).not.toContain(FIRST);
    expect(outputs.join('\n')).not.toContain(SECOND);
    expect(outputs.join('\n')).not.toContain(THIRD);
  });
});
