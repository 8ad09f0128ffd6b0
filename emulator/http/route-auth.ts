import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ControlState } from '../state/control-state';
import { presentedKey } from './auth';
import { replyError } from './errors';

/**
 * Who may call a route besides the holder of the cloud's API key: `endpoint` also takes the `aiKey` of the
 * endpoint named in the path (the data plane, as RunPod); `worker` takes only that `aiKey` (the worker job API).
 */
export type RouteAccess = 'endpoint' | 'worker';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route (route-auth.ts). Default: the cloud's API key only. */
    access?: RouteAccess;
  }
}

/** The only routes that take no key: the cloud's own health, and the presigned upload (it checks a token). */
const PUBLIC_ROUTES = new Set(['GET /health', 'PUT /upload/:key']);

const endpointParams = z.object({ endpointId: z.string() });

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
const sameKey = (presented: string | undefined, expected: string | undefined): boolean =>
  presented !== undefined && expected !== undefined && timingSafeEqual(digest(presented), digest(expected));

/**
 * One `onRequest` hook for every route, registered before any route: it decides on the route the router
 * matched (its pattern and config), never on the raw URL, so `/%76%31/...` is judged as the `/v1/...` route
 * it reaches. A request that matches no route needs the cloud key too (its 404 is for key holders).
 */
export function registerRouteAuth(
  app: FastifyInstance,
  options: { state: ControlState; apiKey: () => string },
): void {
  const allowed = (req: FastifyRequest): boolean => {
    const { url, method, config } = req.routeOptions;
    if (url !== undefined && PUBLIC_ROUTES.has(`${method === 'HEAD' ? 'GET' : method} ${url}`)) return true;
    const key = presentedKey(req);
    const access = url === undefined ? undefined : config?.access;
    if (access !== 'worker' && sameKey(key, options.apiKey())) return true;
    if (!access) return false;
    const params = endpointParams.safeParse(req.params);
    const endpoint = params.success ? options.state.get('endpoint', params.data.endpointId) : undefined;
    return sameKey(key, endpoint?.aiKey);
  };

  app.addHook('onRequest', async (req, reply) => {
    if (allowed(req)) return;
    return refuse(req, reply);
  });
}

/** A 401 in the error shape of the route's family (GraphQL, REST v1, or the cloud's own), code UNAUTHORIZED. */
function refuse(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const url = req.routeOptions.url ?? '';
  if (url === '/graphql')
    return reply.code(401).send({
      data: null,
      errors: [
        {
          message: 'Unauthorized: send Authorization: Bearer <key> (the key is in $FLASH_HOME/cloud/api-key)',
          extensions: { code: 'UNAUTHORIZED' },
        },
      ],
    });
  if (url.startsWith('/v1/')) return reply.code(401).send({ message: 'Unauthorized', code: 'UNAUTHORIZED' });
  const worker = req.routeOptions.config?.access === 'worker';
  return replyError(
    reply,
    401,
    'UNAUTHORIZED',
    worker
      ? "a worker authenticates with its endpoint's RUNPOD_AI_API_KEY"
      : 'missing or invalid API key: send Authorization: Bearer <key>',
  );
}
