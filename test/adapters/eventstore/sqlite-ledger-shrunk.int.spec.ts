import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { CloudDb } from '../../../emulator/state/cloud-db';
import { LedgerError } from '../../../src/adapters/eventstore/eventstore.errors';
import { ledgerConfigFromEnv } from '../../../src/adapters/eventstore/ledger-config';
import { openEventStore } from '../../../src/adapters/eventstore/open-event-store';
import { SqliteEventStore } from '../../../src/adapters/eventstore/sqlite/sqlite-event-store';
import { sqliteLedgerHead } from '../../../src/adapters/eventstore/sqlite/sqlite-head';
import { verifySqliteLedger } from '../../../src/adapters/eventstore/sqlite/sqlite-verify';
import { ALL_PROJECTIONS, deploymentHistoryProjection } from '../../../src/projections';
import { ProjectionRunner } from '../../../src/adapters/views/projection-runner';
import { readViews } from '../../../src/adapters/views/read-views';
import { succeededDeployment } from '../../projections/facts';
import { record } from '../../projections/support';
import { tempDir } from '../../support/ledger-processes';
import { fileHash } from './ledger-damage';

/** A FLASH_HOME with `deployments` succeeded deployments in its ledger, folded into its views. */
async function homeWithViews(deployments: number, home = tempDir()): Promise<string> {
  const store = new SqliteEventStore(join(home, 'ledger.db'));
  for (let n = 1; n <= deployments; n++)
    await record(store, succeededDeployment(randomUUID(), 'shop', n, `2026-11-30T1${n}:00:00.000Z`));
  const runner = new ProjectionRunner(store, join(home, 'projections.db'), ALL_PROJECTIONS);
  await runner.catchUp();
  runner.close();
  await store.close();
  return home;
}

async function failure(run: () => unknown): Promise<LedgerError> {
  const error: unknown = await (async () => run())().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof LedgerError) return error;
  throw new Error(`expected a LedgerError, got ${String(error)}`);
}

describe('a ledger that holds less than what remembers it', () => {
  it('truncated to 0 next to views that remember more: every way in refuses with LEDGER_SHRUNK and writes nothing', async () => {
    const home = await homeWithViews(2);
    const ledger = join(home, 'ledger.db');
    truncateSync(ledger, 0);
    const env = { FLASH_HOME: home };

    const opened = await failure(() => new SqliteEventStore(ledger));
    expect(opened.code).toBe('LEDGER_SHRUNK');
    expect(opened.message).toContain(ledger);
    expect(opened.message).toContain(join(home, 'projections.db'));
    expect(opened.message).toContain('holds no events');
    expect(opened.message).toContain('restore it from a backup');
    expect((await failure(() => openEventStore(ledgerConfigFromEnv(env)))).code).toBe('LEDGER_SHRUNK');
    expect((await failure(() => sqliteLedgerHead(ledger))).code).toBe('LEDGER_SHRUNK');
    expect((await failure(() => readViews([deploymentHistoryProjection], env))).code).toBe('LEDGER_SHRUNK');
    expect(verifySqliteLedger(ledger)).toMatchObject({ ok: false, events: 0, firstBadPosition: 1 });
    expect(statSync(ledger).size).toBe(0);
  });

  it('deleted next to views that remember it: refused as well, and not created again', async () => {
    const home = await homeWithViews(1);
    rmSync(join(home, 'ledger.db'));
    expect((await failure(() => readViews([deploymentHistoryProjection], { FLASH_HOME: home }))).code).toBe(
      'LEDGER_SHRUNK',
    );
    expect(verifySqliteLedger(join(home, 'ledger.db')).ok).toBe(false);
    expect(existsSync(join(home, 'ledger.db'))).toBe(false);
  });

  it('replaced by an older copy: open and the views refuse, naming where the ledger ends', async () => {
    const home = tempDir();
    const ledger = join(home, 'ledger.db');
    const backup = join(tempDir(), 'old-ledger.db');
    await homeWithViews(1, home);
    copyFileSync(ledger, backup);
    const before = fileHash(backup);
    await homeWithViews(2, home); // two more deployments, folded into the views
    rmSync(`${ledger}-wal`, { force: true });
    rmSync(`${ledger}-shm`, { force: true });
    copyFileSync(backup, ledger);
    const refused = await failure(() => new SqliteEventStore(ledger));
    expect(refused.code).toBe('LEDGER_SHRUNK');
    expect(refused.message).toMatch(/ends at position \d+ but .*projections\.db remembers position \d+/);
    expect((await failure(() => readViews([deploymentHistoryProjection], { FLASH_HOME: home }))).code).toBe(
      'LEDGER_SHRUNK',
    );
    expect(fileHash(ledger)).toBe(before);
  });

  it('elsewhere (FLASH_LEDGER=sqlite:) and emptied, with views in FLASH_HOME: the views are not served', async () => {
    const home = await homeWithViews(1);
    const elsewhere = join(tempDir(), 'ledger.db');
    await new SqliteEventStore(elsewhere).close();
    const env = { FLASH_HOME: home, FLASH_LEDGER: `sqlite:${elsewhere}` };
    const refused = await failure(() => readViews([deploymentHistoryProjection], env));
    expect(refused.code).toBe('LEDGER_SHRUNK');
    expect(refused.message).toContain(join(home, 'projections.db'));
    const store = new SqliteEventStore(elsewhere);
    const runner = new ProjectionRunner(store, join(home, 'projections.db'), ALL_PROJECTIONS);
    try {
      expect((await failure(() => runner.catchUp())).code).toBe('LEDGER_SHRUNK');
    } finally {
      runner.close();
      await store.close();
    }
  });

  it('empty next to a local cloud that holds endpoints: refused before a deploy could provision them again', async () => {
    const home = tempDir();
    const cloud = new CloudDb(join(home, 'cloud', 'cloud.db'));
    cloud.save('endpoint', { id: 'ep-orphan', name: 'worker' });
    cloud.close();
    const refused = await failure(() => openEventStore(ledgerConfigFromEnv({ FLASH_HOME: home })));
    expect(refused.code).toBe('LEDGER_SHRUNK');
    expect(refused.message).toContain(join(home, 'cloud', 'cloud.db'));
    expect(refused.message).toContain('1 endpoint(s)');
    expect(refused.message).toContain('flash cloud stop');
  });

  it('a new FLASH_HOME, or views and a cloud that remember nothing beyond the ledger, open as before', async () => {
    const home = await homeWithViews(1);
    const cloud = new CloudDb(join(home, 'cloud', 'cloud.db'));
    cloud.save('endpoint', { id: 'ep-live', name: 'worker' });
    cloud.close();
    const [view] = await readViews([deploymentHistoryProjection], { FLASH_HOME: home });
    expect(view.order).toHaveLength(1);
    await (await openEventStore(ledgerConfigFromEnv({ FLASH_HOME: tempDir() }))).close();
  });
});
