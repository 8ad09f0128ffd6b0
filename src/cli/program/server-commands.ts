import { InvalidArgumentError, Option, type Command } from 'commander';
import { wholeNumber } from '../options';

function port(value: string): number {
  const n = wholeNumber('--port')(value);
  if (n > 65535) throw new InvalidArgumentError(`--port takes a port from 0 to 65535, not "${value}"`);
  return n;
}

/** `flash serve`: the ledger over HTTP (loads Nest and fastify only when it runs). */
export function addServerCommands(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the ledger over HTTP: queries, a live event stream (SSE), commands and signed webhooks; runs the reactors',
    )
    .option('--port <port>', 'port to listen on (0: any free one)', port, 7720)
    .option('--host <host>', 'address to listen on (anything but loopback prints a warning)', '127.0.0.1')
    .option(
      '--print-token',
      'print the write token (made on first use in $FLASH_HOME/serve/tokens.json) and exit',
    )
    .addOption(new Option('--scope <scope>', 'with --print-token: which token').choices(['read', 'write']))
    .option(
      '--no-react',
      'do not run the reactors (push to deploy, drift to heal) here; `flash react --follow` can run them',
    )
    .option('--json', 'print one JSON line {ok, url} once listening')
    .action(async (options) => (await import('../commands/serve.command')).serveCommand(options));
}
