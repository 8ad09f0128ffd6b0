import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerError } from '../../../src/adapters/eventstore/eventstore.errors';
import type { NewEvent } from '../../../src/adapters/eventstore/eventstore.port';
import { openLedgerDatabase } from '../../../src/adapters/eventstore/sqlite/sqlite-database';
import { SqliteEventStore } from '../../../src/adapters/eventstore/sqlite/sqlite-event-store';
import { runLedgerChild, startLedgerChild, tempDir } from '../../support/ledger-processes';

const ev = (type: string, id?: string): NewEvent => ({
  ...(id ? { id } : {}),
  type,
  data: {},
  metadata: { actor: 'user:test' },
});
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function ledgerError(run: () => unknown): LedgerError {
  try {
    run();
  } catch (error) {
    if (error instanceof LedgerError) return error;
    throw error;
  }
  throw new Error('expected a LedgerError');
}

async function rejection(promise: Promise<unknown>): Promise<LedgerError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof LedgerError) return error;
  throw new Error(`expected a LedgerError, got ${String(error)}`);
}

describe('the embedded ledger file', () => {
  it('is created with its directories, in WAL mode with synchronous=FULL by default', () => {
    const file = join(tempDir(), 'nested', 'home', 'ledger.db');
    const db = openLedgerDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    db.close();
    const relaxed = openLedgerDatabase(file, { durability: 'normal' });
    expect(relaxed.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    relaxed.close();
  });

  it('refuses a corrupt or non-SQLite file with LEDGER_CORRUPT and leaves it untouched', () => {
    const file = join(tempDir(), 'ledger.db');
    writeFileSync(file, Buffer.alloc(8192, 'this is not a database '));
    const before = sha(file);
    const error = ledgerError(() => new SqliteEventStore(file));
    expect(error.code).toBe('LEDGER_CORRUPT');
    expect(error.message).toContain(file);
    expect(error.message).toContain('move it aside');
    expect(sha(file)).toBe(before);
  });

  it('refuses a foreign SQLite database with LEDGER_FOREIGN_DATABASE and leaves it untouched', () => {
    const file = join(tempDir(), 'app.db');
    const foreign = new Database(file);
    foreign.exec("CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('ada')");
    foreign.close();
    const before = sha(file);
    const error = ledgerError(() => new SqliteEventStore(file));
    expect(error.code).toBe('LEDGER_FOREIGN_DATABASE');
    expect(error.message).toContain(file);
    expect(sha(file)).toBe(before);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('refuses a ledger written by a newer schema with LEDGER_SCHEMA_TOO_NEW', async () => {
    const file = join(tempDir(), 'ledger.db');
    await new SqliteEventStore(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(ledgerError(() => new SqliteEventStore(file)).code).toBe('LEDGER_SCHEMA_TOO_NEW');
  });

  it('reports a directory it cannot create with LEDGER_DIR_UNWRITABLE naming it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plain-file'), 'x');
    const error = ledgerError(() => new SqliteEventStore(join(dir, 'plain-file', 'home', 'ledger.db')));
    expect(error.code).toBe('LEDGER_DIR_UNWRITABLE');
    expect(error.message).toContain(join(dir, 'plain-file', 'home'));
    expect(error.message).toContain('FLASH_HOME');
  });

  it('reports a ledger path that is a directory with LEDGER_CONFIG_INVALID', () => {
    const dir = join(tempDir(), 'ledger.db');
    mkdirSync(dir);
    expect(ledgerError(() => new SqliteEventStore(dir)).code).toBe('LEDGER_CONFIG_INVALID');
  });

  it('reports a ledger locked by another writer with LEDGER_LOCKED, and writes nothing until it is free', async () => {
    const file = join(tempDir(), 'ledger.db');
    const store = new SqliteEventStore(file, { busyTimeoutMs: 100 });
    const s = `deployment-${randomUUID()}`;
    await store.append(s, [ev('A')], { expectedRevision: 'no_stream' });
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    const error = await rejection(store.append(s, [ev('B'), ev('C')], { expectedRevision: 0n }));
    expect(error.code).toBe('LEDGER_LOCKED');
    expect(error.message).toContain(file);
    holder.exec('ROLLBACK');
    holder.close();
    expect((await store.read(s)).map((e) => e.type)).toEqual(['A']);
    await store.append(s, [ev('B'), ev('C')], { expectedRevision: 0n });
    expect((await store.read(s)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
    await store.close();
  });

  it('is append-only: the file refuses updates and deletes of events', async () => {
    const file = join(tempDir(), 'ledger.db');
    const store = new SqliteEventStore(file);
    await store.append(`deployment-${randomUUID()}`, [ev('A')], { expectedRevision: 'any' });
    await store.close();
    const raw = new Database(file);
    expect(() => raw.exec("UPDATE events SET type = 'B'")).toThrow(/append-only/);
    expect(() => raw.exec('DELETE FROM events')).toThrow(/append-only/);
    raw.close();
  });

  it('reports an event whose stored data is not JSON with LEDGER_CORRUPT naming its position', async () => {
    const file = join(tempDir(), 'ledger.db');
    const store = new SqliteEventStore(file);
    const s = `deployment-${randomUUID()}`;
    const raw = new Database(file);
    raw
      .prepare(
        `INSERT INTO events (id, stream, revision, type, data, correlation_id, causation_id, actor, schema_version, recorded_at)
         VALUES (?, ?, 0, 'A', '{broken', 'c', 'c', 'x', 1, '2026-01-01T00:00:00Z')`,
      )
      .run(randomUUID(), s);
    raw.close();
    const error = await rejection(store.read(s));
    expect(error.code).toBe('LEDGER_CORRUPT');
    expect(error.message).toContain('position 1');
    await store.close();
  });

  it('answers LEDGER_CLOSED after close', async () => {
    const store = new SqliteEventStore(join(tempDir(), 'ledger.db'));
    await store.close();
    expect((await rejection(store.read('deployment-x'))).code).toBe('LEDGER_CLOSED');
  });
});

describe('the embedded ledger under load', () => {
  it('refuses to reuse an event id in another append with EVENT_ID_CONFLICT and writes nothing', async () => {
    const store = new SqliteEventStore(join(tempDir(), 'ledger.db'));
    const id = randomUUID();
    const s = `deployment-${randomUUID()}`;
    await store.append(s, [ev('A', id)], { expectedRevision: 'no_stream' });
    expect(
      (
        await rejection(
          store.append(`deployment-${randomUUID()}`, [ev('A', id)], { expectedRevision: 'any' }),
        )
      ).code,
    ).toBe('EVENT_ID_CONFLICT');
    expect((await rejection(store.append(s, [ev('B'), ev('C', id)], { expectedRevision: 0n }))).code).toBe(
      'EVENT_ID_CONFLICT',
    );
    expect((await rejection(store.append(s, [ev('A', id), ev('D')], { expectedRevision: 0n }))).code).toBe(
      'EVENT_ID_CONFLICT',
    );
    expect((await store.read(s)).map((e) => e.type)).toEqual(['A']);
    await store.close();
  });

  it('keeps the global position gap-free across processes and rejected appends', async () => {
    const file = join(tempDir(), 'ledger.db');
    const store = new SqliteEventStore(file);
    const startAt = Date.now() + 1500;
    const s = `deployment-${randomUUID()}`;
    const contend = (writer: string) =>
      runLedgerChild({ ledger: `sqlite:${file}`, mode: 'contend', stream: s, count: 30, startAt, writer });
    await Promise.all([
      contend('a'),
      contend('b'),
      runLedgerChild({
        ledger: `sqlite:${file}`,
        mode: 'any',
        stream: `environment-${randomUUID()}`,
        count: 30,
        startAt,
        writer: 'c',
      }),
    ]);
    const all = await store.readAll({ limit: 10_000 });
    expect(all.map((e) => e.position)).toEqual(Array.from({ length: 60 }, (_, i) => BigInt(i + 1)));
    await store.close();
  });

  it('keeps every acknowledged append when the writing process is killed', async () => {
    const file = join(tempDir(), 'ledger.db');
    const s = `deployment-${randomUUID()}`;
    const child = startLedgerChild({
      ledger: `sqlite:${file}`,
      mode: 'ack',
      stream: s,
      count: 100_000,
      startAt: 0,
      writer: 'w',
    });
    const acked: number[] = [];
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.stdout?.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) acked.push((JSON.parse(line) as { acked: number }).acked);
        if (acked.length >= 200 && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('close', () => resolve());
    });
    if (child.exitCode === null && child.signalCode === null)
      await new Promise((r) => child.once('close', r));
    const store = new SqliteEventStore(file);
    const stored = (await store.read(s)).map((e) => e.data.i);
    expect(acked.length).toBeGreaterThanOrEqual(200);
    expect(stored.slice(0, acked.length)).toEqual(acked);
    await store.close();
  });
});
