/**
 * The deepest nesting of objects and arrays a JSON body may have (128 levels). Everything the local cloud
 * keeps is written with `JSON.stringify`, which recurses and overflows the stack a few thousand levels
 * down, while `JSON.parse` takes any depth: a small deep body would be accepted and fail later, away from
 * its request. 128 is far beyond any real payload (a Flash manifest nests about 6 levels).
 */
export const MAX_JSON_DEPTH = 128;

/**
 * The largest JSON body, in bytes (30 MiB): the largest body any JSON route of the cloud or a worker
 * takes. Routes may take less (as on RunPod: `/run` 10 MB, `/runsync` 20 MB).
 */
export const MAX_JSON_BYTES = 30 * 1024 * 1024;

/** Why a JSON text was refused; each code is stable. */
export type JsonProblem = 'JSON_INVALID' | 'JSON_TOO_DEEP' | 'JSON_TOO_LARGE';

export type JsonParsed = { ok: true; value: unknown } | { ok: false; code: JsonProblem; message: string };

const QUOTE = 34;
const BACKSLASH = 92;
const [OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT] = [91, 93, 123, 125];

/** Whether the objects and arrays of a JSON text nest deeper than `max`, found without parsing it. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
  }
  return false;
}

/**
 * Parses JSON text within the size and depth limits that every JSON body of the cloud and the workers has;
 * `what` names the text in messages (default "the body").
 */
export function parseJson(text: string, what = 'the body'): JsonParsed {
  // a UTF-16 unit is at most 3 UTF-8 bytes: most texts need no count
  const bytes = text.length * 3 <= MAX_JSON_BYTES ? 0 : Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_JSON_BYTES)
    return {
      ok: false,
      code: 'JSON_TOO_LARGE',
      message: `${what} is ${bytes} bytes of JSON, more than the ${MAX_JSON_BYTES} allowed`,
    };
  if (nestsDeeperThan(text, MAX_JSON_DEPTH))
    return {
      ok: false,
      code: 'JSON_TOO_DEEP',
      message: `${what} nests JSON objects and arrays more than ${MAX_JSON_DEPTH} levels deep (JSON_TOO_DEEP)`,
    };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      code: 'JSON_INVALID',
      message: `${what} is not valid JSON: ${(error as Error).message}`,
    };
  }
}

/** Parses a JSON request body; an empty body is no body (clients POST /cancel with none). */
export function parseJsonBody(text: string): JsonParsed {
  if (text.trim() === '') return { ok: true, value: undefined };
  return parseJson(text);
}

/**
 * The code an HTTP answer gives each problem: bad JSON and too large a body keep the codes they had
 * (BAD_REQUEST, PAYLOAD_TOO_LARGE as for fastify's own body limit); only JSON_TOO_DEEP is new.
 */
const WIRE: Record<JsonProblem, { statusCode: number; code: string }> = {
  JSON_INVALID: { statusCode: 400, code: 'BAD_REQUEST' },
  JSON_TOO_DEEP: { statusCode: 400, code: 'JSON_TOO_DEEP' },
  JSON_TOO_LARGE: { statusCode: 413, code: 'PAYLOAD_TOO_LARGE' },
};

/** A fastify content-type parser built on parseJsonBody: the error carries its status and code (WIRE). */
export function jsonBodyParser(
  _req: unknown,
  body: string | Buffer,
  done: (error: Error | null, value?: unknown) => void,
): void {
  const parsed = parseJsonBody(body.toString());
  if (parsed.ok) return done(null, parsed.value);
  done(Object.assign(new Error(parsed.message), WIRE[parsed.code]));
}
