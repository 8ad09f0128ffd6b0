import type Database from 'better-sqlite3';
import { ValidationFailed } from '../../../domain/errors';
import { LedgerError } from '../eventstore.errors';
import type {
  AppendOptions,
  AppendResult,
  CheckpointStore,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../eventstore.port';
import { prepareEvents, streamNameSchema } from '../new-event.schema';
import { SqliteAppender } from './sqlite-append';
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

/**
 * The embedded ledger: one SQLite file in WAL mode, one transaction per append, each event chained to
 * the one before it by a hash (`flash ledger verify` checks them all; open checks the last ones).
 */
export class SqliteEventStore implements EventStore {
  readonly location: string;
  readonly checkpoints: CheckpointStore;
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private readonly pollIntervalMs: number;
  private readonly waiters = new Set<() => void>();
  private readonly statements: Record<'all' | 'after' | 'fwd' | 'back', Statement>;
  private readonly appender: SqliteAppender;
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
    this.appender = new SqliteAppender(this.db, file, this.now);
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
    const result = this.appender.append(stream, prepared, expected);
    for (const wake of this.waiters) wake();
    return result;
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
