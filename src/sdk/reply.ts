import { markReply, replyPartsSchema, type Reply } from '../../worker/contract/reply';
import { NotJsonError } from './sdk-errors';

/** A `reply()` that cannot be sent: a status outside 200-599 or a header value that is not a string. */
export class InvalidReplyError extends Error {
  readonly code = 'REPLY_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'InvalidReplyError';
  }
}

const isBytes = (value: unknown): value is Uint8Array =>
  value instanceof Uint8Array || Object.prototype.toString.call(value) === '[object Uint8Array]';

/** The body on the wire and the content type it implies. */
function encoded(body: unknown): { body: string | Uint8Array; type?: string } {
  if (body === undefined) return { body: '' };
  if (typeof body === 'string') return { body, type: 'text/plain; charset=utf-8' };
  if (isBytes(body)) return { body, type: 'application/octet-stream' };
  if (body instanceof ArrayBuffer) return { body: new Uint8Array(body), type: 'application/octet-stream' };
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    throw new NotJsonError('a reply body', error);
  }
  if (text === undefined) throw new NotJsonError('a reply body', new TypeError(`${typeof body} is not JSON`));
  return { body: text, type: 'application/json' };
}

/**
 * A route's answer with its own status, headers or a non-JSON body. `body` is sent as given when it is a
 * string (text/plain) or bytes (a Buffer or Uint8Array: application/octet-stream), and as JSON
 * (application/json) otherwise; a `content-type` header overrides those defaults. Without a body the
 * answer is empty.
 *
 *   api.get('/items/{id}', ({ params }) => items.get(params.id) ?? reply(404, { error: 'no such item' }));
 *   api.get('/logo', () => reply(200, png, { 'content-type': 'image/png' }));
 */
export function reply(status: number, body?: unknown, headers: Record<string, string> = {}): Reply {
  const { body: wire, type } = encoded(body);
  const named = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const parsed = replyPartsSchema.safeParse({
    status,
    headers: type && !('content-type' in named) ? { 'content-type': type, ...named } : named,
    body: wire,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidReplyError(
      `reply(${String(status)}, ...): ${issue?.path.map(String).join('.') || 'reply'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return markReply(parsed.data);
}
