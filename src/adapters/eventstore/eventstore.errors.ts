import { FlashError } from '../../domain/errors';

/** Stable codes for a ledger that cannot be used as it is. Never renamed or reused. */
export type LedgerErrorCode =
  | 'LEDGER_CONFIG_INVALID'
  | 'LEDGER_DIR_UNWRITABLE'
  | 'LEDGER_CORRUPT'
  | 'LEDGER_TAMPERED'
  | 'LEDGER_SHRUNK'
  | 'LEDGER_FOREIGN_DATABASE'
  | 'LEDGER_SCHEMA_TOO_NEW'
  | 'LEDGER_LOCKED'
  | 'LEDGER_IO_FAILED'
  | 'LEDGER_UNAVAILABLE'
  | 'LEDGER_CLOSED'
  | 'EVENT_ID_CONFLICT';

/** The ledger (file, server or setting) cannot be used; the message names it and what to do. */
export class LedgerError extends FlashError {
  declare readonly code: LedgerErrorCode;

  constructor(
    code: LedgerErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, options);
  }
}

/** Something outside the ledger that remembers more of it than the ledger holds. */
export interface LedgerWitness {
  /** The file (or place) that remembers. */
  file: string;
  /** What it remembers, for the message: `position 42`, `3 endpoint(s) deployed from it`. */
  remembers: string;
  /** The position the ledger must reach for the witness to be right (1: "some event"). */
  position: bigint;
  /** How to start over on purpose, when the events are lost for good. */
  startOver: string;
}

/**
 * The ledger holds fewer events than a witness (the views, the local cloud) saw it hold: it was
 * emptied, truncated or replaced. Serving it would rewrite history (a deploy would provision again,
 * orphaning what the lost events created).
 */
export function ledgerShrunk(ledger: string, head: bigint | undefined, witness: LedgerWitness): LedgerError {
  const holds =
    head === undefined
      ? `ends before position ${witness.position}`
      : head === 0n
        ? 'holds no events'
        : `ends at position ${head}`;
  return new LedgerError(
    'LEDGER_SHRUNK',
    `the ledger ${ledger} ${holds} but ${witness.file} remembers ${witness.remembers}: the ledger lost events (emptied, truncated or replaced) and nothing was written to it; restore it from a backup, or, to start over without those events, ${witness.startOver}`,
    {
      details: {
        file: ledger,
        ...(head !== undefined ? { head: head.toString() } : {}),
        witness: witness.file,
        remembered: witness.position.toString(),
      },
    },
  );
}
