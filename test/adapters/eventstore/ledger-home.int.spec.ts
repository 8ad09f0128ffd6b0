import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { LedgerError } from '../../../src/adapters/eventstore/eventstore.errors';
import { ledgerConfigFromEnv } from '../../../src/adapters/eventstore/ledger-config';
import { openEventStore } from '../../../src/adapters/eventstore/open-event-store';
import { makeDirectory } from '../../../src/adapters/eventstore/sqlite/make-directory';
import { tempDir } from '../../support/ledger-processes';

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

const childOutcome = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), code: z.string(), message: z.string() }),
]);

/**
 * Opens the configured store in its own process, as the CLI does, with a deadline: a regression to an
 * endless loop fails this test instead of hanging the test run.
 */
function openInChild(env: Record<string, string>): { outcome: z.infer<typeof childOutcome>; ms: number } {
  const script = `
const { openEventStore } = require(${JSON.stringify(OPEN_EVENT_STORE)});
openEventStore().then(
  async (store) => { console.log(JSON.stringify({ ok: true })); await store.close(); },
  (e) => console.log(JSON.stringify({ ok: false, code: String(e.code), message: String(e.message) })),
);`;
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    env: { ...process.env, FLASH_LEDGER: '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (run.error || run.status !== 0)
    throw new Error(
      `opening the store did not finish (${run.error?.message ?? `exit ${run.status}`}): ${run.stderr}`,
    );
  return { outcome: childOutcome.parse(JSON.parse(run.stdout)), ms: Date.now() - started };
}

async function openFailure(env: NodeJS.ProcessEnv): Promise<LedgerError> {
  const error: unknown = await openEventStore(ledgerConfigFromEnv(env)).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  if (error instanceof LedgerError) return error;
  throw new Error(`expected a LedgerError, got ${String(error)}`);
}

const hasProcfs = existsSync('/proc/self');
const isRoot = process.getuid?.() === 0;

describe('a FLASH_HOME the ledger cannot use fails at once, naming the setting to change', () => {
  (hasProcfs ? it : it.skip).each([`/proc/nope-${randomUUID()}`, `/proc/nope-${randomUUID()}/deeper/home`])(
    'a home on a file system that refuses folders (%s), instead of spinning forever',
    (home) => {
      const { outcome, ms } = openInChild({ FLASH_HOME: home });
      expect(outcome).toEqual({
        ok: false,
        code: 'LEDGER_DIR_UNWRITABLE',
        message: expect.stringContaining(`cannot use ${home} for the ledger (ENOENT`),
      });
      expect(outcome.ok === false && outcome.message).toContain('point FLASH_HOME at a writable directory');
      expect(ms).toBeLessThan(15_000);
    },
  );

  it('a home below a regular file, naming the file that is in the way', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plain-file'), 'x');
    const home = join(dir, 'plain-file', 'home');
    const error = await openFailure({ FLASH_HOME: home });
    expect(error.code).toBe('LEDGER_DIR_UNWRITABLE');
    expect(error.message).toContain(
      `cannot use ${home} for the ledger (ENOTDIR at ${join(dir, 'plain-file')})`,
    );
    expect(error.message).toContain('FLASH_HOME');
  });

  (isRoot ? it.skip : it)(
    `a home in a read-only folder${isRoot ? ' (skipped: root writes into read-only folders, so there is no refusal to see)' : ''}`,
    async () => {
      const dir = tempDir();
      mkdirSync(join(dir, 'locked'));
      chmodSync(join(dir, 'locked'), 0o555);
      try {
        const error = await openFailure({ FLASH_HOME: join(dir, 'locked', 'home') });
        expect(error.code).toBe('LEDGER_DIR_UNWRITABLE');
        expect(error.message).toContain('EACCES');
      } finally {
        chmodSync(join(dir, 'locked'), 0o755);
      }
    },
  );

  it('a usable home is still created with its missing folders', async () => {
    const home = join(tempDir(), 'a', 'b', 'home');
    const { outcome } = openInChild({ FLASH_HOME: home });
    expect(outcome).toEqual({ ok: true });
    expect(statSync(join(home, 'ledger.db')).isFile()).toBe(true);
  });
});

describe('makeDirectory', () => {
  it('creates every missing folder, and accepts one that exists', () => {
    const dir = join(tempDir(), 'x', 'y', 'z');
    makeDirectory(dir);
    makeDirectory(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it('refuses a path that is, or is below, a file, with ENOTDIR naming that file', () => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, '');
    for (const dir of [file, join(file, 'a', 'b')])
      expect(() => makeDirectory(dir)).toThrow(expect.objectContaining({ code: 'ENOTDIR', path: file }));
  });
});
