import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/adapters/eventstore/sqlite/sqlite-event-store';
import {
  editThroughSql,
  fileHash,
  flipByteOf,
  overwriteMiddlePage,
} from '../adapters/eventstore/ledger-damage';
import { succeededDeployment } from '../projections/facts';
import { record } from '../projections/support';
import { BIN } from '../support/cli-fixture';
import { tempDir } from '../support/ledger-processes';
import { recordFigures } from './figures';

const MARKED_HOST = 'marked-build-host-Q';
const REFUSALS = new Set(['LEDGER_CORRUPT', 'LEDGER_TAMPERED', 'LEDGER_SHRUNK']);

/** Every way of damaging the ledger file of a FLASH_HOME whose views have seen all of it. */
const DAMAGES: Record<string, (home: string, older: string) => void> = {
  'truncated to 0 bytes': (home) => truncateSync(join(home, 'ledger.db'), 0),
  'cut in half': (home) => {
    const file = join(home, 'ledger.db');
    truncateSync(file, Math.floor(statSync(file).size / 2));
  },
  '4 KB of noise over a middle page': (home) => void overwriteMiddlePage(join(home, 'ledger.db')),
  "one flipped byte in a recent event's data": (home) =>
    void flipByteOf(join(home, 'ledger.db'), MARKED_HOST),
  'a recent event edited with the sqlite3 shell': (home) =>
    editThroughSql(
      join(home, 'ledger.db'),
      "UPDATE events SET actor = 'user:mallory' WHERE position = (SELECT max(position) - 3 FROM events)",
    ),
  // older than the tail an open rechecks: only the walk of the whole chain sees it (see ONLY_VERIFY)
  'an old event edited with the sqlite3 shell': (home) =>
    editThroughSql(
      join(home, 'ledger.db'),
      "UPDATE events SET actor = 'user:mallory' WHERE position = ?",
      40,
    ),
  'the last event deleted with the sqlite3 shell': (home) =>
    editThroughSql(
      join(home, 'ledger.db'),
      'DELETE FROM events WHERE position = (SELECT max(position) FROM events)',
    ),
  'replaced by an older copy': (home, older) => writeFileSync(join(home, 'ledger.db'), readFileSync(older)),
};

/** Damages that only `flash ledger verify` must find: an open rechecks the tail of the chain, not all of it. */
const ONLY_VERIFY = new Set(['an old event edited with the sqlite3 shell']);

/** Commands that read the ledger, and one that would write to it. */
const COMMANDS: Record<string, string[]> = {
  history: ['history', '--all', '--json'],
  status: ['status', '--all', '--json'],
  audit: ['audit', '--json'],
  events: ['events', '--json'],
  'ledger verify': ['ledger', 'verify', '--json'],
  'deploy --resume': ['deploy', '--resume', '--app', 'shop', '--env', 'prod', '--json'],
};

/**
 * The ledger-damage matrix: each damage done to a copy of a ledger whose views remember all of it, then
 * each command run on it (an old event's edit only by `ledger verify`). Every command must refuse with LEDGER_CORRUPT, LEDGER_TAMPERED or LEDGER_SHRUNK
 * (exit 1, one JSON error), and the damaged file must be left byte for byte as it was (nothing appended).
 */
describe('a damaged ledger is never trusted', () => {
  const seeded = tempDir('flash-damage-');
  const older = join(tempDir('flash-damage-old-'), 'ledger.db');

  beforeAll(async () => {
    const write = async (from: number, to: number): Promise<void> => {
      const store = new SqliteEventStore(join(seeded, 'ledger.db'));
      try {
        for (let n = from; n <= to; n++)
          await record(
            store,
            succeededDeployment(
              `dddd${String(n).padStart(4, '0')}-0000-4000-8000-000000000000`,
              'shop',
              n,
              `2026-10-${String((n % 28) + 1).padStart(2, '0')}T10:00:00.000Z`,
              { host: n === 40 ? MARKED_HOST : 'laptop' },
            ),
          );
      } finally {
        await store.close();
      }
    };
    await write(1, 20);
    cpSync(join(seeded, 'ledger.db'), older); // an older copy of this very ledger
    await write(21, 40);
  });

  it('refuses with a ledger code, and leaves the file as it was, for every damage and command', () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NO_COLOR: '1',
      // a deploy must refuse before it starts a cloud; if one ever started, it would be on a port of its own
      FLASH_CLOUD_URL: `http://127.0.0.1:${33000 + Math.floor(Math.random() * 2000)}`,
    };
    delete env.FLASH_LEDGER;
    const run = (home: string, args: string[]) =>
      spawnSync(process.execPath, [BIN, ...args], {
        cwd: tempDir('flash-cwd-'),
        env: { ...env, FLASH_HOME: home },
        encoding: 'utf8',
        timeout: 60_000,
      });
    expect(run(seeded, ['history', '--all', '--json']).status).toBe(0); // the views remember every event
    const results: {
      damage: string;
      command: string;
      exit: number | null;
      code: string;
      unchanged: boolean;
      cloudStarted: boolean;
    }[] = [];
    for (const [damage, harm] of Object.entries(DAMAGES))
      for (const [command, args] of Object.entries(COMMANDS)) {
        if (ONLY_VERIFY.has(damage) && command !== 'ledger verify') continue;
        const home = tempDir('flash-damaged-');
        cpSync(seeded, home, { recursive: true });
        harm(home, older);
        const before = fileHash(join(home, 'ledger.db'));
        const r = run(home, args);
        let code: string;
        try {
          code = String((JSON.parse(r.stdout) as { error?: { code?: string } }).error?.code ?? 'none');
        } catch {
          code = `not JSON: ${r.stdout.slice(0, 80)}${r.stderr.slice(0, 200)}`;
        }
        results.push({
          damage,
          command,
          exit: r.status,
          code,
          unchanged: fileHash(join(home, 'ledger.db')) === before,
          cloudStarted: existsSync(join(home, 'cloud', 'cloud.pid')),
        });
      }
    const trusted = results.filter((r) => r.exit !== 1 || !REFUSALS.has(r.code));
    const written = results.filter((r) => !r.unchanged);
    const started = results.filter((r) => r.cloudStarted);
    recordFigures('ledger-damage', {
      damages: Object.keys(DAMAGES).length,
      commands: Object.keys(COMMANDS).length,
      cases: results.length,
      refused: results.length - trusted.length,
      trusted: trusted.length,
      writtenAfterDamage: written.length,
      cloudsStarted: started.length,
      byCode: results.reduce<Record<string, number>>(
        (n, r) => ({ ...n, [r.code]: (n[r.code] ?? 0) + 1 }),
        {},
      ),
      wrong: trusted.slice(0, 10),
    });
    expect(trusted).toEqual([]);
    expect(written).toEqual([]);
    expect(started).toEqual([]);
  });
});
