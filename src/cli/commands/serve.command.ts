import { isLoopback, loadTokens, tokensFile, type TokenScope } from '../../server/tokens';
import { FlashError } from '../../domain/errors';
import { printJson } from '../output/print';

export interface ServeCommandOptions {
  port?: number;
  host?: string;
  printToken?: boolean;
  scope?: TokenScope;
  json?: boolean;
  /** `--no-react`: false. */
  react?: boolean;
}

/**
 * `flash serve`: the ledger's queries, live events and commands over HTTP on 127.0.0.1:7720 (or
 * `--host`/`--port`), in the foreground until SIGINT or SIGTERM. `--print-token` prints the write token
 * (`--scope read` the read one) and exits.
 */
export async function serveCommand(options: ServeCommandOptions): Promise<void> {
  if (options.scope && !options.printToken)
    throw new FlashError(
      'USAGE',
      '--scope goes with --print-token: `flash serve --print-token --scope read`',
    );
  if (options.printToken) {
    const tokens = loadTokens();
    const scope = options.scope ?? 'write';
    if (options.json) printJson({ ok: true, scope, token: tokens[scope], file: tokensFile() });
    else console.log(tokens[scope]);
    return;
  }
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host))
    console.error(
      `warning: flash serve listens on ${host}, beyond this machine: anyone who can reach it and holds a token can read the ledger (and resume deployments with the write token); the traffic is plain HTTP`,
    );
  // Nest and fastify load only now: --print-token stays light
  const { startServer } = await import('../../server/serve');
  const server = await startServer({ host, port: options.port ?? 7720, react: options.react !== false });
  if (options.json) console.log(JSON.stringify({ ok: true, url: server.url }));
  else console.log(`serving ${server.url} (token: flash serve --print-token)`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  if (!options.json) console.error('flash serve stopped');
}
