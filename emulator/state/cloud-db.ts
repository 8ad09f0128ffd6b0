import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** The local cloud's durable state: control-plane records and jobs. One SQLite file under `$FLASH_HOME/cloud`. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS records (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (kind, id)
) STRICT;
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  endpoint_id TEXT NOT NULL,
  body TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS jobs_by_endpoint ON jobs (endpoint_id);
`;

export type RecordKind = 'app' | 'environment' | 'build' | 'upload' | 'template' | 'endpoint' | 'volume';

/** Small typed helpers over two tables: control-plane records as JSON, and jobs as JSON. */
export class CloudDb {
  private readonly db: Database.Database;
  private readonly put: Database.Statement<[string, string, string]>;
  private readonly del: Database.Statement<[string, string]>;
  private readonly list: Database.Statement<[string]>;
  private readonly putJob: Database.Statement<[string, string, string]>;
  private readonly delJob: Database.Statement<[string]>;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.put = this.db.prepare(
      'INSERT INTO records (kind, id, body) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body',
    );
    this.del = this.db.prepare('DELETE FROM records WHERE kind = ? AND id = ?');
    this.list = this.db.prepare('SELECT body FROM records WHERE kind = ? ORDER BY rowid');
    this.putJob = this.db.prepare(
      'INSERT INTO jobs (id, endpoint_id, body) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body',
    );
    this.delJob = this.db.prepare('DELETE FROM jobs WHERE id = ?');
  }

  save<T extends { id: string }>(kind: RecordKind, record: T): T {
    this.put.run(kind, record.id, JSON.stringify(record));
    return record;
  }

  remove(kind: RecordKind, id: string): void {
    this.del.run(kind, id);
  }

  all<T>(kind: RecordKind): T[] {
    return (this.list.all(kind) as { body: string }[]).map((r) => JSON.parse(r.body) as T);
  }

  saveJob(job: { id: string; endpointId: string }): void {
    this.putJob.run(job.id, job.endpointId, JSON.stringify(job));
  }

  removeJob(id: string): void {
    this.delJob.run(id);
  }

  /** Runs `work` in one transaction (one commit). */
  transaction(work: () => void): void {
    this.db.transaction(work)();
  }

  allJobs<T>(): T[] {
    return (this.db.prepare('SELECT body FROM jobs ORDER BY rowid').all() as { body: string }[]).map(
      (r) => JSON.parse(r.body) as T,
    );
  }

  close(): void {
    this.db.close();
  }
}
