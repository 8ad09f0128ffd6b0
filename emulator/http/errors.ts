import type { FastifyReply } from 'fastify';

/** Every error the local cloud answers: a 4xx/5xx with `{"error": {"code", "message"}}`. */
export function replyError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json').send({ error: { code, message } });
}
