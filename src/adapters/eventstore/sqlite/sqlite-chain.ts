import { createHash } from 'node:crypto';
import type { EventRow } from './sqlite-rows';

/** The hash the first event chains to: 32 zero bytes. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** An event row as stored (EVENT_COLUMNS order) followed by its stored `hash` (a BLOB, or null). */
export type ChainRow = [...EventRow, unknown];

/**
 * The hash of one event: sha256 over the previous event's hash (32 bytes) followed by the UTF-8 JSON
 * array `[position, id, stream, revision, type, data, [correlationId, causationId, actor,
 * schemaVersion], recordedAt]` of its stored fields (`data` is the stored JSON text, as a string).
 * Changing any stored field, or removing or reordering an event, changes every hash after it.
 */
export function chainHash(previous: Uint8Array, row: EventRow | ChainRow): Buffer {
  const [position, id, stream, revision, type, data, correlation, causation, actor, version, at] = row;
  const fields = [position, id, stream, revision, type, data, [correlation, causation, actor, version], at];
  return createHash('sha256').update(previous).update(JSON.stringify(fields), 'utf8').digest();
}

/** Where the chain breaks and why, in words for a message. */
export interface ChainBreak {
  position: number;
  why: string;
}

/** Walks stored events in position order, checking each against its stored hash. */
export class ChainCursor {
  /**
   * Starts after `position`, whose hash is `hash` (default: before the first event). The hash of the
   * event it starts after is trusted: the tail check starts from a stored one.
   */
  constructor(
    private position = 0,
    private hash: Buffer = GENESIS_HASH,
  ) {}

  /** The position of the last event that checked out. */
  get verified(): number {
    return this.position;
  }

  /** The last verified event's hash: the next event chains to it. */
  get head(): Buffer {
    return this.hash;
  }

  /** Checks the next stored event; answers where and why the chain breaks, or undefined. */
  next(row: ChainRow): ChainBreak | undefined {
    const expected = this.position + 1;
    if (row[0] !== expected)
      return { position: expected, why: `is missing (the next stored event is at position ${row[0]})` };
    const hash = chainHash(this.hash, row);
    const stored = row[11];
    if (!(stored instanceof Uint8Array))
      return { position: expected, why: 'has no hash (it was written around flash-ledger)' };
    if (!hash.equals(stored))
      return { position: expected, why: 'does not match its hash (it changed after it was written)' };
    this.position = expected;
    this.hash = hash;
    return undefined;
  }

  /** Like `next`, for a schema-1 file that holds no hashes yet: only the order is checked. */
  nextUnhashed(row: EventRow): ChainBreak | undefined {
    const expected = this.position + 1;
    if (row[0] !== expected)
      return { position: expected, why: `is missing (the next stored event is at position ${row[0]})` };
    this.position = expected;
    return undefined;
  }
}
