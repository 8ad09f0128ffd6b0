import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { LedgerError } from '../../../src/adapters/eventstore/eventstore.errors';
import { ValidationFailed } from '../../../src/domain/errors';
import type { NewEvent } from '../../../src/adapters/eventstore/eventstore.port';
import { chainHash, GENESIS_HASH } from '../../../src/adapters/eventstore/sqlite/sqlite-chain';
import { SqliteEventStore } from '../../../src/adapters/eventstore/sqlite/sqlite-event-store';
import type { EventRow } from '../../../src/adapters/eventstore/sqlite/sqlite-rows';
import { verifySqliteLedger } from '../../../src/adapters/eventstore/sqlite/sqlite-verify';
import { Ledger } from '../../../src/ledger/ledger';
import { runLedgerChild, tempDir } from '../../support/ledger-processes';
import { editThroughSql, fileHash, flipByteOf, overwriteMiddlePage } from './ledger-damage';

const ev = (marker: string): NewEvent => ({
  type: 'EndpointProvisioned',
  data: { marker, url: `http://127.0.0.1:7711/v2/${marker}`, note: 'x'.repeat(200) },
  metadata: { actor: 'user:test' },
});

/** A closed ledger of `count` events in one stream, each with data marker `event-<n>-Z` (n = position). */
async function ledgerOf(count: number, dir = tempDir()): Promise<string> {
  const file = join(dir, 'ledger.db');
  const store = new SqliteEventStore(file);
  const stream = `deployment-${randomUUID()}`;
  for (let n = 1; n <= count; n++)
    await store.append(stream, [ev(`event-${n}-Z`)], { expectedRevision: 'any' });
  await store.close();
  return file;
}

async function failure(run: () => unknown): Promise<LedgerError> {
  const error: unknown = await (async () => run())().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof LedgerError) return error;
  throw new Error(`expected a LedgerError, got ${String(error)}`);
}

const countOf = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return Number(db.prepare('SELECT count(*) FROM events').pluck().get());
  } finally {
    db.close();
  }
};

describe('the hash chain of the embedded ledger', () => {
  it('chains every event to the one before it: sha256(previous hash, the stored fields as JSON)', async () => {
    const file = await ledgerOf(3);
    const db = new Database(file, { readonly: true });
    const rows = db
      .prepare(
        'SELECT position, id, stream, revision, type, data, correlation_id, causation_id, actor, schema_version, recorded_at, hash FROM events ORDER BY position',
      )
      .raw(true)
      .all() as [...EventRow, Buffer][];
    db.close();
    let previous = GENESIS_HASH;
    for (const row of rows) {
      const [position, id, stream, revision, type, data, correlation, causation, actor, version, at] = row;
      const json = JSON.stringify([
        position,
        id,
        stream,
        revision,
        type,
        data,
        [correlation, causation, actor, version],
        at,
      ]);
      const expected = chainHash(previous, row.slice(0, 11) as EventRow);
      expect(row[11]).toEqual(expected);
      expect(expected.toString('hex')).toBe(createHash('sha256').update(previous).update(json).digest('hex'));
      previous = expected;
    }
    expect(verifySqliteLedger(file)).toEqual({ ok: true, events: 3 });
  });

  it('one flipped byte in an event’s data: verify names its position, open and the deploy path refuse, nothing is written', async () => {
    const home = tempDir();
    const file = await ledgerOf(40, home);
    flipByteOf(file, 'event-31-Z');
    const damaged = fileHash(file);

    const verdict = verifySqliteLedger(file);
    expect(verdict).toMatchObject({ ok: false, events: 30, firstBadPosition: 31 });
    expect(verdict.ok === false && verdict.error.code).toBe('LEDGER_TAMPERED');

    const refused = await failure(() => new SqliteEventStore(file));
    expect(refused.code).toBe('LEDGER_TAMPERED');
    expect(refused.message).toContain('position 31');
    expect(refused.message).toContain(file);
    expect(refused.message).toContain('flash ledger verify');

    const saved = process.env.FLASH_HOME;
    process.env.FLASH_HOME = home; // `flash deploy` opens the ledger this way before it appends
    try {
      expect((await failure(() => Ledger.open())).code).toBe('LEDGER_TAMPERED');
    } finally {
      if (saved === undefined) delete process.env.FLASH_HOME;
      else process.env.FLASH_HOME = saved;
    }
    expect(fileHash(file)).toBe(damaged);
    expect(countOf(file)).toBe(40);
  });

  it('a row edited through SQL with the triggers dropped: verify and open name it, an open store refuses to append after it', async () => {
    const file = await ledgerOf(10);
    const store = new SqliteEventStore(file);
    editThroughSql(
      file,
      "UPDATE events SET data = json_set(data, '$.url', 'http://evil.example') WHERE position = 10",
    );
    const append = await failure(() =>
      store.append(`deployment-${randomUUID()}`, [ev('after-Z')], { expectedRevision: 'any' }),
    );
    expect(append.code).toBe('LEDGER_TAMPERED');
    expect(append.message).toContain('position 10');
    await store.close();
    expect(countOf(file)).toBe(10);
    expect(verifySqliteLedger(file)).toMatchObject({ ok: false, events: 9, firstBadPosition: 10 });
    expect((await failure(() => new SqliteEventStore(file))).code).toBe('LEDGER_TAMPERED');
  });

  it('a row deleted, or its hash recomputed without the ones after it, breaks the chain at that position', async () => {
    const deleted = await ledgerOf(12);
    editThroughSql(deleted, 'DELETE FROM events WHERE position = 5');
    const gap = verifySqliteLedger(deleted);
    expect(gap).toMatchObject({ ok: false, events: 4, firstBadPosition: 5 });
    expect(gap.ok === false && gap.error.message).toContain('missing');

    const rehashed = await ledgerOf(12);
    editThroughSql(
      rehashed,
      "UPDATE events SET type = 'EndpointRemoved', hash = randomblob(32) WHERE position = 3",
    );
    expect(verifySqliteLedger(rehashed)).toMatchObject({ ok: false, events: 2, firstBadPosition: 3 });
  });

  it('4 KB of noise over a middle page: open refuses with LEDGER_CORRUPT and leaves the file as it is; verify reports it', async () => {
    const file = await ledgerOf(300);
    overwriteMiddlePage(file);
    const damaged = fileHash(file);
    const refused = await failure(() => new SqliteEventStore(file));
    expect(refused.code).toBe('LEDGER_CORRUPT');
    expect(refused.message).toContain(file);
    expect(refused.message).toContain('restore');
    expect(fileHash(file)).toBe(damaged);
    const verdict = verifySqliteLedger(file);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok === false && verdict.error.code).toBe('LEDGER_CORRUPT');
    expect(fileHash(file)).toBe(damaged);
  });

  it('refuses metadata holding a lone surrogate, which SQLite would store mangled and the hash would not read back', async () => {
    const file = join(tempDir(), 'ledger.db');
    const store = new SqliteEventStore(file);
    const error: unknown = await store
      .append(
        `deployment-${randomUUID()}`,
        [{ type: 'A', data: { ok: '\ud800 in data is escaped' }, metadata: { actor: 'user:\ud800' } }],
        {
          expectedRevision: 'any',
        },
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ValidationFailed);
    await store.append(
      `deployment-${randomUUID()}`,
      [{ type: 'A', data: { s: '\ud800 😀 \u0000' }, metadata: { actor: 'user:ünïcode 😀' } }],
      {
        expectedRevision: 'any',
      },
    );
    await store.close();
    expect(verifySqliteLedger(file)).toEqual({ ok: true, events: 1 });
    await new SqliteEventStore(file).close();
  });

  it('stays one valid chain when several processes append to the file at once', async () => {
    const file = join(tempDir(), 'ledger.db');
    const startAt = Date.now() + 1500;
    const shared = `deployment-${randomUUID()}`;
    const job = (writer: string, mode: 'contend' | 'any', stream: string) =>
      runLedgerChild({ ledger: `sqlite:${file}`, mode, stream, count: 25, startAt, writer });
    await Promise.all([
      job('a', 'contend', shared),
      job('b', 'contend', shared),
      job('c', 'any', `environment-${randomUUID()}`),
      job('d', 'any', `environment-${randomUUID()}`),
    ]);
    const verdict = verifySqliteLedger(file);
    expect(verdict).toEqual({ ok: true, events: countOf(file) });
    expect(countOf(file)).toBe(25 + 25 + 25);
  });
});
