/** Parses a JSON request body; an empty body is no body (clients POST /cancel with none). */
export function parseJsonBody(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: `the body is not valid JSON: ${(error as Error).message}` };
  }
}

/** A fastify content-type parser built on parseJsonBody; bad JSON is a 400. */
export function jsonBodyParser(
  _req: unknown,
  body: string | Buffer,
  done: (error: Error | null, value?: unknown) => void,
): void {
  const parsed = parseJsonBody(body.toString());
  if (parsed.ok) return done(null, parsed.value);
  const error = Object.assign(new Error(parsed.message), { statusCode: 400 });
  done(error);
}
