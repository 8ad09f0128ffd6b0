import type Database from 'better-sqlite3';
import { ConcurrencyConflict, ValidationFailed } from '../../../domain/errors';
import { LedgerError } from '../eventstore.errors';
import type {
  AppendOptions,
  AppendResult,
  CheckpointStore,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../eventstore.port';
import { prepareEvents, type PreparedEvent, streamNameSchema } from '../new-event.schema';
import { openLedgerDatabase, type LedgerDatabaseOptions } from './sqlite-database';
import { translateSqliteError } from './sqlite-errors';
import { decodeRow, EVENT_COLUMNS, type EventRow } from './sqlite-rows';
import { pollingSubscription } from './sqlite-subscription';
import { SqliteCheckpointStore } from './sqlite-checkpoints';

export interface SqliteEventStoreOptions extends LedgerDatabaseOptions {
  /** The clock for `recordedAt`. Default: the system clock. */
  now?: () => Date;
  /** How often a live subscription looks for other processes' appends. Default 50 ms. */
  pollIntervalMs?: number;
}

type Statement = Database.Statement<unknown[], unknown>;

function describe(expected: ExpectedRevision): string {
  return typeof expected === 'bigint' ? expected.toString() : expected;
}

/** The embedded ledger: one SQLite file in WAL mode, one transaction per append. */
export class SqliteEventStore implements EventStore {
  readonly location: string;
  readonly checkpoints: CheckpointStore;
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private readonly pollIntervalMs: number;
  private readonly waiters = new Set<() => void>();
  private readonly statements: Record<
    'byId' | 'head' | 'insert' | 'all' | 'after' | 'fwd' | 'back',
    Statement
  >;
  private readonly appendTx: Database.Transaction<
    (stream: string, events: PreparedEvent[], expected: ExpectedRevision) => AppendResult
  >;
  private closed = false;

  constructor(file: string, options: SqliteEventStoreOptions = {}) {
    this.location = file;
    this.db = openLedgerDatabase(file, options);
    this.now = options.now ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    const prepare = (sql: string, raw = false): Statement => {
      const statement = this.db.prepare(sql);
      return raw ? statement.raw(true) : statement;
    };
    this.statements = {
      byId: prepare('SELECT stream, revision, position FROM events WHERE id = ?'),
      head: prepare('SELECT max(revision) FROM events WHERE stream = ?').pluck(),
      insert: prepare(
        `INSERT INTO events (id, stream, revision, type, data, correlation_id, causation_id, actor, schema_version, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      all: prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE position >= ? ORDER BY position LIMIT ?`, true),
      after: prepare(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
        true,
      ),
      fwd: prepare(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`,
        true,
      ),
      back: prepare(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
        true,
      ),
    };
    this.checkpoints = new SqliteCheckpointStore(this.db, file, this.now, () => this.assertOpen());
    this.appendTx = this.db.transaction((stream, events, expected) =>
      this.appendInTransaction(stream, events, expected),
    );
  }

  async append(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    const prepared = prepareEvents(stream, events);
    const expected = options?.expectedRevision;
    if (!(
      expected === 'any' ||
      expected === 'no_stream' ||
      expected === 'stream_exists' ||
      (typeof expected === 'bigint' && expected >= 0n)
    )) {
      throw new ValidationFailed(
        `cannot append to ${stream}: expectedRevision must be 'any', 'no_stream', 'stream_exists' or a revision >= 0`,
        [{ path: 'expectedRevision', message: 'invalid' }],
      );
    }
    let result: AppendResult;
    try {
      result = this.appendTx.immediate(stream, prepared, expected);
    } catch (error) {
      throw this.translateAppendError(error, stream, prepared);
    }
    for (const wake of this.waiters) wake();
    return result;
  }

  private appendInTransaction(
    stream: string,
    events: PreparedEvent[],
    expected: ExpectedRevision,
  ): AppendResult {
    const first = events[0];
    const prior =
      first &&
      (this.statements.byId.get(first.id) as
        { stream: string; revision: number; position: number } | undefined);
    if (prior) return this.replayedAppend(stream, events, prior);
    const head = this.statements.head.get(stream) as number | null;
    const current = head === null ? undefined : BigInt(head);
    const actual = current === undefined ? 'no_stream' : current.toString();
    if (
      (expected === 'no_stream' && current !== undefined) ||
      (expected === 'stream_exists' && current === undefined) ||
      (typeof expected === 'bigint' && expected !== current)
    ) {
      throw new ConcurrencyConflict(stream, describe(expected), actual);
    }
    const recordedAt = this.now().toISOString();
    let revision = head === null ? -1 : head;
    let position = 0;
    for (const e of events) {
      revision += 1;
      const m = e.metadata;
      const info = this.statements.insert.run(
        e.id,
        stream,
        revision,
        e.type,
        e.dataJson,
        m.correlationId,
        m.causationId,
        m.actor,
        m.schemaVersion,
        recordedAt,
      );
      position = Number(info.lastInsertRowid);
    }
    return { nextRevision: BigInt(revision), position: BigInt(position) };
  }

  /** The same ids appended before: answer as the first time, write nothing. */
  private replayedAppend(
    stream: string,
    events: PreparedEvent[],
    prior: { stream: string; revision: number; position: number },
  ): AppendResult {
    let last = prior;
    for (let i = 1; i < events.length; i++) {
      const row = this.statements.byId.get(events[i]?.id) as typeof prior | undefined;
      if (!row || row.stream !== stream || row.revision !== prior.revision + i)
        throw this.idConflict(stream, events[i]?.id ?? '');
      last = row;
    }
    if (prior.stream !== stream) throw this.idConflict(stream, events[0]?.id ?? '');
    return { nextRevision: BigInt(last.revision), position: BigInt(last.position) };
  }

  private idConflict(stream: string, id: string): LedgerError {
    return new LedgerError(
      'EVENT_ID_CONFLICT',
      `cannot append to ${stream}: event id ${id} is already in the ledger as part of another append; use fresh ids for new events and the same whole batch for a retry`,
      { details: { stream, id } },
    );
  }

  private translateAppendError(error: unknown, stream: string, events: PreparedEvent[]): unknown {
    const code =
      typeof error === 'object' && error !== null && 'code' in error
        ? (error as { code: unknown }).code
        : undefined;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' && String((error as Error).message).includes('events.id')) {
      const clash = events.find((e) => this.statements.byId.get(e.id) !== undefined);
      return this.idConflict(stream, clash?.id ?? events[0]?.id ?? '');
    }
    return translateSqliteError(error, this.location);
  }

  async read(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    if (!streamNameSchema.safeParse(stream).success) return [];
    const backwards = options.direction === 'backwards';
    const from = options.from ?? (backwards ? 'end' : 'start');
    const limit = options.limit ?? -1;
    const start = from === 'start' ? 0 : from === 'end' ? Number.MAX_SAFE_INTEGER : Number(from);
    const rows = this.query(() =>
      (backwards ? this.statements.back : this.statements.fwd).all(stream, start, limit),
    );
    return this.decode(rows);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const from =
      options.fromPosition === undefined || options.fromPosition === 'start'
        ? 0
        : Number(options.fromPosition);
    return this.decode(this.query(() => this.statements.all.all(from, options.limit ?? 1000)));
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const from =
      options.fromPosition === undefined || options.fromPosition === 'start' ? 0n : options.fromPosition;
    return pollingSubscription(
      {
        readAfter: (after, limit) =>
          this.closed ? [] : this.decode(this.query(() => this.statements.after.all(Number(after), limit))),
        waitForAppend: (ms, closedSignal) =>
          new Promise<void>((resolve) => {
            const done = (): void => {
              clearTimeout(timer);
              this.waiters.delete(done);
              resolve();
            };
            const timer = setTimeout(done, ms);
            this.waiters.add(done);
            void closedSignal.then(done);
          }),
      },
      from,
      this.pollIntervalMs,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of this.waiters) wake();
    this.db.close();
  }

  private query(run: () => unknown[]): EventRow[] {
    try {
      return run() as EventRow[];
    } catch (error) {
      throw translateSqliteError(error, this.location);
    }
  }

  private decode(rows: EventRow[]): RecordedEvent[] {
    const out = new Array<RecordedEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = decodeRow(rows[i] as EventRow, this.location);
    return out;
  }

  private assertOpen(): void {
    if (this.closed)
      throw new LedgerError('LEDGER_CLOSED', `the ledger ${this.location} was closed: open it again`);
  }
}
