import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { FlashError, ValidationFailed } from '../domain/errors';

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

const rowSchema = z.object({
  name: z.string(),
  position: z.string().regex(/^\d+$/).nullable(),
  body: z.string(),
});

/** The views file: one JSON row per view with its position, each save one transaction (WAL). */
export class ViewTable {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement<[string, string | null, string]>;
  private readonly saveAll: Database.Transaction<(views: readonly StoredView[]) => void>;

  constructor(readonly file: string) {
    try {
      if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(SCHEMA);
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

  /** Every stored view by name. The file is a boundary: rows are parsed, bodies are JSON. */
  load(): Map<string, StoredView> {
    const views = new Map<string, StoredView>();
    for (const raw of this.db.prepare('SELECT name, position, body FROM views').all()) {
      const row = rowSchema.safeParse(raw);
      if (!row.success)
        throw new ValidationFailed(
          `a row of the projection views at ${this.file} is damaged: delete the file and run \`flash projections rebuild\``,
          row.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        );
      const { name, position, body } = row.data;
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
