/** An endpoint declared wrongly in user code. `code` is stable; the message says what to change. */
export class EndpointDeclarationError extends Error {
  readonly code = 'ENDPOINT_CONFIG_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'EndpointDeclarationError';
  }
}

/** A value that JSON cannot carry was passed to or returned from an endpoint. */
export class NotJsonError extends Error {
  readonly code = 'NOT_JSON';

  constructor(what: string, cause: unknown) {
    super(`${what} must be JSON-serialisable (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'NotJsonError';
  }
}

/** A JSON round trip: what a deployed call would deliver. */
export function throughJson(value: unknown, what: string): unknown {
  if (value === undefined) return null;
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new NotJsonError(what, error);
  }
  return text === undefined ? null : JSON.parse(text);
}
