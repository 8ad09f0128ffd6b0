import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/adapters/eventstore/sqlite/sqlite-event-store';
import { visibleWidth } from '../../src/cli/output/colors';
import { succeededDeployment } from '../projections/facts';
import { record, type Fact } from '../projections/support';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(120_000);
const BIN = join(__dirname, '..', '..', 'bin', 'flash.js');

const SHOP = 'aaaa1111-0000-4000-8000-000000000001';
const SHOP_AGAIN = 'aaaa2222-0000-4000-8000-000000000002';
const SEARCH = 'bbbb3333-0000-4000-8000-000000000003';

/** A succeeded deployment, requested from a host whose long name makes wide tables. */
const deployment = (id: string, app: string, version: number, when: string): Fact[] =>
  succeededDeployment(id, app, version, when, { host: 'a-rather-long-build-host.example.internal' });

describe('the CLI for people and for scripts', () => {
  const home = tempDir('flash-output-');
  const elsewhere = tempDir('flash-cwd-');
  const shopDir = join(elsewhere, 'shop');
  mkdirSync(join(shopDir, 'src'), { recursive: true });
  writeFileSync(
    join(shopDir, 'package.json'),
    JSON.stringify({ name: 'shop', devDependencies: { 'flash-ledger': '*' } }),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, FLASH_HOME: home, NO_COLOR: '1' };
  delete env.FLASH_LEDGER;
  const flash = (args: string[], cwd = elsewhere, extra: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...env, ...extra },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  /** Under --json stdout holds exactly one JSON document. */
  const doc = (stdout: string): Record<string, unknown> => {
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    return JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  };

  beforeAll(async () => {
    const store = new SqliteEventStore(join(home, 'ledger.db'));
    await record(store, [
      ...deployment(SHOP, 'shop', 1, '2026-11-30T10:00:00.000Z'),
      ...deployment(SEARCH, 'search', 1, '2026-11-30T11:00:00.000Z'),
      ...deployment(SHOP_AGAIN, 'shop', 2, '2026-11-30T12:00:00.000Z'),
    ]);
    await store.close();
  });

  it.each([
    [['nope'], 2, 'USAGE'],
    [['audit', '--limit', 'x'], 2, 'USAGE'],
    [['status', '--app', 'nothing'], 1, 'NOTHING_DEPLOYED'],
    [['replay', 'cccc'], 1, 'DEPLOYMENT_NOT_FOUND'],
    [['replay', 'abc'], 2, 'DEPLOYMENT_ID_TOO_SHORT'],
    [['audit', '--deployment', 'aaaa'], 2, 'DEPLOYMENT_ID_AMBIGUOUS'],
    [['history', '--app', '_scratch'], 2, 'INVALID_APP_NAME'],
  ])('flash %j fails with the same exit code with and without --json (%i, %s)', (args, exit, code) => {
    const plain = flash(args);
    expect(plain.code).toBe(exit);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toContain(code === 'USAGE' ? 'error' : `error ${code}:`);
    const json = flash([...args, '--json']);
    expect(json.code).toBe(exit);
    expect(doc(json.stdout)).toMatchObject({ ok: false, error: { code, message: expect.any(String) } });
    expect(json.stderr).toBe('');
  });

  it.each(['history', 'status', 'deploy'])(
    'fails at once with a coded error when FLASH_HOME cannot be created (flash %s)',
    (command) => {
      const started = Date.now();
      const r = spawnSync(process.execPath, [BIN, command, '--json'], {
        cwd: shopDir,
        env: { ...env, FLASH_HOME: '/proc/nope' },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.signal).toBeNull(); // not killed by the timeout: it did not spin
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(r.status).toBe(1);
      expect(doc(r.stdout)).toMatchObject({
        ok: false,
        error: { code: expect.stringMatching(/^(LEDGER_DIR_UNWRITABLE|CLOUD_HOME_UNWRITABLE)$/) },
      });
    },
  );

  it('names the candidates of an ambiguous id prefix, and takes a unique prefix anywhere an id goes', () => {
    const ambiguous = doc(flash(['audit', '--deployment', 'aaaa', '--json']).stdout) as {
      error: { message: string };
    };
    expect(ambiguous.error.message).toContain(SHOP);
    expect(ambiguous.error.message).toContain(SHOP_AGAIN);
    const audit = doc(flash(['audit', '--deployment', 'aaaa2', '--json']).stdout) as {
      deploymentId: string;
      entries: { deploymentId: string }[];
    };
    expect(audit.deploymentId).toBe(SHOP_AGAIN);
    expect(audit.entries.length).toBe(11);
    expect(new Set(audit.entries.map((e) => e.deploymentId))).toEqual(new Set([SHOP_AGAIN]));
  });

  it('replays every step without --until, and stops at --until', () => {
    const all = doc(flash(['replay', 'bbbb3', '--json']).stdout) as { steps: { type: string }[] };
    expect(all.steps.map((s) => s.type)).toEqual([
      'DeploymentRequested',
      'KeyInjected',
      'EndpointProvisioned',
      'EndpointProvisioned',
      'UrlCollected',
      'UrlCollected',
      'ManifestFinalized',
      'ManifestPublished',
      'DeploymentSucceeded',
    ]);
    const table = flash(['replay', 'bbbb3']);
    expect(table.code).toBe(0);
    expect(table.stdout.trim().split('\n')).toHaveLength(1 + 9);
    expect(table.stdout).toContain('succeeded published api=url worker=url');
    const three = doc(flash(['replay', SEARCH, '--until', '3', '--json']).stdout) as { steps: unknown[] };
    expect(three.steps).toHaveLength(3);
  });

  it('shows the app around the current folder in history and status, every app with --all', () => {
    const inShop = doc(flash(['history', '--json'], join(shopDir, 'src')).stdout) as {
      app: string;
      deployments: { app: string }[];
    };
    expect(inShop.app).toBe('shop');
    expect(inShop.deployments.map((d) => d.app)).toEqual(['shop', 'shop']);
    const all = doc(flash(['history', '--all', '--json'], shopDir).stdout) as {
      deployments: { app: string }[];
    };
    expect(all.deployments.map((d) => d.app)).toEqual(['shop', 'search', 'shop']);
    const outside = doc(flash(['history', '--json']).stdout) as { deployments: unknown[] };
    expect(outside.deployments).toHaveLength(3);
    const production = flash(['status', '--json'], shopDir);
    expect(production.code).toBe(1);
    expect(doc(production.stdout)).toMatchObject({
      ok: false,
      error: { code: 'NOTHING_DEPLOYED', message: 'shop has nothing deployed in production' },
    });
    const statusProd = doc(flash(['status', '--env', 'prod', '--json'], shopDir).stdout) as {
      lastDeployment: { deploymentId: string };
    };
    expect(statusProd.lastDeployment.deploymentId).toBe(SHOP_AGAIN);
    const everything = doc(flash(['status', '--all', '--json'], shopDir).stdout) as {
      environments: { key: string }[];
    };
    expect(everything.environments.map((e) => e.key).sort()).toEqual(['search.prod', 'shop.prod']);
  });

  it('fits tables to the terminal width, and prints them whole with --wide', () => {
    const narrow = flash(['audit'], elsewhere, { COLUMNS: '80' });
    expect(narrow.code).toBe(0);
    for (const line of narrow.stdout.trimEnd().split('\n'))
      expect(visibleWidth(line)).toBeLessThanOrEqual(80);
    expect(narrow.stdout).toContain('…');
    const wide = flash(['audit', '--wide'], elsewhere, { COLUMNS: '80' });
    expect(wide.stdout).toContain('a-rather-long-build-host.example.internal');
    const history = flash(['history', '--all'], elsewhere, { COLUMNS: '100' });
    for (const line of history.stdout.trimEnd().split('\n'))
      expect(visibleWidth(line)).toBeLessThanOrEqual(100);
    expect(history.stdout).toContain('succeeded');
  });

  it('prints no colour on a pipe, and colour when FORCE_COLOR asks', () => {
    expect(flash(['history', '--all'], elsewhere, { NO_COLOR: undefined }).stdout).not.toContain('\u001b[');
    expect(
      flash(['history', '--all'], elsewhere, { NO_COLOR: undefined, FORCE_COLOR: '1' }).stdout,
    ).toContain('\u001b[32msucceeded');
  });

  it('renders events with the fields of the current schemas', () => {
    const events = flash(['events', '--wide']);
    expect(events.code).toBe(0);
    expect(events.stdout).toContain(
      'deploy of shop.prod (2 resources) to local requested by user:alice@laptop',
    );
    expect(events.stdout).toContain('key RUNPOD_API_KEY injected into api (sha256:9f86d081884c7d65)');
    expect(events.stdout).toContain('manifest finalized with 2 endpoints');
    expect(events.stdout).not.toMatch(/ -> ,|\(\)|0 URL\(s\)/);
  });

  it('shows the real time since the first event under --follow', async () => {
    const child = spawn(process.execPath, [BIN, 'events', '--follow', '--from', '34'], {
      cwd: elsewhere,
      env,
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const store = new SqliteEventStore(join(home, 'ledger.db'));
    try {
      const id = 'dddd4444-0000-4000-8000-000000000004';
      const [first, ...rest] = deployment(id, 'later', 1, new Date().toISOString());
      await record(store, first ? [first] : []);
      await new Promise((r) => setTimeout(r, 1300));
      await record(store, rest.slice(0, 1));
      const deadline = Date.now() + 20_000;
      while (out.trim().split('\n').length < 3 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
    } finally {
      await store.close();
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    const rows = out.trim().split('\n').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/\+0ms/);
    expect(rows[1]).toMatch(/\+1\.\ds/);
  });
});
