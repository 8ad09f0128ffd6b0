import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/adapters/eventstore/sqlite/sqlite-event-store';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(180_000);
const BIN = join(__dirname, '..', '..', 'bin', 'flash.js');

function flash(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeout = 30_000,
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('flash CLI', () => {
  it('demo deploys 03_mixed_workers to a local cloud, runs its pipeline across endpoints, prints history and audit', () => {
    const { code, stdout, stderr } = flash(['demo'], {}, 180_000);
    expect(stderr).not.toContain('error');
    expect(code).toBe(0);
    expect(stdout).toMatch(/deployed 03_mixed_workers to demo \(version 1, deployment [0-9a-f-]{36}\)/);
    expect(stdout).toMatch(/"label": "positive"/); // LB -> preprocess -> inference -> postprocess
    for (const type of [
      'DeploymentRequested',
      'EnvironmentLocked',
      'KeyInjected',
      'EndpointProvisioned',
      'UrlCollected',
      'ManifestFinalized',
      'ManifestPublished',
      'DeploymentSucceeded',
    ])
      expect(stdout).toContain(type);
    expect(stdout).toContain('key RUNPOD_API_KEY injected into 01_03_classify_pipeline');
    expect(stdout.match(/key RUNPOD_API_KEY injected into/g)).toHaveLength(1);
    expect(stdout).toContain('undeployed 03_mixed_workers from demo: removed 4 endpoint(s)');
  });

  it('events prints the ledger under FLASH_HOME, and --json as envelopes', async () => {
    const home = tempDir();
    const store = new SqliteEventStore(join(home, 'ledger.db'));
    const s = `deployment-${randomUUID()}`;
    await store.append(
      s,
      [{ type: 'DeploymentRequested', data: { app: 'x' }, metadata: { actor: 'user:t' } }],
      { expectedRevision: 'no_stream' },
    );
    await store.close();
    const table = flash(['events'], { FLASH_HOME: home });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('DeploymentRequested');
    const json = flash(['events', '--json'], { FLASH_HOME: home });
    expect(JSON.parse(json.stdout.trim())).toMatchObject({ stream: s, position: '1', revision: '0' });
  });

  it('events --follow prints what another process appends', async () => {
    const home = tempDir();
    const follower = spawn(process.execPath, [BIN, 'events', '--follow', '--json'], {
      env: { ...process.env, FLASH_HOME: home },
    });
    let out = '';
    follower.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const store = new SqliteEventStore(join(home, 'ledger.db'));
    const s = `deployment-${randomUUID()}`;
    try {
      await new Promise((r) => setTimeout(r, 500));
      for (let i = 0; i < 3; i++) {
        await store.append(s, [{ type: 'UrlCollected', data: { i }, metadata: { actor: 'reactor:test' } }], {
          expectedRevision: 'any',
        });
      }
      const deadline = Date.now() + 15_000;
      while (out.trim().split('\n').filter(Boolean).length < 3 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(
        out
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { data: { i: number } }).data.i),
      ).toEqual([0, 1, 2]);
    } finally {
      follower.kill('SIGINT');
      await new Promise((r) => follower.once('close', r));
      await store.close();
    }
  });

  it.each([
    [['events', '--from', 'abc'], {}, '--from takes a whole number of at least 1, not "abc"'],
    [['events'], { FLASH_LEDGER: 'postgres://nope' }, 'LEDGER_CONFIG_INVALID'],
    [['no-such-command'], {}, 'unknown command'],
  ])('%j with bad input exits 2 with one readable line', (args, env, text) => {
    const { code, stderr } = flash(args, env);
    expect(code).toBe(2);
    expect(stderr).toContain(text);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('a corrupt ledger file exits 1 naming the file and the fix', () => {
    const home = tempDir();
    writeFileSync(join(home, 'ledger.db'), 'garbage'.repeat(1000));
    const { code, stderr } = flash(['events'], { FLASH_HOME: home });
    expect(code).toBe(1);
    expect(stderr).toContain('LEDGER_CORRUPT');
    expect(stderr).toContain(join(home, 'ledger.db'));
  });
});
