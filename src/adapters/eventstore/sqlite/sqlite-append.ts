import type Database from 'better-sqlite3';
import { ConcurrencyConflict } from '../../../domain/errors';
import { LedgerError } from '../eventstore.errors';
import type { AppendResult, ExpectedRevision } from '../eventstore.port';
import type { PreparedEvent } from '../new-event.schema';
import { chainHash, type ChainRow } from './sqlite-chain';
import { translateSqliteError } from './sqlite-errors';
import { checkTail, ledgerTampered } from './sqlite-integrity';
import { EVENT_COLUMNS, type EventRow } from './sqlite-rows';

type Statement = Database.Statement<unknown[], unknown>;
type Prior = { stream: string; revision: number; position: number };

function describe(expected: ExpectedRevision): string {
  return typeof expected === 'bigint' ? expected.toString() : expected;
}

/**
 * Appends in one immediate transaction (the write lock, shared by every process on the file): checks
 * the expected revision, checks that the last stored event matches its hash, and chains each new event
 * to the one before it. Nothing is written when any check fails.
 */
export class SqliteAppender {
  private readonly statements: Record<'byId' | 'head' | 'tail' | 'insert', Statement>;
  private readonly tx: Database.Transaction<
    (stream: string, events: PreparedEvent[], expected: ExpectedRevision) => AppendResult
  >;

  constructor(
    db: Database.Database,
    private readonly file: string,
    private readonly now: () => Date,
  ) {
    this.statements = {
      byId: db.prepare('SELECT stream, revision, position FROM events WHERE id = ?'),
      head: db.prepare('SELECT max(revision) FROM events WHERE stream = ?').pluck(),
      tail: db.prepare(`SELECT ${EVENT_COLUMNS}, hash FROM events ORDER BY position DESC LIMIT 2`).raw(true),
      insert: db.prepare(
        `INSERT INTO events (position, id, stream, revision, type, data, correlation_id, causation_id, actor, schema_version, recorded_at, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
    this.tx = db.transaction((stream, events, expected) => this.inTransaction(stream, events, expected));
  }

  append(stream: string, events: PreparedEvent[], expected: ExpectedRevision): AppendResult {
    try {
      return this.tx.immediate(stream, events, expected);
    } catch (error) {
      throw this.translate(error, stream, events);
    }
  }

  private inTransaction(stream: string, events: PreparedEvent[], expected: ExpectedRevision): AppendResult {
    const first = events[0];
    const prior = first && (this.statements.byId.get(first.id) as Prior | undefined);
    if (prior) return this.replayed(stream, events, prior);
    const head = this.statements.head.get(stream) as number | null;
    const current = head === null ? undefined : BigInt(head);
    if (
      (expected === 'no_stream' && current !== undefined) ||
      (expected === 'stream_exists' && current === undefined) ||
      (typeof expected === 'bigint' && expected !== current)
    ) {
      throw new ConcurrencyConflict(stream, describe(expected), current?.toString() ?? 'no_stream');
    }
    const tail = checkTail((this.statements.tail.all() as ChainRow[]).reverse(), 1);
    if ('why' in tail) throw ledgerTampered(this.file, tail);
    const recordedAt = this.now().toISOString();
    let { position, hash } = tail;
    let revision = head ?? -1;
    for (const e of events) {
      position += 1;
      revision += 1;
      const m = e.metadata;
      const row: EventRow = [
        position,
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
      ];
      hash = chainHash(hash, row);
      this.statements.insert.run(...row, hash);
    }
    return { nextRevision: BigInt(revision), position: BigInt(position) };
  }

  /** The same ids appended before: answer as the first time, write nothing. */
  private replayed(stream: string, events: PreparedEvent[], prior: Prior): AppendResult {
    let last = prior;
    for (let i = 1; i < events.length; i++) {
      const row = this.statements.byId.get(events[i]?.id) as Prior | undefined;
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

  private translate(error: unknown, stream: string, events: PreparedEvent[]): unknown {
    const code =
      typeof error === 'object' && error !== null && 'code' in error
        ? (error as { code: unknown }).code
        : undefined;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' && String((error as Error).message).includes('events.id')) {
      const clash = events.find((e) => this.statements.byId.get(e.id) !== undefined);
      return this.idConflict(stream, clash?.id ?? events[0]?.id ?? '');
    }
    return translateSqliteError(error, this.file);
  }
}
