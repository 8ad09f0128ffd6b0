import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { FlashError, LedgerError, NotFound, UpstreamFailed, ValidationFailed } from '../ledger/serve-queries';

/** An answer other than 2xx that a route chose: its status, a stable code and what to change. */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Codes of the door that mean "asked wrongly": 400 like a bad query. */
const BAD_REQUEST_CODES = new Set([
  'USAGE',
  'INVALID_APP_NAME',
  'INVALID_ENVIRONMENT_NAME',
  'DEPLOYMENT_ID_AMBIGUOUS',
  'DEPLOYMENT_ID_TOO_SHORT',
]);

/** Nest's own HTTP exceptions (unknown route, bad body) as a code. */
function codeOfStatus(status: number): string {
  if (status === 404) return 'ROUTE_NOT_FOUND';
  if (status === 405) return 'METHOD_NOT_ALLOWED';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status < 500) return 'BAD_REQUEST';
  return 'INTERNAL';
}

export interface ErrorAnswer {
  status: number;
  body: { error: { code: string; message: string; details?: Readonly<Record<string, unknown>> } };
}

/**
 * Any error as `{"error": {code, message}}` with its status: the door's stable codes kept as they are
 * (NotFound 404, a refused command 409, a bad ledger 503, a vendor 502), anything unknown 500 INTERNAL.
 */
export function errorAnswer(error: unknown): ErrorAnswer {
  const answer = (
    status: number,
    code: string,
    message: string,
    details?: Readonly<Record<string, unknown>>,
  ) => ({
    status,
    body: { error: { code, message, ...(details && Object.keys(details).length > 0 ? { details } : {}) } },
  });
  if (error instanceof HttpFailure) return answer(error.status, error.code, error.message);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return answer(status, codeOfStatus(status), error.message);
  }
  if (error instanceof FlashError) {
    const status =
      error instanceof NotFound
        ? 404
        : error instanceof ValidationFailed || BAD_REQUEST_CODES.has(error.code)
          ? 400
          : error instanceof LedgerError
            ? 503
            : error instanceof UpstreamFailed
              ? 502
              : 409; // a DomainError, ConcurrencyConflict or a command the ledger refused
    return answer(status, error.code, error.message, error.details);
  }
  // fastify's own errors (a body that is not JSON, too large) carry a status and an FST_ code
  const e = error as { statusCode?: unknown; message?: unknown } | null;
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
    return answer(e.statusCode, codeOfStatus(e.statusCode), String(e.message ?? 'bad request'));
  return answer(500, 'INTERNAL', 'the server failed to answer: see its standard error');
}

/** Every error a route throws, Nest's included, answered as `errorAnswer` says. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = errorAnswer(error);
    if (status >= 500) console.error('flash serve:', error);
    if (reply.sent || reply.raw.headersSent) return;
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
