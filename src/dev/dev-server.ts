import { realpathSync } from 'node:fs';
import { runInThisContext } from 'node:vm';
import Fastify, { type FastifyInstance } from 'fastify';
import { Agent } from 'undici';
import type { BuildFailed } from '../build/build-errors';
import type { DeployTarget } from '../ledger/target';
import { FLASH_RUNTIME } from '../../worker/contract/endpoint-definition';
import { createLbApp, createLogger } from '../../worker/embed';
import { changesBundle, devBundle, type DevBundle } from './dev-bundle';
import { registerDevRoutes } from './dev-routes';
import { DevSession } from '../ledger/dev-session';
import { ensureLiveEndpoint, type LiveCompute } from '../ledger/live-endpoint';
import { resolveSecrets } from '../ledger/secrets';
import { normalizeConfig } from '../sdk/config';
import { liveRuntime } from './live-runtime';
import { loadFailure } from './load-failure';
import { watchSources, type SourceWatcher } from './source-watcher';

export interface DevServerOptions {
  root: string;
  app: string;
  target: DeployTarget;
  /** Default 8888; 0 picks a free one. */
  port?: number;
  /** Where the server reports (reloads, calls, the functions' output). */
  log?: (line: string) => void;
  /** Rebundle when a source file changes. Default true; with false only `reload()` rebundles. */
  watch?: boolean;
  /** Quiet time, in ms, that ends a burst of changes before the one rebundle it causes. Default 100. */
  debounceMs?: number;
  /** A .env file read (before the environment) for the values of the resources' `secret('NAME')`s. */
  envFile?: string;
  /** Where secret values are read after `envFile`. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface DevServer {
  url: string;
  /** Resource → live endpoint id, for the queue resources called so far. */
  liveEndpoints(): Record<string, string>;
  /** Rebundles now (the watcher does it after every burst of changes). */
  reload(): Promise<void>;
  /**
   * Stops watching, waits for a reload in progress, closes the server, and removes the live endpoints
   * this run made (unless `keep`); answers those that could not be removed.
   */
  close(options?: { keep?: boolean }): Promise<{ id: string; reason: string }[]>;
}

/**
 * `flash dev`: serves the app from its sources on localhost. Load-balanced routes run in this process;
 * queue functions, called from those routes or with `POST /{endpoint}/runsync`, run on the app's live
 * worker through `/execute` with the current code. A file change rebundles at once, without a restart.
 * While the last rebundle failed, every call answers 500 with the build error (`code`, and a `message`
 * naming the file and line) instead of running the previous code; the next good save serves again.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const log = options.log ?? (() => undefined);
  process.setSourceMapsEnabled(true);
  // esbuild names the files it read by their real path: the watcher names them the same way
  const root = realpathSync(options.root);
  const dispatcher = new Agent({ connections: 16 });
  const { session, removed } = await DevSession.open(options.target, options.app);
  if (removed.length > 0)
    log(`removed ${removed.length} live endpoint(s) an earlier flash dev left: ${removed.join(', ')}`);
  let bundle: DevBundle = await devBundle(root);
  let failure: BuildFailed | undefined;
  const live = new Map<string, Promise<string>>();
  // one live endpoint per queue resource, with the resource's compute, made when it is first called
  const urlFor = (resource: string): Promise<string> => {
    let url = live.get(resource);
    if (!url) {
      url = provisionLive(options, session, resource, bundle, log);
      url.catch(() => live.delete(resource)); // a failed provision is tried again at the next call
      live.set(resource, url);
    }
    return url;
  };
  const runtime = liveRuntime({
    urlFor,
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
  const mount = async (fresh: DevBundle): Promise<void> => {
    const next = new Map<string, FastifyInstance>();
    for (const [name, definition] of fresh.balancers) next.set(name, createLbApp(definition, logger));
    const old = balancers;
    balancers = next;
    await Promise.all([...old.values()].map((a) => a.close()));
  };
  await mount(bundle);

  const server = Fastify({ logger: false, bodyLimit: 30 * 1024 * 1024 });
  registerDevRoutes(server, () => ({ app: options.app, bundle, balancers, failure }), runtime, log);
  await server.listen({ port: options.port ?? 8888, host: '127.0.0.1' });
  const address = server.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : options.port}`;

  let reloading: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  // one reload at a time; asking while one waits joins it (it reads the files when it starts)
  const reload = (): Promise<void> =>
    (queued ??= reloading =
      reloading.then(async () => {
        queued = undefined;
        try {
          const fresh = await devBundle(root);
          await mount(fresh);
          bundle = fresh;
          failure = undefined;
          log(
            `reloaded ${options.app} (${bundle.queues.size} queue, ${bundle.balancers.size} load-balanced)`,
          );
        } catch (error) {
          failure = loadFailure(error, root);
          log(`reload failed (${failure.code}): ${failure.message.split('\n').join('; ')}`);
        }
      }));
  let watcher: SourceWatcher | undefined;
  if (options.watch !== false)
    watcher = await watchSources({
      root,
      debounceMs: options.debounceMs,
      onChange: (paths) => {
        if (failure || changesBundle(bundle, root, paths)) void reload();
      },
      onError: (error) => log(`watch error: ${error.message}`),
    }).catch(async (error: unknown) => {
      await server.close();
      throw error;
    });
  log(`flash dev: ${options.app} on ${url}`);
  return {
    url,
    liveEndpoints: () => session.recorded(),
    reload,
    close: async ({ keep = false } = {}) => {
      await watcher?.close();
      await reloading;
      await server.close();
      await Promise.all([...balancers.values()].map((a) => a.close()));
      await dispatcher.close();
      globals[FLASH_RUNTIME] = previousRuntime;
      const ended = await session.end(keep);
      if (ended.removed.length > 0) log(`removed ${ended.removed.length} live endpoint(s)`);
      return ended.left;
    },
  };
}

/** Provisions (or finds) the live endpoint of a queue resource with its own compute, and records it. */
async function provisionLive(
  options: DevServerOptions,
  session: DevSession,
  resource: string,
  bundle: DevBundle,
  log: (line: string) => void,
): Promise<string> {
  const definition = bundle.queues.get(resource);
  const normalized = definition ? normalizeConfig(definition.config, 'queue') : undefined;
  const config = normalized?.ok === true ? normalized.config : undefined;
  // a config the build would refuse still runs in dev, on the smallest CPU worker and without its env
  const compute: LiveCompute = config?.compute ?? { kind: 'cpu', instanceIds: ['cpu3c-1-2'] };
  // the worker sees what a deployed one would: the literal env, and each secret's value as the
  // deployer's variable holds it (SECRET_MISSING, naming it, fails this call when it is not set)
  const secrets = config?.secrets ?? {};
  const values = resolveSecrets(
    { resources: { [resource]: { secrets } } },
    { ...(options.envFile ? { envFile: options.envFile } : {}), env: options.env ?? process.env },
  );
  const env: Record<string, string> = { ...(config?.env ?? {}) };
  for (const [variable, source] of Object.entries(secrets)) {
    const value = values.get(source)?.value;
    if (value !== undefined) env[variable] = value;
  }
  const live = await ensureLiveEndpoint(options.target, options.app, { name: resource, compute, env });
  session.add(resource, live.id);
  log(`live worker of ${resource} ${live.created ? 'provisioned' : 'reused'}: ${live.url}`);
  return live.url;
}
