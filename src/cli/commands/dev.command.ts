import { locateApp } from '../app/locate-app';
import { startDevServer } from '../../dev/dev-server';
import { FlashError } from '../../domain/errors';
import { parseTargetKind, resolveTarget } from '../../ledger/target';

export interface DevOptions {
  /** Leave the live endpoints when it ends. */
  keep?: boolean;
  app?: string;
  port?: string;
  target?: string;
  /** A .env file read before the environment for the values of `secret('NAME')`. */
  envFile?: string;
}

/**
 * `flash dev [dir]`: serves the app from its sources on localhost (default port 8888): load-balanced routes
 * in this process, queue functions on a live worker of the local cloud (or RunPod with `--target runpod`)
 * with the code shipped on each call; every saved change is live at once. Each queue resource gets its
 * own live endpoint, with its compute, its `env` and the values of its `secret('NAME')`s (from
 * `--env-file`, then the environment), and no warm worker, made at its first call; Ctrl-C (or SIGTERM)
 * stops it and removes them unless `--keep`, and the next run removes those of a run that was killed.
 */
export async function devCommand(dir: string | undefined, options: DevOptions): Promise<void> {
  const { root, name: app } = locateApp(dir, options.app);
  const port = Number(options.port ?? process.env.FLASH_DEV_PORT ?? 8888);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new FlashError('USAGE', `--port takes a port number, not ${options.port ?? ''}`);
  const target = await resolveTarget(parseTargetKind(options.target), {
    start: true,
    onStart: (url) => console.error(`starting the local cloud at ${url}...`),
  });
  const server = await startDevServer({
    root,
    app,
    target,
    port,
    ...(options.envFile ? { envFile: options.envFile } : {}),
    log: (line) => console.error(line),
  });
  console.log(`flash dev serving ${root} at ${server.url} (GET / lists the endpoints; Ctrl-C stops)`);
  const left = await new Promise<{ id: string; reason: string }[]>((done, fail) => {
    const stop = (): void => {
      console.error(
        options.keep
          ? 'stopping (keeping the live endpoints)...'
          : 'stopping: removing the live endpoints...',
      );
      void server.close({ keep: options.keep }).then(async (notRemoved) => {
        await target.close();
        done(notRemoved);
      }, fail);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  if (left.length > 0)
    throw new FlashError(
      'LIVE_ENDPOINTS_LEFT',
      `${left.length} live endpoint(s) could not be removed (the next flash dev removes them): ${left.map((l) => `${l.id} (${l.reason})`).join('; ')}`,
    );
}
