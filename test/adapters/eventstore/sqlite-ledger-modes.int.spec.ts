import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '../../../src/adapters/eventstore/sqlite/sqlite-event-store';
import { ViewTable } from '../../../src/adapters/views/view-table';
import { tempDir } from '../../support/ledger-processes';

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);
const OPEN_EVENT_STORE = join(
  __dirname,
  '..',
  '..',
  '..',
  'src',
  'adapters',
  'eventstore',
  'open-event-store.ts',
);

/** Opens the configured ledger in a process with the usual umask 022, as the CLI does; answers its stderr. */
function openInChild(home: string): string {
  const script = `require(${JSON.stringify(OPEN_EVENT_STORE)}).openEventStore().then((s) => s.close());`;
  const run = spawnSync(
    '/bin/sh',
    ['-c', 'umask 022 && exec "$0" "$@"', process.execPath, '--import', 'tsx', '-e', script],
    {
      env: { ...process.env, FLASH_HOME: home, FLASH_LEDGER: '' },
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  if (run.status !== 0) throw new Error(`opening the ledger failed: ${run.stderr}`);
  return run.stderr;
}

describe('the files of the ledger are private to the user', () => {
  it('creates FLASH_HOME 0700 and the ledger, its WAL files and the views 0600, without a warning', () => {
    const home = join(tempDir(), 'a', 'home');
    expect(openInChild(home)).toBe('');
    expect(modeOf(home)).toBe('700');
    expect(modeOf(join(home, 'ledger.db'))).toBe('600');
    const views = new ViewTable(join(home, 'projections.db'));
    views.close();
    expect(modeOf(join(home, 'projections.db'))).toBe('600');
  });

  it('tightens a looser FLASH_HOME and ledger found at open, with one warning line on stderr', () => {
    const home = join(tempDir(), 'home');
    expect(openInChild(home)).toBe('');
    chmodSync(home, 0o755);
    chmodSync(join(home, 'ledger.db'), 0o644);
    const stderr = openInChild(home);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`${home} (755)`);
    expect(stderr).toContain(`${join(home, 'ledger.db')} (644)`);
    expect(stderr).toContain('made private');
    expect(modeOf(home)).toBe('700');
    expect(modeOf(join(home, 'ledger.db'))).toBe('600');
    expect(openInChild(home)).toBe(''); // once fixed, nothing more to say
  });

  it('keeps the ledger’s WAL files private with it, and tightens a loose views file with one warning', async () => {
    const dir = tempDir();
    const file = join(dir, 'ledger.db');
    const lines: string[] = [];
    const store = new SqliteEventStore(file, { warn: (line) => lines.push(line) });
    expect(lines).toEqual([]);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(f)).toBe('600');
    await store.close();
    chmodSync(file, 0o644);
    const second = new SqliteEventStore(file, { warn: (line) => lines.push(line) });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${file} (644)`);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(f)).toBe('600');
    await second.close();

    const viewsFile = join(dir, 'projections.db');
    new ViewTable(viewsFile).close();
    chmodSync(viewsFile, 0o664);
    const warnings: string[] = [];
    new ViewTable(viewsFile, (line) => warnings.push(line)).close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${viewsFile} (664)`);
    expect(modeOf(viewsFile)).toBe('600');
  });

  it('leaves the folder a FLASH_LEDGER=sqlite: path names as it is', async () => {
    const dir = join(tempDir(), 'shared');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    await new SqliteEventStore(join(dir, 'ledger.db'), { warn: () => undefined }).close();
    expect(modeOf(dir)).toBe('755');
    expect(modeOf(join(dir, 'ledger.db'))).toBe('600');
  });
});
