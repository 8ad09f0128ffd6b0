import { spawnSync } from 'node:child_process';
import { cpSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/adapters/eventstore/sqlite/sqlite-event-store';
import { fileHash, flipByteOf, overwriteMiddlePage } from '../adapters/eventstore/ledger-damage';
import { succeededDeployment } from '../projections/facts';
import { record } from '../projections/support';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(120_000);
const BIN = join(__dirname, '..', '..', 'bin', 'flash.js');
const MARKED_HOST = 'marked-build-host-Z';

/** `flash <args>` with FLASH_HOME=home, as a user runs it. */
function flash(home: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, FLASH_HOME: home, NO_COLOR: '1' };
  delete env.FLASH_LEDGER;
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: tempDir('flash-cwd-'),
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The one JSON document stdout holds under --json. */
function doc(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] ?? '') as Record<string, unknown>;
}

describe('flash ledger verify, and the commands that read a damaged ledger', () => {
  const seeded = tempDir('flash-verify-');
  let events = 0;
  let marked = 0;

  beforeAll(async () => {
    const store = new SqliteEventStore(join(seeded, 'ledger.db'));
    for (let n = 1; n <= 30; n++) {
      const id = `cccc${String(n).padStart(4, '0')}-0000-4000-8000-000000000000`;
      const host = n === 28 ? MARKED_HOST : 'laptop';
      await record(
        store,
        succeededDeployment(id, 'shop', n, `2026-11-${String(n).padStart(2, '0')}T10:00:00.000Z`, { host }),
      );
    }
    const all = await store.readAll({ limit: 10_000 });
    events = all.length;
    marked = Number(all.find((e) => e.data.host === MARKED_HOST)?.position);
    await store.close();
    expect(flash(seeded, ['history', '--json']).code).toBe(0); // folds the views: they remember every event
  });

  /** A copy of the seeded FLASH_HOME to damage. */
  const copy = (): string => {
    const home = tempDir('flash-damaged-');
    cpSync(seeded, home, { recursive: true });
    return home;
  };

  it('says how many events it verified, and exits 0, on an intact ledger', () => {
    const plain = flash(seeded, ['ledger', 'verify']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`${events} event(s) verified`);
    const json = flash(seeded, ['ledger', 'verify', '--json']);
    expect(json.code).toBe(0);
    expect(doc(json.stdout)).toEqual({ ok: true, events });
    expect(json.stderr).toBe('');
  });

  it('names the position of one flipped byte in an event’s data; history and events refuse it', () => {
    const home = copy();
    const ledger = join(home, 'ledger.db');
    flipByteOf(ledger, MARKED_HOST);
    const damaged = fileHash(ledger);

    const plain = flash(home, ['ledger', 'verify']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain(`error LEDGER_TAMPERED: the event at position ${marked} in ${ledger}`);
    const json = flash(home, ['ledger', 'verify', '--json']);
    expect(json.code).toBe(1);
    expect(doc(json.stdout)).toMatchObject({
      ok: false,
      events: marked - 1,
      firstBadPosition: marked,
      error: { code: 'LEDGER_TAMPERED', message: expect.stringContaining(`position ${marked}`) },
    });

    const history = flash(home, ['history']);
    expect(history.code).toBe(1);
    expect(history.stderr).toContain('error LEDGER_TAMPERED');
    expect(history.stdout).toBe('');
    expect(doc(flash(home, ['history', '--json']).stdout)).toMatchObject({
      ok: false,
      error: { code: 'LEDGER_TAMPERED' },
    });
    const listed = flash(home, ['events', '--json']);
    expect(listed.code).toBe(1);
    expect(listed.stdout).toContain('LEDGER_TAMPERED');
    expect(fileHash(ledger)).toBe(damaged);
  });

  it('refuses a ledger truncated to 0 next to views that remember it, and leaves it empty', () => {
    const home = copy();
    const ledger = join(home, 'ledger.db');
    truncateSync(ledger, 0);
    const history = flash(home, ['history']);
    expect(history.code).toBe(1);
    expect(history.stderr).toContain('error LEDGER_SHRUNK');
    expect(history.stderr).toContain(join(home, 'projections.db'));
    const json = flash(home, ['ledger', 'verify', '--json']);
    expect(json.code).toBe(1);
    expect(doc(json.stdout)).toMatchObject({
      ok: false,
      events: 0,
      firstBadPosition: 1,
      error: { code: 'LEDGER_SHRUNK' },
    });
    expect(flash(home, ['events']).code).toBe(1);
    expect(statSync(ledger).size).toBe(0);
  });

  it('refuses 4 KB of noise over a middle page with LEDGER_CORRUPT, in history and in verify', () => {
    const home = copy();
    const ledger = join(home, 'ledger.db');
    overwriteMiddlePage(ledger);
    const damaged = fileHash(ledger);
    for (const command of [['history'], ['status', '--all'], ['audit'], ['events']]) {
      const r = flash(home, command);
      expect({ command, code: r.code }).toEqual({ command, code: 1 });
      expect(r.stderr).toContain('error LEDGER_CORRUPT');
      expect(r.stderr).toContain(ledger);
    }
    const json = flash(home, ['ledger', 'verify', '--json']);
    expect(json.code).toBe(1);
    expect(doc(json.stdout)).toMatchObject({ ok: false, error: { code: 'LEDGER_CORRUPT' } });
    expect(fileHash(ledger)).toBe(damaged);
  });
});
