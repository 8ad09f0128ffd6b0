import { z } from 'zod';

/**
 * Marks a route answer made by the SDK's `reply()`. A global symbol, so a copy of the SDK bundled into
 * an app and the worker agree without sharing code. Without the mark a returned value is JSON data.
 */
export const REPLY = Symbol.for('flash-ledger.reply');

/** Bytes from any realm: a Buffer, or a Uint8Array made in a vm context or a test sandbox. */
const bytes = z.custom<Uint8Array>(
  (v) => v instanceof Uint8Array || Object.prototype.toString.call(v) === '[object Uint8Array]',
  'the body must be a string or bytes',
);

/** What a marked reply carries: its status, lower-case header names, and a body already encoded. */
export const replyPartsSchema = z.object({
  status: z.number().int().min(200, 'status must be 200-599').max(599, 'status must be 200-599'),
  headers: z.record(z.string(), z.string()),
  body: z.union([z.string(), bytes]),
});

export type ReplyParts = z.infer<typeof replyPartsSchema>;

/** A route's answer with its own status, headers or a non-JSON body (made by the SDK's `reply()`). */
export type Reply = Readonly<ReplyParts> & { readonly [REPLY]: true };

/** Marks checked parts as a reply. */
export function markReply(parts: ReplyParts): Reply {
  return Object.freeze({ [REPLY]: true as const, ...parts });
}

/**
 * The parts of a marked reply: undefined when `value` carries no mark (it is data), a problem when it
 * carries the mark but not the shape (a forged or foreign reply).
 */
export function replyOf(
  value: unknown,
): { ok: true; parts: ReplyParts } | { ok: false; message: string } | undefined {
  if (typeof value !== 'object' || value === null || !(REPLY in value)) return undefined;
  const parsed = replyPartsSchema.safeParse(value);
  if (parsed.success) return { ok: true, parts: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    message: `the reply is malformed: ${issue?.path.map(String).join('.') || 'reply'}: ${issue?.message ?? 'invalid'}`,
  };
}
