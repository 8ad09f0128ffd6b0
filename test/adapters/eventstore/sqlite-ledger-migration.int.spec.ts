import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { LedgerError } from '../../../src/adapters/eventstore/eventstore.errors';
import { SqliteEventStore } from '../../../src/adapters/eventstore/sqlite/sqlite-event-store';
import { verifySqliteLedger } from '../../../src/adapters/eventstore/sqlite/sqlite-verify';
import { runLedgerChild, tempDir } from '../../support/ledger-processes';
import { fileHash, overwriteMiddlePage, writeSchemaOneLedger } from './ledger-damage';

const pragma = (file: string, name: string): unknown => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma(name, { simple: true });
  } finally {
    db.close();
  }
};

const oldEvents = (count: number, stream = 'deployment-old') =>
  Array.from({ length: count }, (_, i) => ({
    stream,
    type: 'EndpointProvisioned',
    data: { n: i, note: 'y'.repeat(300) },
  }));

describe('a schema-1 ledger (no hash column)', () => {
  it('is migrated on open in one step: schema 2, every event hashed, the same events, appends chained on', async () => {
    const file = join(tempDir(), 'ledger.db');
    writeSchemaOneLedger(file, oldEvents(25));
    const v1 = new Database(file, { readonly: true });
    const before = v1.prepare('SELECT * FROM events ORDER BY position').all();
    v1.close();

    const store = new SqliteEventStore(file);
    expect(pragma(file, 'user_version')).toBe(2);
    const all = await store.readAll();
    expect(all.map((e) => e.data.n)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    await store.append(
      'deployment-old',
      [{ type: 'EndpointRemoved', data: {}, metadata: { actor: 'user:new' } }],
      {
        expectedRevision: 24n,
      },
    );
    await store.close();

    const v2 = new Database(file, { readonly: true });
    const after = v2.prepare('SELECT * FROM events WHERE position <= 25 ORDER BY position').all();
    v2.close();
    expect(after.map((row) => ({ ...(row as Record<string, unknown>), hash: undefined }))).toEqual(
      before.map((row) => ({ ...(row as Record<string, unknown>), hash: undefined })),
    );
    expect(verifySqliteLedger(file)).toEqual({ ok: true, events: 26 });
    // still append-only after the migration lifted the trigger for the hashes
    const raw = new Database(file);
    expect(() => raw.exec("UPDATE events SET type = 'X'")).toThrow(/append-only/);
    raw.close();
  });

  it('is migrated once when several processes open it at the same time', async () => {
    const file = join(tempDir(), 'ledger.db');
    writeSchemaOneLedger(file, oldEvents(200));
    const startAt = Date.now() + 1500;
    await Promise.all(
      ['a', 'b', 'c'].map((writer) =>
        runLedgerChild({
          ledger: `sqlite:${file}`,
          mode: 'any',
          stream: `environment-${randomUUID()}`,
          count: 5,
          startAt: startAt,
          writer,
        }),
      ),
    );
    expect(verifySqliteLedger(file)).toEqual({ ok: true, events: 215 });
  });

  it('that is damaged is refused with LEDGER_CORRUPT and not migrated', async () => {
    const file = join(tempDir(), 'ledger.db');
    writeSchemaOneLedger(file, oldEvents(300));
    overwriteMiddlePage(file);
    const damaged = fileHash(file);
    const error: unknown = await (async () => new SqliteEventStore(file))().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).code).toBe('LEDGER_CORRUPT');
    expect(fileHash(file)).toBe(damaged);
    expect(pragma(file, 'user_version')).toBe(1);
  });

  it('keeps refusing a ledger from a newer flash-ledger with LEDGER_SCHEMA_TOO_NEW', async () => {
    const file = join(tempDir(), 'ledger.db');
    await new SqliteEventStore(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 3');
    raw.close();
    const error: unknown = await (async () => new SqliteEventStore(file))().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as LedgerError).code).toBe('LEDGER_SCHEMA_TOO_NEW');
    expect((error as LedgerError).message).toContain('this one reads 2');
  });
});
