import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirectory } from '../eventstore/sqlite/make-directory';
import { keepPrivate, withSidecars } from '../eventstore/sqlite/private-files';
import { FlashError, ValidationFailed } from '../../domain/errors';

/** One stored view and the ledger position of the last event applied to it (undefined: none yet). */
export interface StoredView {
  name: string;
  position: bigint | undefined;
  body: unknown;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS views (
  name TEXT PRIMARY KEY,
  position TEXT,
  body TEXT NOT NULL
) STRICT;
`;

interface ViewRow {
  name: string;
  position: string | null;
  body: string;
}

/**
 * A row as this file stores it. Checked by hand rather than with zod: commands that only read views
 * (`flash history`) would otherwise pay zod's start-up for three fields.
 */
function isViewRow(raw: unknown): raw is ViewRow {
  if (typeof raw !== 'object' || raw === null) return false;
  const { name, position, body } = raw as Record<string, unknown>;
  return (
    typeof name === 'string' &&
    typeof body === 'string' &&
    (position === null || (typeof position === 'string' && /^\d+$/.test(position)))
  );
}

/**
 * The views file: one JSON row per view with its position, each save one transaction (WAL). The file
 * and its WAL files are private to the user (0600); a looser mode found at open is tightened with a
 * one-line warning (`warn`, default stderr).
 */
export class ViewTable {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement<[string, string | null, string]>;
  private readonly saveAll: Database.Transaction<(views: readonly StoredView[]) => void>;

  constructor(
    readonly file: string,
    warn?: (line: string) => void,
  ) {
    try {
      const onDisk = file !== ':memory:';
      const fresh = new Set(onDisk ? withSidecars(file).filter((f) => !existsSync(f)) : []);
      if (onDisk) makeDirectory(dirname(file));
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(SCHEMA);
      if (onDisk) keepPrivate({ files: withSidecars(file) }, warn, fresh);
    } catch (error) {
      throw new FlashError(
        'VIEW_STORE_UNAVAILABLE',
        `cannot open the projection views at ${file}: ${error instanceof Error ? error.message : String(error)}; check the path is a writable file, or delete it and run \`flash projections rebuild\``,
        { cause: error, details: { file } },
      );
    }
    this.upsert = this.db.prepare(
      `INSERT INTO views (name, position, body) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, body = excluded.body`,
    );
    this.saveAll = this.db.transaction((views: readonly StoredView[]) => {
      for (const v of views) this.upsert.run(v.name, v.position?.toString() ?? null, JSON.stringify(v.body));
    });
  }

  /** Every stored view by name, or only those named. The file is a boundary: rows are checked, bodies are JSON. */
  load(names?: readonly string[]): Map<string, StoredView> {
    const views = new Map<string, StoredView>();
    if (names?.length === 0) return views;
    const rows = names
      ? this.db
          .prepare(
            `SELECT name, position, body FROM views WHERE name IN (${names.map(() => '?').join(', ')})`,
          )
          .all(...names)
      : this.db.prepare('SELECT name, position, body FROM views').all();
    for (const raw of rows) {
      if (!isViewRow(raw))
        throw new ValidationFailed(
          `a row of the projection views at ${this.file} is damaged: delete the file and run \`flash projections rebuild\``,
          [{ path: 'views', message: 'expected name, position (digits or null) and body (text)' }],
        );
      const { name, position, body } = raw;
      views.set(name, {
        name,
        position: position === null ? undefined : BigInt(position),
        body: this.parseBody(name, body),
      });
    }
    return views;
  }

  /** Writes all the given views and their positions, or none of them. */
  save(views: readonly StoredView[]): void {
    this.saveAll.immediate(views);
  }

  private parseBody(name: string, body: string): unknown {
    try {
      return JSON.parse(body);
    } catch (error) {
      throw new ValidationFailed(
        `the stored view ${name} at ${this.file} is not JSON: delete the file and run \`flash projections rebuild\``,
        [{ path: `${name}.body`, message: error instanceof Error ? error.message : 'not JSON' }],
        { cause: error },
      );
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
