/**
 * Ways a ledger file gets damaged, done to real files as a tester would (truncate, dd, a hex editor,
 * the sqlite3 shell), for the tamper-evidence tests.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';

/** `sha256sum`: proves a refused file was left as it was. */
export const fileHash = (file: string): string =>
  createHash('sha256').update(readFileSync(file)).digest('hex');

/** Flips one byte of the first occurrence of `marker` in the file (one letter to its neighbour). */
export function flipByteOf(file: string, marker: string): number {
  const bytes = readFileSync(file);
  const at = bytes.indexOf(Buffer.from(marker, 'utf8'));
  if (at < 0) throw new Error(`${marker} is not in ${file}`);
  const fd = openSync(file, 'r+');
  try {
    const one = Buffer.alloc(1);
    readSync(fd, one, 0, 1, at + marker.length - 1);
    one[0] = (one[0] ?? 0) ^ 0x01;
    writeSync(fd, one, 0, 1, at + marker.length - 1);
  } finally {
    closeSync(fd);
  }
  return at;
}

/** Deterministic noise: sha256 in counter mode from a seed. */
function noise(length: number, seed: string): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; out.length * 32 < length; i++)
    out.push(createHash('sha256').update(`${seed}:${i}`).digest());
  return Buffer.concat(out).subarray(0, length);
}

/** `dd` of 4 KB of noise over the page in the middle of the file. Answers the page's number (0-based). */
export function overwriteMiddlePage(file: string, seed = 'flash-ledger'): number {
  const pageSize = 4096;
  const pages = Math.floor(statSync(file).size / pageSize);
  if (pages < 4) throw new Error(`${file} has ${pages} pages: too few to have a middle one`);
  const page = Math.floor(pages / 2);
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, noise(pageSize, seed), 0, pageSize, page * pageSize);
  } finally {
    closeSync(fd);
  }
  return page;
}

/** Someone with the sqlite3 shell: drops the append-only triggers and runs `sql`. */
export function editThroughSql(file: string, sql: string, ...params: unknown[]): void {
  const db = new Database(file);
  try {
    db.exec('DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;');
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

/** The schema-1 ledger as flash-ledger 0.1 created it: no hash column, user_version 1. */
export function writeSchemaOneLedger(
  file: string,
  events: readonly { stream: string; type: string; data: Record<string, unknown> }[],
): void {
  const db = new Database(file);
  db.exec(`
CREATE TABLE events (
  position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL, revision INTEGER NOT NULL,
  type TEXT NOT NULL, data TEXT NOT NULL, correlation_id TEXT NOT NULL, causation_id TEXT NOT NULL,
  actor TEXT NOT NULL, schema_version INTEGER NOT NULL, recorded_at TEXT NOT NULL, UNIQUE (stream, revision)
) STRICT;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TABLE checkpoints (subscriber TEXT PRIMARY KEY, position INTEGER NOT NULL, updated_at TEXT NOT NULL) STRICT;
PRAGMA application_id = ${0x464c4c47};
PRAGMA user_version = 1;
PRAGMA journal_mode = WAL;`);
  const insert = db.prepare(
    `INSERT INTO events (id, stream, revision, type, data, correlation_id, causation_id, actor, schema_version, recorded_at)
     VALUES (?, ?, ?, ?, ?, 'corr', 'cause', 'user:old', 1, ?)`,
  );
  const revisions = new Map<string, number>();
  events.forEach((e, i) => {
    const revision = (revisions.get(e.stream) ?? -1) + 1;
    revisions.set(e.stream, revision);
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    insert.run(
      id,
      e.stream,
      revision,
      e.type,
      JSON.stringify(e.data),
      new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    );
  });
  db.close();
  chmodSync(file, 0o600); // as private as flash-ledger keeps it, so opening it warns of nothing
}
