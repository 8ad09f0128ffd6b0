/**
 * Embedded store vs a minimal raw better-sqlite3 baseline (one connection, same durability, same table
 * and unique constraints, append = read current revision + insert in one transaction). Prints one JSON
 * object. Rounds alternate store and baseline so machine noise hits both; figures are medians.
 * The store's appends include its tamper evidence (check the last event's hash, chain each new one);
 * `open_ms` is opening the READ_EVENTS-event file (quick_check, the chain's tail, the neighbours) against
 * a bare connection, and `verify_events_per_s` is `flash ledger verify` over it. Neither has a bar.
 *
 *   npm run bench:eventstore            (BENCH_READ_EVENTS=1000000 by default)
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../src/adapters/eventstore/sqlite/sqlite-event-store';
import { verifySqliteLedger } from '../src/adapters/eventstore/sqlite/sqlite-verify';
import type { NewEvent } from '../src/adapters/eventstore/eventstore.port';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SINGLE_APPENDS = Number(process.env.BENCH_SINGLE_APPENDS ?? 1000);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 50);
const READ_EVENTS = Number(process.env.BENCH_READ_EVENTS ?? 1_000_000);
const STREAMS = 50;

const data = (i: number): Record<string, unknown> => ({
  resource: `worker_${i % 7}`,
  endpointId: `ep-${(i * 2654435761) % 1e9}`,
  url: `http://127.0.0.1:7711/v2/ep-${i}`,
  action: 'created',
  configHash: 'sha256:9f2c4e1b7a0d3c5e8f6a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abcd',
});
const newEvent = (i: number): NewEvent => ({
  type: 'EndpointProvisioned',
  data: data(i),
  metadata: { actor: 'reactor:provisioning', correlationId: 'bench', causationId: 'bench' },
});

interface Subject {
  append(stream: string, events: NewEvent[], expected: bigint | 'no_stream'): Promise<void>;
  readAllCount(pageSize: number): Promise<number>;
  close(): Promise<void>;
}

function storeSubject(file: string): Subject {
  const store = new SqliteEventStore(file);
  return {
    append: async (stream, events, expected) => {
      await store.append(stream, events, { expectedRevision: expected });
    },
    readAllCount: async (pageSize) => {
      let n = 0;
      let from = 1n;
      for (;;) {
        const page = await store.readAll({ fromPosition: from, limit: pageSize });
        n += page.length;
        if (page.length < pageSize) return n;
        from = page[page.length - 1]!.position + 1n;
      }
    },
    close: () => store.close(),
  };
}

function baselineSubject(file: string): Subject {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL,
    revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, correlation_id TEXT NOT NULL,
    causation_id TEXT NOT NULL, actor TEXT NOT NULL, schema_version INTEGER NOT NULL, recorded_at TEXT NOT NULL,
    UNIQUE (stream, revision)) STRICT`);
  const head = db.prepare('SELECT max(revision) FROM events WHERE stream = ?').pluck();
  const insert =
    db.prepare(`INSERT INTO events (id, stream, revision, type, data, correlation_id, causation_id, actor,
    schema_version, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const select = db.prepare('SELECT * FROM events WHERE position >= ? ORDER BY position LIMIT ?');
  const tx = db.transaction((stream: string, events: NewEvent[]) => {
    let revision = (head.get(stream) as number | null) ?? -1;
    const at = new Date().toISOString();
    for (const e of events) {
      revision += 1;
      insert.run(
        randomUUID(),
        stream,
        revision,
        e.type,
        JSON.stringify(e.data),
        'bench',
        'bench',
        e.metadata.actor,
        1,
        at,
      );
    }
  });
  return {
    append: async (stream, events) => tx(stream, events),
    readAllCount: async (pageSize) => {
      let n = 0;
      let from = 1;
      for (;;) {
        const rows = select.all(from, pageSize) as Record<string, string | number>[];
        for (const r of rows) {
          const envelope = {
            position: r.position,
            id: r.id,
            stream: r.stream,
            revision: r.revision,
            type: r.type,
            data: JSON.parse(String(r.data)) as unknown,
            metadata: {
              correlationId: r.correlation_id,
              causationId: r.causation_id,
              actor: r.actor,
              schemaVersion: r.schema_version,
            },
            recordedAt: r.recorded_at,
          };
          if (envelope.id === '') throw new Error('unreachable');
        }
        n += rows.length;
        if (rows.length < pageSize) return n;
        from = Number(rows[rows.length - 1]!.position) + 1;
      }
    },
    close: async () => {
      db.close();
    },
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const round = (x: number, digits = 0): number => Number(x.toFixed(digits));

/** One round of single-event durable appends over STREAMS streams, each at its exact revision. */
async function singleAppends(subject: Subject, latencies: number[]): Promise<number> {
  const revisions = new Map<string, bigint>();
  const prefix = randomUUID();
  const start = process.hrtime.bigint();
  for (let i = 0; i < SINGLE_APPENDS; i++) {
    const stream = `deployment-${prefix}-${i % STREAMS}`;
    const rev = revisions.get(stream);
    const t0 = process.hrtime.bigint();
    await subject.append(stream, [newEvent(i)], rev === undefined ? 'no_stream' : rev);
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    revisions.set(stream, (rev ?? -1n) + 1n);
  }
  return SINGLE_APPENDS / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function batchAppends(subject: Subject): Promise<number> {
  const stream = `deployment-${randomUUID()}`;
  const start = process.hrtime.bigint();
  for (let b = 0; b < BATCHES; b++) {
    const events = Array.from({ length: 100 }, (_, i) => newEvent(b * 100 + i));
    await subject.append(stream, events, b === 0 ? 'no_stream' : BigInt(b * 100 - 1));
  }
  return (BATCHES * 100) / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function fill(subject: Subject, total: number): Promise<void> {
  const stream = `deployment-${randomUUID()}`;
  for (let done = 0; done < total; done += 1000) {
    const events = Array.from({ length: Math.min(1000, total - done) }, (_, i) => newEvent(done + i));
    await subject.append(stream, events, done === 0 ? 'no_stream' : BigInt(done - 1));
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flash-bench-'));
  try {
    const subjects = {
      store: storeSubject(join(dir, 'store.db')),
      baseline: baselineSubject(join(dir, 'baseline.db')),
    };
    const names = ['store', 'baseline'] as const;
    const single = { store: [] as number[], baseline: [] as number[] };
    const batch = { store: [] as number[], baseline: [] as number[] };
    const lat = { store: [] as number[], baseline: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? names : ([...names].reverse() as (typeof names)[number][]);
      for (const n of order) single[n].push(await singleAppends(subjects[n], lat[n]));
      for (const n of order) batch[n].push(await batchAppends(subjects[n]));
    }
    for (const n of names) await subjects[n].close();

    // readAll over READ_EVENTS events: a fresh file each, filled in 1000-event appends.
    const readers = {
      store: storeSubject(join(dir, 'store-read.db')),
      baseline: baselineSubject(join(dir, 'baseline-read.db')),
    };
    for (const n of names) await fill(readers[n], READ_EVENTS);
    const read = { store: [] as number[], baseline: [] as number[] };
    for (let r = 0; r < Math.max(3, Math.ceil(ROUNDS / 2)); r++) {
      for (const n of r % 2 === 0 ? names : [...names].reverse()) {
        const start = process.hrtime.bigint();
        const count = await readers[n].readAllCount(10_000);
        if (count !== READ_EVENTS) throw new Error(`${n} read ${count} of ${READ_EVENTS} events`);
        read[n].push(count / (Number(process.hrtime.bigint() - start) / 1e9));
      }
    }
    for (const n of names) await readers[n].close();

    // what tamper evidence costs outside appends: opening a big ledger, and walking its whole chain
    const opening = { store: [] as number[], baseline: [] as number[] };
    let verifyPerS = 0;
    for (let r = 0; r < 3; r++) {
      let start = process.hrtime.bigint();
      await new SqliteEventStore(join(dir, 'store-read.db')).close();
      opening.store.push(Number(process.hrtime.bigint() - start) / 1e6);
      start = process.hrtime.bigint();
      const bare = new Database(join(dir, 'baseline-read.db'));
      bare.pragma('journal_mode = WAL');
      bare.close();
      opening.baseline.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    {
      const start = process.hrtime.bigint();
      const verdict = verifySqliteLedger(join(dir, 'store-read.db'));
      if (!verdict.ok || verdict.events !== READ_EVENTS)
        throw new Error(`verify: ${JSON.stringify(verdict)}`);
      verifyPerS = READ_EVENTS / (Number(process.hrtime.bigint() - start) / 1e9);
    }

    const figures = (n: (typeof names)[number]) => ({
      single_append_per_s: round(median(single[n])),
      batch100_events_per_s: round(median(batch[n])),
      read_all_events_per_s: round(median(read[n])),
      append_latency_ms: { p50: round(percentile(lat[n], 50), 3), p99: round(percentile(lat[n], 99), 3) },
      open_ms: round(median(opening[n]), 1),
    });
    const store = { ...figures('store'), verify_events_per_s: round(verifyPerS) };
    const baseline = figures('baseline');
    const ratio = {
      single_append: round(store.single_append_per_s / baseline.single_append_per_s, 3),
      batch100: round(store.batch100_events_per_s / baseline.batch100_events_per_s, 3),
      read_all: round(store.read_all_events_per_s / baseline.read_all_events_per_s, 3),
    };
    const bar = { single_append: 0.6, batch100: 0.5, read_all: 0.5 };
    console.log(
      JSON.stringify({
        benchmark: 'eventstore',
        node: process.version,
        sqlite: (new Database(':memory:').prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
        durability: 'WAL, synchronous=FULL',
        rounds: ROUNDS,
        single_appends_per_round: SINGLE_APPENDS,
        batch100_per_round: BATCHES,
        read_events: READ_EVENTS,
        store,
        baseline,
        ratio,
        bar,
        meets_bar:
          ratio.single_append >= bar.single_append &&
          ratio.batch100 >= bar.batch100 &&
          ratio.read_all >= bar.read_all,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
