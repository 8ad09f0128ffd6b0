import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { z } from 'zod';

/**
 * RunPod's GraphQL API sometimes answers a transient failure (rate limit, overload) with HTTP 200 and
 * an error message such as "try again later". An undici retry interceptor only sees statuses and
 * transport errors, so `transientAnswers()` (composed inside it) turns such an answer into a
 * TransientAnswer error, whose `code` the retry interceptor is told to retry.
 */

const TRANSIENT = [
  'try again later',
  'internal server error',
  'service unavailable',
  'too many requests',
  'temporarily unavailable',
];
const errorsSchema = z.object({ errors: z.array(z.object({ message: z.string() })) });

/** The `code` of a GraphQL answer that says "try again": list it in the retry interceptor's `errorCodes`. */
export const TRANSIENT_ANSWER = 'RUNPOD_TRANSIENT_ANSWER';

export class TransientAnswer extends Error {
  readonly code = TRANSIENT_ANSWER;

  constructor(message: string) {
    super(message);
    this.name = 'TransientAnswer';
  }
}

/** The joined GraphQL error messages of `text` when one of them is transient, else undefined. */
export function transientMessage(text: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const answer = errorsSchema.safeParse(json);
  if (!answer.success) return undefined;
  const joined = answer.data.errors.map((e) => e.message).join('; ');
  return TRANSIENT.some((t) => joined.toLowerCase().includes(t)) ? joined : undefined;
}

type Held = { statusCode: number; headers: IncomingHttpHeaders; statusMessage?: string; chunks: Buffer[] };

/** Holds a non-5xx answer until its end, then passes it on, or fails the attempt with TransientAnswer. */
class TransientAnswerHandler implements Dispatcher.DispatchHandler {
  private held: Held | undefined;

  constructor(private readonly next: Dispatcher.DispatchHandler) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.next.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    socket: Duplex,
  ): void {
    this.next.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    if (statusCode >= 500) this.next.onResponseStart?.(controller, statusCode, headers, statusMessage);
    else this.held = { statusCode, headers, statusMessage, chunks: [] };
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.held) this.held.chunks.push(chunk);
    else this.next.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    const held = this.held;
    this.held = undefined;
    if (!held) return this.next.onResponseEnd?.(controller, trailers);
    const body = Buffer.concat(held.chunks);
    const transient = transientMessage(body.toString('utf8'));
    if (transient !== undefined)
      return this.next.onResponseError?.(controller, new TransientAnswer(transient));
    this.next.onResponseStart?.(controller, held.statusCode, held.headers, held.statusMessage);
    if (body.length > 0) this.next.onResponseData?.(controller, body);
    this.next.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.held = undefined;
    this.next.onResponseError?.(controller, error);
  }
}

/** An undici interceptor: GraphQL answers that say "try again later" fail as TransientAnswer. */
export function transientAnswers(): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) => dispatch(options, new TransientAnswerHandler(handler));
}
