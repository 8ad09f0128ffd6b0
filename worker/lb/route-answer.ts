import { replyOf } from '../contract/reply';

/** What the LB app sends for a route's result. */
export interface RouteAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | Buffer;
}

export type RouteAnswerResult =
  { ok: true; answer: RouteAnswer } | { ok: false; code: string; message: string };

/** The bits of a WHATWG `Response` the LB app reads. */
interface ResponseLike {
  status: number;
  headers: { forEach(fn: (value: string, name: string) => void): void };
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * A `Response`: the global one, or one from another copy of undici (a bundled package), told apart
 * by its tag and the members read here.
 */
function responseOf(value: unknown): ResponseLike | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (typeof Response === 'function' && value instanceof Response) return value;
  if (Object.prototype.toString.call(value) !== '[object Response]') return undefined;
  const candidate = value as Partial<ResponseLike>;
  return typeof candidate.status === 'number' &&
    typeof candidate.arrayBuffer === 'function' &&
    typeof candidate.headers?.forEach === 'function'
    ? (candidate as ResponseLike)
    : undefined;
}

// The body is sent whole, so its length is computed again rather than trusted.
const DROPPED_HEADERS = new Set(['content-length', 'transfer-encoding']);

async function fromResponse(response: ResponseLike): Promise<RouteAnswerResult> {
  if (response.status < 200 || response.status > 599)
    return {
      ok: false,
      code: 'REPLY_INVALID',
      message: `the route answered a Response with status ${response.status}: use 200-599`,
    };
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (DROPPED_HEADERS.has(name)) return;
    const seen = headers[name];
    // set-cookie is the one header iterated once per value
    headers[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  });
  try {
    const body = Buffer.from(await response.arrayBuffer());
    return { ok: true, answer: { status: response.status, headers, body } };
  } catch (error) {
    return {
      ok: false,
      code: 'REPLY_INVALID',
      message: `the route's Response body cannot be read: ${(error as Error)?.message ?? String(error)}`,
    };
  }
}

/**
 * How a route's result goes on the wire. A `Response` or a `reply()` sends its own status, headers and
 * body; anything else is JSON data answered with 200, whatever its keys.
 */
export async function routeAnswerOf(result: unknown): Promise<RouteAnswerResult> {
  const response = responseOf(result);
  if (response) return fromResponse(response);
  const reply = replyOf(result);
  if (reply && !reply.ok) return { ok: false, code: 'REPLY_INVALID', message: reply.message };
  if (reply) {
    const { status, headers, body } = reply.parts;
    return {
      ok: true,
      answer: {
        status,
        headers,
        body: typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      },
    };
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(result ?? null);
  } catch (error) {
    return {
      ok: false,
      code: 'NOT_JSON',
      message: `the route returned a value JSON cannot carry (${(error as Error)?.message ?? String(error)})`,
    };
  }
  return {
    ok: true,
    answer: { status: 200, headers: { 'content-type': 'application/json' }, body: text ?? 'null' },
  };
}
