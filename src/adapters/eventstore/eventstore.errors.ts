import { FlashError } from '../../domain/errors';

/** Stable codes for a ledger that cannot be used as it is. Never renamed or reused. */
export type LedgerErrorCode =
  | 'LEDGER_CONFIG_INVALID'
  | 'LEDGER_DIR_UNWRITABLE'
  | 'LEDGER_CORRUPT'
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
