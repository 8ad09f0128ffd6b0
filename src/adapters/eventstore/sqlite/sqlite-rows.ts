import { LedgerError } from '../eventstore.errors';
import type { RecordedEvent } from '../eventstore.port';

/** Column order shared by every SELECT, so rows can be read as arrays (faster than objects). */
export const EVENT_COLUMNS =
  'position, id, stream, revision, type, data, correlation_id, causation_id, actor, schema_version, recorded_at';

export type EventRow = [
  number,
  string,
  string,
  number,
  string,
  string,
  string,
  string,
  string,
  number,
  string,
];

export function decodeRow(row: EventRow, file: string): RecordedEvent {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(row[5]) as Record<string, unknown>;
  } catch (error) {
    throw new LedgerError(
      'LEDGER_CORRUPT',
      `event at position ${row[0]} in ${file} holds data that is not JSON: restore the ledger from a backup`,
      { cause: error, details: { file, position: row[0] } },
    );
  }
  return {
    id: row[1],
    type: row[4],
    data,
    metadata: { correlationId: row[6], causationId: row[7], actor: row[8], schemaVersion: row[9] },
    stream: row[2],
    revision: BigInt(row[3]),
    position: BigInt(row[0]),
    recordedAt: row[10],
  };
}
