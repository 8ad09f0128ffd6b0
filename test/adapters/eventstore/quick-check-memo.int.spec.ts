import { join } from 'node:path';
import { SqliteEventStore } from '../../../src/adapters/eventstore/sqlite/sqlite-event-store';
import { rememberQuickCheckPassed } from '../../../src/adapters/eventstore/sqlite/quick-check-memo';
import { sqliteLedgerHead } from '../../../src/adapters/eventstore/sqlite/sqlite-head';
import { FlashError } from '../../../src/domain/errors';
import { succeededDeployment } from '../../projections/facts';
import { record } from '../../projections/support';
import { tempDir } from '../../support/ledger-processes';
import { overwriteMiddlePage } from './ledger-damage';

const codeOf = async (run: () => unknown): Promise<string | undefined> => {
  try {
    await run();
    return undefined;
  } catch (error) {
    return error instanceof FlashError ? error.code : String(error);
  }
};

describe("reads skip SQLite's quick_check only for a file exactly as it was when it passed one", () => {
  async function ledger(): Promise<string> {
    const file = join(tempDir('flash-memo-'), 'ledger.db');
    const store = new SqliteEventStore(file);
    for (let n = 1; n <= 30; n++)
      await record(
        store,
        succeededDeployment(
          `eeee${String(n).padStart(4, '0')}-0000-4000-8000-000000000000`,
          'shop',
          n,
          '2026-11-02T10:00:00.000Z',
        ),
      );
    await store.close();
    return file;
  }

  it('checks again after any change on disk: damage done after a passing read is refused', async () => {
    const file = await ledger();
    expect(sqliteLedgerHead(file)).toBe(330n); // passes, and is remembered
    overwriteMiddlePage(file);
    expect(await codeOf(() => sqliteLedgerHead(file))).toBe('LEDGER_CORRUPT');
  });

  it('trusts a read of an untouched file, but an open that may write always checks it', async () => {
    const file = await ledger();
    expect(sqliteLedgerHead(file)).toBe(330n);
    // damage that leaves no trace the file system shows (a bit flip of the disk): the memo still matches
    overwriteMiddlePage(file);
    rememberQuickCheckPassed(file);
    expect(await codeOf(() => sqliteLedgerHead(file))).toBeUndefined(); // a read trusts the last check
    expect(await codeOf(() => new SqliteEventStore(file))).toBe('LEDGER_CORRUPT'); // a writer never does
  });
});
