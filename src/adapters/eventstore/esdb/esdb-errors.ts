import {
  AccessDeniedError,
  DeadlineExceededError,
  NotLeaderError,
  UnavailableError,
} from '@eventstore/db-client';
import { LedgerError } from '../eventstore.errors';

/** Turns an EventStoreDB client error into the ledger's stable codes, naming the server and what to do. */
export function translateEsdbError(error: unknown, location: string): unknown {
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof NotLeaderError
  ) {
    return new LedgerError(
      'LEDGER_UNAVAILABLE',
      `EventStoreDB at ${location} did not answer: start it with \`docker compose up -d eventstore\`, or fix FLASH_LEDGER`,
      { cause: error, details: { location } },
    );
  }
  if (error instanceof AccessDeniedError) {
    return new LedgerError(
      'LEDGER_CONFIG_INVALID',
      `EventStoreDB at ${location} refused the credentials: put a user with write access in FLASH_LEDGER`,
      { cause: error, details: { setting: 'FLASH_LEDGER' } },
    );
  }
  return error;
}
