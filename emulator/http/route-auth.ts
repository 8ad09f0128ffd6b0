import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ControlState } from '../state/control-state';
import { presentedKey } from './auth';
import { replyError } from './errors';

/**
 * Who may call a route besides the holder of the cloud's API key: `endpoint` also takes the `aiKey` of the
 * endpoint named in the path (the data plane, as RunPod); `worker` takes only that `aiKey` (the worker job API);
 * `keyless` lets anyone in, marked `req.keyless`, for the route to decide (GraphQL: the login flow only).
 */
export type RouteAccess = 'endpoint' | 'worker' | 'keyless';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route (route-auth.ts). Default: the cloud's API key only. */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** A `keyless` route was called without the cloud's key (route-auth.ts). */
    keyless: boolean;
  }
}

/**
 * The only routes that take no key: the cloud's own health, the presigned upload (it checks a token) and
 * download (it checks a signature), and the login approval page (loopback only, like the whole cloud:
 * whoever opens it is at this machine).
 */
const PUBLIC_ROUTES = new Set([
  'GET /health',
  'PUT /upload/:key',
  'GET /download/:key',
  'GET /login/:id',
  'POST /login/:id',
]);

/** The largest body a `keyless` route takes from a caller without a key. */
const KEYLESS_BODY_LIMIT = 16 * 1024;

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
    if (access === 'keyless') {
      req.keyless = true;
      return true;
    }
    if (!access) return false;
    const params = endpointParams.safeParse(req.params);
    const endpoint = params.success ? options.state.get('endpoint', params.data.endpointId) : undefined;
    return sameKey(key, endpoint?.aiKey);
  };

  app.decorateRequest('keyless', false);
  app.addHook('onRequest', async (req, reply) => {
    // a caller without a key gets no large body parsed: the login flow's documents are a few hundred bytes
    if (allowed(req) && !(req.keyless && Number(req.headers['content-length'] ?? 0) > KEYLESS_BODY_LIMIT))
      return;
    return refuse(req, reply);
  });
}

/** A 401 in the error shape of the route's family (GraphQL, REST v1, or the cloud's own), code UNAUTHORIZED. */
function refuse(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const url = req.routeOptions.url ?? '';
  if (url === '/graphql') return refuseGraphql(reply);
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

/** GraphQL's 401: the answer to a call without the cloud's key that asks for more than the login flow. */
export function refuseGraphql(reply: FastifyReply): FastifyReply {
  return reply.code(401).send({
    data: null,
    errors: [
      {
        message: 'Unauthorized: send Authorization: Bearer <key> (the key is in $FLASH_HOME/cloud/api-key)',
        extensions: { code: 'UNAUTHORIZED' },
      },
    ],
  });
}
