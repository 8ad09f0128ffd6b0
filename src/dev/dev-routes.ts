import type { FastifyInstance } from 'fastify';
import { parseJson } from '../../worker/contract/json-body';
import type { BuildFailed } from '../build/build-errors';
import type { FlashRuntime } from '../../worker/contract/endpoint-definition';
import type { DevBundle } from './dev-bundle';
import { DevCallFailed } from './live-runtime';

/** What the routes read on every request: the current code, or why the last reload failed. */
export interface DevState {
  app: string;
  bundle: DevBundle;
  balancers: ReadonlyMap<string, FastifyInstance>;
  /** Set while the last reload failed: every call answers it instead of running the previous code. */
  failure: BuildFailed | undefined;
}

/**
 * The dev server's routes: `GET /` lists the endpoints, `POST /{queue}/runsync` runs a queue function on
 * the live worker, `/{balancer}/...` goes to the app's routes in this process.
 */
export function registerDevRoutes(
  server: FastifyInstance,
  state: () => DevState,
  runtime: FlashRuntime,
  log: (line: string) => void,
): void {
  server.removeContentTypeParser('application/json');
  server.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  server.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );
  server.addHook('onRequest', async (_req, reply) => {
    const { failure } = state();
    if (failure)
      return reply.code(500).send({
        status: 'error',
        code: failure.code,
        message: failure.message,
        problems: failure.problems,
      });
  });
  server.get('/', async () => {
    const { app, bundle } = state();
    return {
      app,
      queue: [...bundle.queues.keys()].map((name) => ({ endpoint: name, url: `/${name}/runsync` })),
      load_balanced: [...bundle.balancers.values()].map((d) => ({
        endpoint: d.name,
        routes: d.routes.map((r) => `${r.method} /${d.name}${r.path}`),
      })),
    };
  });
  server.all('/:endpoint/*', async (req, reply) => {
    const { app: appName, bundle, balancers } = state();
    const { endpoint } = req.params as { endpoint: string };
    const rest = req.url.slice(endpoint.length + 1) || '/';
    const queue = bundle.queues.get(endpoint);
    if (queue && rest.split('?')[0] === '/runsync' && req.method === 'POST') {
      // the same depth and size limits as the cloud's
      const body = parseJson((req.body as Buffer | undefined)?.toString() || '{}');
      if (!body.ok)
        return reply.code(400).send({
          status: 'error',
          code: body.code === 'JSON_INVALID' ? 'BAD_JSON' : body.code,
          error: body.code === 'JSON_INVALID' ? 'the body must be JSON: {"input": {...}}' : body.message,
        });
      const input = (body.value as { input?: unknown } | null)?.input;
      const id = `dev-${Date.now().toString(36)}`;
      try {
        const output = await runtime.callQueue(endpoint, input ?? {});
        log(`${endpoint}: COMPLETED`);
        return reply.send({ id, status: 'COMPLETED', output });
      } catch (error) {
        const failed = error instanceof DevCallFailed ? error : undefined;
        log(`${endpoint}: FAILED ${(error as Error).message}`);
        return reply.send({
          id,
          status: 'FAILED',
          error: failed ? failed.message : (error as Error).message,
          ...(failed?.traceback ? { traceback: failed.traceback } : {}),
        });
      }
    }
    const app = balancers.get(endpoint);
    if (!app)
      return reply.code(404).send({
        status: 'error',
        code: 'ENDPOINT_NOT_FOUND',
        error: `no endpoint ${endpoint} in ${appName} (see GET /)`,
      });
    const answer = await app.inject({
      method: req.method as 'GET',
      url: rest,
      headers: req.headers,
      ...(req.body === undefined ? {} : { payload: req.body as Buffer }),
    });
    return reply.code(answer.statusCode).headers(answer.headers).send(answer.rawPayload);
  });
}
