import type Database from 'better-sqlite3';
import type { CheckpointStore } from '../eventstore.port';
import { streamNameSchema } from '../new-event.schema';
import { ValidationFailed } from '../../../domain/errors';
import { translateSqliteError } from './sqlite-errors';

/** Checkpoints live in their own table, outside the event log, so saving one never feeds a subscriber. */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly get: Database.Statement<[string], unknown>;
  private readonly put: Database.Statement<[string, number, string], unknown>;

  constructor(
    db: Database.Database,
    private readonly file: string,
    private readonly now: () => Date,
    private readonly assertOpen: () => void,
  ) {
    this.get = db.prepare<[string], unknown>('SELECT position FROM checkpoints WHERE subscriber = ?').pluck();
    this.put = db.prepare<[string, number, string], unknown>(
      `INSERT INTO checkpoints (subscriber, position, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (subscriber) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
    );
  }

  async load(subscriber: string): Promise<bigint | undefined> {
    this.assertOpen();
    try {
      const position = this.get.get(subscriber);
      return typeof position === 'number' ? BigInt(position) : undefined;
    } catch (error) {
      throw translateSqliteError(error, this.file);
    }
  }

  async save(subscriber: string, position: bigint): Promise<void> {
    this.assertOpen();
    if (!streamNameSchema.safeParse(subscriber).success || position < 0n) {
      throw new ValidationFailed(
        `cannot save checkpoint ${subscriber}: a subscriber name like a stream name and a position >= 0 are required`,
        [{ path: 'subscriber', message: 'invalid' }],
      );
    }
    try {
      this.put.run(subscriber, Number(position), this.now().toISOString());
    } catch (error) {
      throw translateSqliteError(error, this.file);
    }
  }
}
