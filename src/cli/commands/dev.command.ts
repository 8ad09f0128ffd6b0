import { locateApp } from '../app/locate-app';
import { startDevServer } from '../../dev/dev-server';
import { FlashError } from '../../domain/errors';
import { parseTargetKind, resolveTarget } from '../../ledger/target';

export interface DevOptions {
  app?: string;
  port?: string;
  target?: string;
}

/**
 * `flash dev [dir]`: serves the app from its sources on localhost (default port 8888): load-balanced routes
 * in this process, queue functions on a live worker of the local cloud (or RunPod with `--target runpod`)
 * with the code shipped on each call; every saved change is live at once. Ctrl-C stops it.
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
    log: (line) => console.error(line),
  });
  console.log(`flash dev serving ${root} at ${server.url} (GET / lists the endpoints; Ctrl-C stops)`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      void server
        .close()
        .then(() => target.close())
        .then(done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
