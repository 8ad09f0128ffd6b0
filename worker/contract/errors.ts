/** Marks errors that carry an HTTP status and a stable code across copies of the SDK. */
export const ENDPOINT_ERROR = Symbol.for('flash-ledger.endpoint-error');

/**
 * An error user code throws on purpose: an LB route answers `status` with
 * `{"status": "error", "error": message, "code": code}`; a QB job ends FAILED with the message.
 */
export class HttpError extends Error {
  readonly [ENDPOINT_ERROR] = true;
  readonly status: number;
  readonly code: string;

  constructor(status: number, message: string, code = 'HTTP_ERROR') {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
  }
}

/** Bad input from the caller: 400 on an LB route. */
export class ValidationError extends HttpError {
  constructor(message: string, code = 'INPUT_INVALID') {
    super(400, message, code);
  }
}

/** Status and code of an error thrown on purpose, from any copy of the SDK. */
export function endpointErrorOf(
  error: unknown,
): { status: number; code: string; message: string } | undefined {
  if (typeof error !== 'object' || error === null || !(ENDPOINT_ERROR in error)) return undefined;
  const { status, code, message } = error as { status?: unknown; code?: unknown; message?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 599) return undefined;
  return {
    status,
    code: typeof code === 'string' ? code : 'HTTP_ERROR',
    message: typeof message === 'string' ? message : '',
  };
}
