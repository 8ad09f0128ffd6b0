import type { FastifyInstance } from 'fastify';
import { request, type Dispatcher } from 'undici';
import { presentedKey } from '../http/auth';
import { replyError } from '../http/errors';
import type { ControlState } from '../state/control-state';
import type { Supervisor } from '../supervisor/supervisor';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'proxy-connection',
]);

export interface LbGatewayOptions {
  state: ControlState;
  supervisor: Supervisor;
  apiKey: () => string;
  dispatcher: Dispatcher;
  /** How long a request waits for a ready worker before "no workers available". Default 120 s, as RunPod. */
  waitMs?: number;
}

/**
 * `/lb/{endpointId}/*`: forwards the request unchanged to a worker whose /ping is 200, round robin,
 * and answers with the worker's response plus `X-Runpod-Worker-Id`.
 */
export async function registerLbGateway(app: FastifyInstance, options: LbGatewayOptions): Promise<void> {
  const inFlight = new Map<string, number>();
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 30 * 1024 * 1024 }, (_req, body, done) =>
      done(null, body),
    );
    scope.all<{ Params: { endpointId: string; '*': string } }>('/lb/:endpointId/*', async (req, reply) => {
      const endpoint = options.state.get('endpoint', req.params.endpointId);
      const key = presentedKey(req);
      if (!key || (key !== options.apiKey() && key !== endpoint?.aiKey))
        return replyError(
          reply,
          401,
          'UNAUTHORIZED',
          'missing or invalid API key: send Authorization: Bearer <key>',
        );
      if (!endpoint)
        return replyError(reply, 404, 'ENDPOINT_NOT_FOUND', `no endpoint ${req.params.endpointId}`);
      if (endpoint.type !== 'LB')
        return replyError(
          reply,
          400,
          'NOT_LOAD_BALANCED',
          `endpoint ${endpoint.name} is queue-based: call /v2/${endpoint.id}/runsync`,
        );
      inFlight.set(endpoint.id, (inFlight.get(endpoint.id) ?? 0) + 1);
      try {
        const worker = await options.supervisor.readyLbWorker(endpoint.id, options.waitMs ?? 120_000);
        if (!worker?.ports) return reply.code(503).send({ error: 'no workers available' });
        options.supervisor.markBusy(worker.id);
        const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
        // the path as the caller encoded it (an encoded `/` in a parameter stays one), as RunPod forwards it
        const raw = req.url.split('?', 1)[0] ?? '';
        const prefix = `/lb/${req.params.endpointId}`;
        const path = raw.startsWith(prefix)
          ? raw.slice(prefix.length).replace(/^\/?/, '/')
          : `/${req.params['*']}`;
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers))
          if (!HOP_BY_HOP.has(name) && typeof value === 'string') headers[name] = value;
        const body =
          req.method === 'GET' || req.method === 'HEAD' ? undefined : (req.body as Buffer | undefined);
        let upstream;
        try {
          upstream = await request(`http://127.0.0.1:${worker.ports.port}${path}${query}`, {
            method: req.method as Dispatcher.HttpMethod,
            headers,
            body,
            dispatcher: options.dispatcher,
            headersTimeout: 330_000,
            bodyTimeout: 330_000,
          });
        } catch (error) {
          return replyError(
            reply,
            502,
            'WORKER_UNREACHABLE',
            `worker ${worker.id} did not answer: ${(error as Error).message}`,
          );
        }
        const payload = Buffer.from(await upstream.body.arrayBuffer());
        for (const [name, value] of Object.entries(upstream.headers))
          if (!HOP_BY_HOP.has(name) && value !== undefined) reply.header(name, value);
        return reply.code(upstream.statusCode).header('x-runpod-worker-id', worker.id).send(payload);
      } finally {
        inFlight.set(endpoint.id, (inFlight.get(endpoint.id) ?? 1) - 1);
      }
    });
  });
}
