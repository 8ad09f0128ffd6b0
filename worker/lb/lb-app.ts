import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { LoadBalancedEndpointDefinition, RouteRequest } from '../contract/endpoint-definition';
import { endpointErrorOf } from '../contract/errors';
import { httpErrorHandler } from '../contract/http-error-reply';
import { jsonBodyParser } from '../contract/json-body';
import type { WorkerLogger } from '../logger';
import { routeAnswerOf } from './route-answer';
import { methodsForPath, toFastifyPath } from './route-table';

function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json').send({ status: 'error', error: message, code });
}

/**
 * The LB endpoint's HTTP app: the user's routes, JSON in and out. A route's plain value is JSON data
 * (200); a `Response` or a `reply()` sets its own status, headers and body. A thrown HttpError /
 * ValidationError answers its status (400 for validation); any other throw answers 500; the worker
 * keeps serving.
 */
export function createLbApp(
  definition: LoadBalancedEndpointDefinition,
  logger: WorkerLogger,
  options: { bodyLimit?: number; ping?: boolean } = {},
): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimit ?? 30 * 1024 * 1024 });
  if (options.ping) app.get('/ping', async () => ({ status: 'healthy' }));
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  for (const route of definition.routes) {
    app.route({
      method: route.method,
      url: toFastifyPath(route.path),
      handler: async (req, reply) => {
        const request: RouteRequest = {
          body: req.body,
          params: req.params as Record<string, string>,
          query: req.query as Record<string, string | string[]>,
          headers: req.headers,
        };
        let result: unknown;
        try {
          result = await route.handler(request);
        } catch (error) {
          const known = endpointErrorOf(error);
          if (known) return sendError(reply, known.status, known.code, known.message);
          logger.error('route failed', {
            route: `${route.method} ${route.path}`,
            error: (error as Error)?.stack ?? String(error),
          });
          return sendError(reply, 500, 'HANDLER_FAILED', (error as Error)?.message ?? String(error));
        }
        const answered = await routeAnswerOf(result);
        if (!answered.ok) {
          logger.error('route answer invalid', {
            route: `${route.method} ${route.path}`,
            error: answered.message,
          });
          return sendError(reply, 500, answered.code, answered.message);
        }
        const { status, headers, body } = answered.answer;
        return reply.code(status).headers(headers).send(body);
      },
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const allowed = methodsForPath(definition.routes, req.url);
    if (allowed.length > 0) {
      return sendError(
        reply.header('allow', allowed.join(', ')),
        405,
        'METHOD_NOT_ALLOWED',
        `${req.method} is not served on ${req.url.split('?')[0]}: use ${allowed.join(' or ')}`,
      );
    }
    return sendError(
      reply,
      404,
      'ROUTE_NOT_FOUND',
      `no route ${req.method} ${req.url.split('?')[0]} on ${definition.name}`,
    );
  });
  // a server error's own code is kept for its log; the caller is told INTERNAL
  app.setErrorHandler(httpErrorHandler((reply, e) => sendError(reply, e.status, e.code, e.message), 'hide'));
  return app;
}

/** The health app: `/ping` answers 204 while the endpoint loads, 200 once it serves. */
export function createHealthApp(isReady: () => boolean): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/ping', async (_req, reply) =>
    isReady() ? reply.code(200).send({ status: 'healthy' }) : reply.code(204).send(),
  );
  return app;
}
