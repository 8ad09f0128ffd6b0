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

/**
 * The code an HTTP error answer carries for an error a server caught: our own SCREAMING_SNAKE codes
 * (JSON_TOO_DEEP, LOG_PATH_INVALID...) as they are, fastify's (FST_...) and anything else by status.
 */
export function wireCode(error: { code?: unknown }, status: number): string {
  const code = error.code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) && !code.startsWith('FST_')) return code;
  return status === 413 ? 'PAYLOAD_TOO_LARGE' : status < 500 ? 'BAD_REQUEST' : 'INTERNAL';
}
