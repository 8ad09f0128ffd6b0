import { Option, type Command } from 'commander';
import { appOption, envOption } from './options';

const load = () => import('../commands/hooks.command');

/**
 * `flash hooks ...`: the webhook intake's sources (their secrets in `$FLASH_HOME/hooks/secrets.json`) and
 * which GitHub push deploys which app (`$FLASH_HOME/hooks/map.json`). `flash serve` takes the deliveries
 * at `POST /v1/hooks/{github|runpod|generic}`.
 */
export function addHooksCommands(program: Command): void {
  const hooks = program
    .command('hooks')
    .description('webhook sources (github, runpod, generic) and the pushes that deploy an app');
  hooks
    .command('add')
    .argument('<source>', 'github, runpod or generic')
    .description(
      'configure a source with a new random secret (or one piped on stdin), printed this once with where to paste it; rotates an existing one',
    )
    .option('--secret-stdin', 'read the secret from stdin instead of generating one')
    .option('--base-url <url>', "the address `flash serve` is reached at, to print the webhook's full URL")
    .option('--json', 'print the result as JSON (the only time the secret is printed)')
    .action(async (source: string, options) => (await load()).hooksAddCommand(source, options));
  hooks
    .command('list')
    .description('configured sources (fingerprints, never secrets) and push mappings')
    .option('--json', 'print them as one JSON document')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (options) => (await load()).hooksListCommand(options));
  hooks
    .command('remove')
    .argument('<source>', 'github, runpod or generic')
    .description("forget the source's secret: its deliveries are refused (404) from now on")
    .option('--json', 'print the result as JSON')
    .action(async (source: string, options) => (await load()).hooksRemoveCommand(source, options));
  hooks
    .command('map')
    .argument('<repository>', 'the GitHub repository, owner/name')
    .argument('<branch>', 'the branch whose pushes deploy')
    .description(
      "deploy the app in --app-dir when <branch> of <repository> is pushed (replaces that pair's mapping)",
    )
    .requiredOption('--app-dir <dir>', "the app's folder")
    .addOption(envOption())
    .addOption(
      new Option('--target <target>', 'where the app runs').choices(['local', 'runpod']).default('local'),
    )
    .addOption(appOption())
    .option('--json', 'print the result as JSON')
    .action(async (repository: string, branch: string, options) =>
      (await load()).hooksMapCommand(repository, branch, options),
    );
  hooks
    .command('unmap')
    .argument('<repository>', 'the GitHub repository, owner/name')
    .argument('<branch>', 'the branch')
    .description('stop deploying on pushes to <branch> of <repository>')
    .option('--json', 'print the result as JSON')
    .action(async (repository: string, branch: string, options) =>
      (await load()).hooksUnmapCommand(repository, branch, options),
    );
}
