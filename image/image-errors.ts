/**
 * An image or container-engine step failed. `code` is stable (SCREAMING_SNAKE, never renamed or
 * reused); the message says what to install or change. `src/ledger/image.ts` turns it into the ledger's
 * own error class, so the CLI reports it like any other.
 */
export class ImageError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
  }
}
