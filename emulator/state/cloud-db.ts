import Database from 'better-sqlite3';
import { closeSync, chmodSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
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

export type RecordKind =
  'app' | 'environment' | 'build' | 'upload' | 'template' | 'endpoint' | 'volume' | 'secret';

/** One line of the cloud's log. */
export type CloudLog = (message: string, fields?: Record<string, unknown>) => void;

export interface CloudDbOptions {
  /**
   * Where the database tells of problems it survives (a loose file mode, a job it could not write).
   * Default: a JSON line on stderr, which `flash cloud start` sends to `cloud.log`.
   */
  log?: CloudLog;
}

/** A value the database cannot hold as JSON (nested too deep for `JSON.stringify`, or not JSON at all). */
export class NotStorable extends Error {
  readonly code = 'RECORD_NOT_STORABLE';
}

/** The JSON text of a record, or NotStorable: a failed write leaves nothing half done. */
export function storedJson(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (typeof text === 'string') return text;
  } catch (error) {
    throw new NotStorable(`the record cannot be stored as JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  throw new NotStorable('the record cannot be stored as JSON: it has no JSON form');
}

/** Creates `file` empty (an empty database to SQLite) with mode 600, unless it exists. */
function createPrivately(file: string): void {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Takes group and other access away from `file` when it exists, and says so: someone may have read it. */
function makePrivate(file: string, log: CloudLog): void {
  if (process.platform === 'win32' || !existsSync(file)) return;
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  chmodSync(file, 0o600);
  log('a file of the local cloud was readable by others: it is 600 now', { file, mode: mode.toString(8) });
}

const stderrLog: CloudLog = (message, fields) =>
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'warn', message, ...fields })}\n`,
  );

/**
 * Small typed helpers over two tables: control-plane records as JSON, and jobs as JSON. The file and its
 * `-wal` and `-shm` companions are readable by their owner only: templates hold the API key of endpoints
 * that call others.
 */
export class CloudDb {
  readonly log: CloudLog;
  private readonly db: Database.Database;
  private readonly put: Database.Statement<[string, string, string]>;
  private readonly del: Database.Statement<[string, string]>;
  private readonly list: Database.Statement<[string]>;
  private readonly putJob: Database.Statement<[string, string, string]>;
  private readonly delJob: Database.Statement<[string]>;

  constructor(file: string, options: CloudDbOptions = {}) {
    this.log = options.log ?? stderrLog;
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // SQLite gives the WAL and shared-memory files the mode of the database file
    const companions = [file, `${file}-wal`, `${file}-shm`];
    for (const path of companions) makePrivate(path, this.log);
    createPrivately(file);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    for (const path of companions) makePrivate(path, this.log);
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

  /** Whether the file is still open (false after close()). */
  get open(): boolean {
    return this.db.open;
  }

  /** Writes a record; throws NotStorable (and writes nothing) when it has no JSON form. */
  save<T extends { id: string }>(kind: RecordKind, record: T): T {
    this.put.run(kind, record.id, storedJson(record));
    return record;
  }

  remove(kind: RecordKind, id: string): void {
    this.del.run(kind, id);
  }

  all<T>(kind: RecordKind): T[] {
    return (this.list.all(kind) as { body: string }[]).map((r) => JSON.parse(r.body) as T);
  }

  /** Writes a job: `body` when the caller made its JSON already, else the job's JSON (or NotStorable). */
  saveJob(job: { id: string; endpointId: string }, body = storedJson(job)): void {
    this.putJob.run(job.id, job.endpointId, body);
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
