import type { FastifyReply, FastifyRequest } from 'fastify';
import { wireCode } from './errors';

/** An error a fastify app caught: its own, fastify's (a body too large, bad JSON), or a handler's throw. */
export interface CaughtHttpError {
  statusCode?: number;
  message?: string;
  code?: unknown;
}

/** What an error answer tells the caller. */
export interface HttpErrorAnswer {
  status: number;
  code: string;
  message: string;
}

/**
 * How an app answers a server error (5xx): `keep` answers its status and code (the local cloud's own,
 * which its callers branch on); `hide` answers a plain 500 INTERNAL, so no internal code reaches the caller.
 */
export type ServerErrors = 'keep' | 'hide';

/** The status, stable code (see wireCode) and message to answer for a caught error; 500 without a 4xx/5xx. */
export function httpErrorAnswer(error: CaughtHttpError, serverErrors: ServerErrors): HttpErrorAnswer {
  const highest = serverErrors === 'keep' ? 600 : 500;
  const { statusCode } = error;
  const status = statusCode && statusCode >= 400 && statusCode < highest ? statusCode : 500;
  const code = status < 500 || serverErrors === 'keep' ? wireCode(error, status) : 'INTERNAL';
  return { status, code, message: error.message ?? 'error' };
}

/**
 * A fastify error handler: the answer of httpErrorAnswer, sent by `send` in the app's own error shape, so
 * the local cloud and a worker's LB app decide statuses and codes the same way.
 */
export function httpErrorHandler(
  send: (reply: FastifyReply, answer: HttpErrorAnswer) => FastifyReply,
  serverErrors: ServerErrors,
): (error: CaughtHttpError, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (error, _request, reply) => send(reply, httpErrorAnswer(error, serverErrors));
}
