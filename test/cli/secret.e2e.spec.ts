import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { filesHolding, filesUnder } from '../support/leak-scan';
import { BIN, cliFixture } from '../support/cli-fixture';

jest.setTimeout(600_000);

/** One queue endpoint whose TOKEN is the account secret `tok`; it answers a digest of it, never the value. */
const WORKERS = `import { createHash } from 'node:crypto';
import { Endpoint, runpodSecret } from 'flash-ledger';
export const reader = Endpoint.queue(
  { name: 'reader', cpu: 'cpu3c-1-2', workers: [0, 1], env: { TOKEN: runpodSecret('tok') } },
  async () => ({ token: process.env.TOKEN === undefined ? null : createHash('sha256').update(process.env.TOKEN).digest('hex') }),
);
`;

const FIRST = 'acct_first_0123456789abcdef';
const SECOND = 'acct_second_fedcba9876543210';
const sha = (v: string): string => createHash('sha256').update(v).digest('hex');

describe('flash secret set/list/delete, and an app that reads an account secret on the local cloud', () => {
  const { home, env, app, outputs, flash, stop } = cliFixture('accountsecrets', 41000);
  writeFileSync(join(app, 'workers.ts'), WORKERS);
  unlinkSync(join(app, 'api.ts'));

  /** The CLI with `input` piped on its stdin (the fixture's `flash()` gives it none). */
  const piped = (args: string[], input: string): SpawnSyncReturns<string> => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      cwd: app,
      encoding: 'utf8',
      env,
      input,
      timeout: 120_000,
    });
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const listed = (): { name: string; description: string | null }[] => {
    const r = flash(['secret', 'list', '--json']);
    expect(r.status).toBe(0);
    return (JSON.parse(r.stdout) as { secrets: { name: string; description: string | null }[] }).secrets;
  };

  afterAll(stop);

  it('creates from stdin, rotates by name, lists without values, and refuses a value on the command line', () => {
    const created = piped(['secret', 'set', 'tok', '--description', 'a token', '--json'], `${FIRST}\n`);
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      ok: true,
      action: 'created',
      target: { kind: 'local' },
      secret: { name: 'tok', description: 'a token' },
    });
    expect(listed()).toEqual([expect.objectContaining({ name: 'tok', description: 'a token' })]);

    const rotated = piped(['secret', 'set', 'tok'], SECOND);
    expect(rotated.status).toBe(0);
    expect(rotated.stdout).toContain('rotated secret tok');
    expect(listed()).toEqual([expect.objectContaining({ name: 'tok', description: 'a token' })]);
    const table = flash(['secret', 'list']);
    expect(table.stdout).toMatch(/name\s+description\s+created\s+updated/);
    expect(table.stdout).toMatch(/tok\s+a token/);

    const argv = flash(['secret', 'set', 'tok', '--value', 'from-argv-value']);
    expect(argv.status).toBe(2);
    expect(argv.stderr).toContain('SECRET_VALUE_IN_ARGV');
    expect(argv.stderr).toContain('never taken from the command line');
    const bad = piped(['secret', 'set', 'RUNPOD_x', '--json'], 'v');
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, error: { code: 'SECRET_NAME_INVALID' } });
    const empty = piped(['secret', 'set', 'blank'], '');
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain('SECRET_VALUE_INVALID');
  });

  it('deletes only with --yes off a terminal, and says when there is nothing to delete', () => {
    const asked = flash(['secret', 'delete', 'tok']);
    expect(asked.status).toBe(2);
    expect(asked.stderr).toContain('CONFIRMATION_REQUIRED');
    expect(listed().map((s) => s.name)).toEqual(['tok']);
    const deleted = flash(['secret', 'delete', 'tok', '--yes', '--json']);
    expect(deleted.status).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ ok: true, deleted: { name: 'tok' } });
    expect(listed()).toEqual([]);
    const again = flash(['secret', 'delete', 'tok', '--yes']);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('SECRET_NOT_FOUND');
  });

  it("gives a deployed endpoint's worker the secret's value through runpodSecret()", () => {
    expect(piped(['secret', 'set', 'tok'], FIRST).status).toBe(0);
    expect(flash(['deploy', '--env', 'main', '--json']).status).toBe(0);
    const invoked = flash(['invoke', 'reader', '{}', '--env', 'main']);
    expect(invoked.status).toBe(0);
    expect(JSON.parse(invoked.stdout)).toEqual({ token: sha(FIRST) });
  });

  it("keeps every value out of the cloud's log, the ledger's files and every output", () => {
    const cloudLog = readFileSync(join(home, 'cloud', 'cloud.log'), 'utf8');
    expect(cloudLog.length).toBeGreaterThan(0);
    const scanned = [
      join(home, 'cloud', 'cloud.log'),
      ...filesUnder(join(home, 'cloud', 'logs')),
      ...filesUnder(home).filter((f) => !f.startsWith(join(home, 'cloud'))),
    ];
    expect(filesHolding(scanned, [FIRST, SECOND])).toEqual([]);
    const said = outputs.join('\n');
    for (const value of [FIRST, SECOND]) expect(said).not.toContain(value);
  });
});
