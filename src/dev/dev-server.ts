import { watch, type FSWatcher } from 'node:fs';
import { runInThisContext } from 'node:vm';
import Fastify, { type FastifyInstance } from 'fastify';
import { Agent } from 'undici';
import type { DeployTarget } from '../commands/deployment/deploy-target';
import { FlashError } from '../domain/errors';
import { FLASH_RUNTIME } from '../../worker/contract/endpoint-definition';
import { createLbApp } from '../../worker/lb/lb-app';
import { createLogger } from '../../worker/logger';
import { devBundle, type DevBundle } from './dev-bundle';
import { ensureLiveEndpoint } from './live-endpoint';
import { DevCallFailed, liveRuntime } from './live-runtime';

export interface DevServerOptions {
  root: string;
  app: string;
  target: DeployTarget;
  /** Default 8888; 0 picks a free one. */
  port?: number;
  /** Where the server reports (reloads, calls, the functions' output). */
  log?: (line: string) => void;
}

export interface DevServer {
  url: string;
  liveUrl: string;
  /** Rebundles now (the watcher does it on every change). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `flash dev`: serves the app from its sources on localhost. Load-balanced routes run in this process;
 * queue functions, called from those routes or with `POST /{endpoint}/runsync`, run on the app's live
 * worker through `/execute` with the current code. A file change rebundles at once, without a restart.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const log = options.log ?? (() => undefined);
  process.setSourceMapsEnabled(true);
  const dispatcher = new Agent({ connections: 16 });
  const live = await ensureLiveEndpoint(options.target, options.app);
  log(`live worker ${live.created ? 'provisioned' : 'reused'}: ${live.url}`);
  let bundle: DevBundle = await devBundle(options.root);
  const runtime = liveRuntime({
    url: live.url,
    apiKey: options.target.apiKey ?? '',
    dispatcher,
    code: () => ({ code: bundle.code, path: bundle.path }),
    onOutput: (endpoint, line) => log(`[${endpoint}] ${line}`),
  });
  // the realm the bundle runs in (the process's own global, even under a test runner's sandbox)
  const globals = runInThisContext('globalThis') as { [FLASH_RUNTIME]?: unknown };
  const previousRuntime = globals[FLASH_RUNTIME];
  globals[FLASH_RUNTIME] = runtime;
  const logger = createLogger({ resource: 'flash-dev' }, [options.target.apiKey]);
  let balancers = new Map<string, FastifyInstance>();
  const mount = async (): Promise<void> => {
    const next = new Map<string, FastifyInstance>();
    for (const [name, definition] of bundle.balancers) next.set(name, createLbApp(definition, logger));
    const old = balancers;
    balancers = next;
    await Promise.all([...old.values()].map((a) => a.close()));
  };
  await mount();

  const server = Fastify({ logger: false, bodyLimit: 30 * 1024 * 1024 });
  server.removeContentTypeParser('application/json');
  server.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  server.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );
  server.get('/', async () => ({
    app: options.app,
    queue: [...bundle.queues.keys()].map((name) => ({ endpoint: name, url: `/${name}/runsync` })),
    load_balanced: [...bundle.balancers.values()].map((d) => ({
      endpoint: d.name,
      routes: d.routes.map((r) => `${r.method} /${d.name}${r.path}`),
    })),
  }));
  server.all('/:endpoint/*', async (req, reply) => {
    const { endpoint } = req.params as { endpoint: string };
    const rest = req.url.slice(endpoint.length + 1) || '/';
    const queue = bundle.queues.get(endpoint);
    if (queue && rest.split('?')[0] === '/runsync' && req.method === 'POST') {
      let input: unknown;
      try {
        input = (JSON.parse((req.body as Buffer | undefined)?.toString() || '{}') as { input?: unknown })
          .input;
      } catch {
        return reply
          .code(400)
          .send({ status: 'error', code: 'BAD_JSON', error: 'the body must be JSON: {"input": {...}}' });
      }
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
          ...(failed ? { traceback: failed.traceback } : {}),
        });
      }
    }
    const app = balancers.get(endpoint);
    if (!app)
      return reply.code(404).send({
        status: 'error',
        code: 'ENDPOINT_NOT_FOUND',
        error: `no endpoint ${endpoint} in ${options.app} (see GET /)`,
      });
    const answer = await app.inject({
      method: req.method as 'GET',
      url: rest,
      headers: req.headers,
      ...(req.body === undefined ? {} : { payload: req.body as Buffer }),
    });
    return reply.code(answer.statusCode).headers(answer.headers).send(answer.rawPayload);
  });
  await server.listen({ port: options.port ?? 8888, host: '127.0.0.1' });
  const address = server.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : options.port}`;

  let reloading: Promise<void> = Promise.resolve();
  const reload = (): Promise<void> =>
    (reloading = reloading.then(async () => {
      try {
        bundle = await devBundle(options.root);
        await mount();
        log(`reloaded ${options.app} (${bundle.queues.size} queue, ${bundle.balancers.size} load-balanced)`);
      } catch (error) {
        log(
          `reload failed, still serving the previous code: ${error instanceof FlashError || error instanceof Error ? error.message : String(error)}`,
        );
      }
    }));
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(options.root, { recursive: true }, (_event, file) => {
    const name = String(file ?? '');
    if (name.startsWith('.flash') || name.includes('node_modules') || !/\.(ts|js|json)$/.test(name)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), 100);
  });
  log(`flash dev: ${options.app} on ${url}`);
  return {
    url,
    liveUrl: live.url,
    reload,
    close: async () => {
      clearTimeout(timer);
      watcher.close();
      await reloading;
      await server.close();
      await Promise.all([...balancers.values()].map((a) => a.close()));
      await dispatcher.close();
      globals[FLASH_RUNTIME] = previousRuntime;
    },
  };
}
