import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { replyError } from '../http/errors';
import type { AuthRequests, AuthRequestStatus } from './auth-requests';

const params = z.object({ id: z.string().uuid() });
const decision = z.object({ decision: z.enum(['approve', 'deny']) });

const MESSAGES: Record<AuthRequestStatus, string> = {
  PENDING: 'flash login is waiting for an answer.',
  APPROVED: 'Approved: flash login receives the key of this local cloud.',
  CONSUMED: 'Approved: flash login has received the key of this local cloud.',
  DENIED: 'Denied: flash login stops without a key.',
  EXPIRED: 'This login request has expired: run flash login again.',
};

function page(id: string, status: AuthRequestStatus): string {
  const form =
    status === 'PENDING'
      ? `<form method="post" action="/login/${id}">
<button name="decision" value="approve">Approve</button>
<button name="decision" value="deny">Deny</button>
</form>`
      : '';
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>flash login</title></head>
<body>
<h1>flash login</h1>
<p>Request <code>${id}</code>: <strong>${status}</strong></p>
<p>${MESSAGES[status]}</p>
${form}
</body></html>
`;
}

/**
 * The local cloud's stand-in for RunPod's console page that approves a Flash login: `GET /login/:id` shows
 * the request with an Approve and a Deny button, `POST /login/:id` (form field `decision`) answers it. The
 * cloud listens on loopback only, so whoever can open this page is at this machine.
 */
export function registerLoginPage(app: FastifyInstance, requests: AuthRequests): void {
  app.get('/login/:id', async (req, reply) => {
    const parsed = params.safeParse(req.params);
    if (!parsed.success) return replyError(reply, 404, 'NOT_FOUND', 'no such login request');
    const { id } = parsed.data;
    const status = requests.status(id);
    if (!status) return reply.code(404).type('text/html').send(page(id, 'EXPIRED'));
    return reply.type('text/html').header('cache-control', 'no-store').send(page(id, status));
  });
  app.post('/login/:id', async (req, reply) => {
    const parsed = params.safeParse(req.params);
    if (!parsed.success) return replyError(reply, 404, 'NOT_FOUND', 'no such login request');
    const { id } = parsed.data;
    const raw = typeof req.body === 'string' ? Object.fromEntries(new URLSearchParams(req.body)) : req.body;
    const answer = decision.safeParse(raw);
    if (!answer.success)
      return replyError(reply, 400, 'VALIDATION_FAILED', 'decision must be approve or deny');
    const status = requests.decide(id, answer.data.decision === 'approve');
    if (!status) return reply.code(404).type('text/html').send(page(id, 'EXPIRED'));
    return reply.type('text/html').header('cache-control', 'no-store').send(page(id, status));
  });
}
