/**
 * The error classes every layer shares. Each carries a stable SCREAMING_SNAKE `code` that callers,
 * the HTTP filter and the CLI branch on; the message says what to change. Never renamed or reused.
 */
export class FlashError extends Error {
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

/** A business rule said no. */
export class DomainError extends FlashError {}

/** Input at a boundary failed its schema. `issues` lists each failing path with its reason. */
export class ValidationFailed extends FlashError {
  readonly issues: readonly { path: string; message: string }[];

  constructor(
    message: string,
    issues: readonly { path: string; message: string }[],
    options: { cause?: unknown } = {},
  ) {
    super('VALIDATION_FAILED', message, { cause: options.cause, details: { issues } });
    this.issues = issues;
  }
}

/** An append's expected revision did not match the stream. Retry the load, decide, append cycle. */
export class ConcurrencyConflict extends FlashError {
  readonly stream: string;
  readonly expected: string;
  readonly actual: string;

  constructor(stream: string, expected: string, actual: string, options: { cause?: unknown } = {}) {
    super(
      'CONCURRENCY_CONFLICT',
      `stream ${stream} was expected at revision ${expected} but is at ${actual}: reload it and decide again`,
      { cause: options.cause, details: { stream, expected, actual } },
    );
    this.stream = stream;
    this.expected = expected;
    this.actual = actual;
  }
}

/** Something named does not exist. */
export class NotFound extends FlashError {}

/** RunPod, the State Manager or another vendor failed; `cause` keeps the vendor's error. */
export class UpstreamFailed extends FlashError {}

/**
 * The `default` of a switch over a union: with every case handled its argument is `never`, so a new
 * command or event fails to compile until it gets its case.
 */
export function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
