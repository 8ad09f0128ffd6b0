#!/usr/bin/env node
import { Command, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXIT, reportError } from './errors';
import { HTTP_METHODS, httpMethod, positiveInteger, wholeNumber } from './options';

/** The package's version, found from src/ and from dist/src/ alike. */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0';
  }
  return '0.0.0';
}

const target = (): Option =>
  new Option('--target <target>', 'where the app runs').choices(['local', 'runpod']).default('local');
const envOption = (): Option => new Option('--env <name>', 'environment').default('production');
const appOption = (): Option =>
  new Option(
    '--app <name>',
    "the app's name (default: the app folder's package.json name, else the folder's name)",
  );

/**
 * Builds the `flash` program; `argv` is parsed by the caller, so tests can run it in-process. Every
 * command loads its implementation when it runs: `flash --help` and `flash --version` load commander
 * and nothing else, and only the commands that write to the ledger load NestJS.
 */
export function buildProgram(output: { writeErr?: (text: string) => void } = {}): Command {
  const program = new Command('flash')
    .description('Deploy serverless apps made of peer endpoints, with a ledger that remembers every step.')
    .version(packageVersion())
    .option('--verbose', 'print stack traces with errors')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  // subcommands copy this when they are created
  if (output.writeErr) program.configureOutput({ writeErr: output.writeErr });

  program
    .command('demo')
    .description('deploy an example app to a temporary local cloud, run it, print its history, undeploy it')
    .option('--json', 'print each step as JSON')
    .option('--keep', 'keep the temporary FLASH_HOME and print where it is')
    .action(async (options) => (await import('./commands/demo.command')).demoCommand(options));

  program
    .command('init')
    .argument('<dir>', 'folder for the new app (created; must be empty)')
    .description('create a starter app: one queue endpoint and one load-balanced endpoint that calls it')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, options) =>
      (await import('./commands/init.command')).initCommand(dir, options),
    );

  program
    .command('build')
    .argument('[dir]', "the app's folder (default: the app around the current folder)")
    .description(
      'scan, type-check and bundle the app: .flash/build/flash_manifest.json and .flash/artifact.tar.gz',
    )
    .addOption(appOption())
    .option('--json', 'print the result as JSON')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .option('--force', 'rebuild even when nothing changed')
    .action(async (dir: string | undefined, options) =>
      (await import('./commands/build.command')).buildCommand(dir, options),
    );

  program
    .command('deploy')
    .argument('[dir]', "the app's folder (default: the app around the current folder)")
    .description(
      'build the app, provision every endpoint through the ledger, publish the manifest with every URL',
    )
    .addOption(appOption())
    .addOption(envOption())
    .addOption(target())
    .option('--plan', 'show what would change and exit: 0 with no change, 2 with changes')
    .option(
      '--resume [deploymentId]',
      "finish the environment's interrupted or failed deployment (or the one named)",
    )
    .option('--force', 'deploy even when nothing changed (records a new version)')
    .option(
      '--lock-timeout <seconds>',
      'wait this long for an environment another deployment holds',
      wholeNumber('--lock-timeout'),
      0,
    )
    .option('--json', 'print the result as JSON')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (dir: string | undefined, options) => {
      await (await import('./commands/deploy.command')).deployCommand(dir, options);
    });

  program
    .command('undeploy')
    .argument('[dir]', "the app's folder (default: the app around the current folder)")
    .description("delete every endpoint of the app's environment; exits 1 if any survives")
    .addOption(appOption())
    .addOption(envOption())
    .addOption(target())
    .option('-y, --yes', 'do not ask for confirmation (needed when not on a terminal)')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string | undefined, options) =>
      (await import('./commands/undeploy.command')).undeployCommand(dir, options),
    );

  program
    .command('status')
    .argument('[dir]', "the app's folder (default: the app around the current folder)")
    .description("what the app's environment has deployed: endpoints, config hashes, URLs")
    .addOption(appOption())
    .addOption(envOption())
    .option('--all', 'every app and environment in the ledger')
    .option('--json', 'print the result as JSON')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (dir: string | undefined, options) =>
      (await import('./commands/status.command')).statusCommand(dir, options),
    );

  program
    .command('invoke')
    .argument('<resource>', 'the resource (endpoint) name')
    .argument('[json]', 'input for a queue endpoint, or the body for a load-balanced route')
    .description('call a deployed endpoint: /runsync for queue endpoints, a route for load-balanced ones')
    .option('--path <path>', 'route path of a load-balanced endpoint', '/')
    .option(
      '--method <method>',
      `HTTP method of the route: ${HTTP_METHODS.join(', ')} (default POST with a body, else GET)`,
      httpMethod,
    )
    .addOption(appOption())
    .addOption(envOption())
    .option('--dir <dir>', "the app's folder (default: the app around the current folder)")
    .addOption(target())
    .option('--json', 'print the whole answer as JSON')
    .action(async (resource: string, input: string | undefined, options) =>
      (await import('./commands/invoke.command')).invokeCommand(resource, input, options),
    );

  program
    .command('history')
    .description("the app's deployments: version, time, who, git commit, status, duration, changes")
    .addOption(appOption())
    .option('--env <name>', 'only this environment')
    .option('--all', 'every app in the ledger, not only the one around the current folder')
    .option('--json', 'print the deployments as one JSON document')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (options) => (await import('./commands/history.command')).historyCommand(options));

  program
    .command('audit')
    .description('every recorded fact with its actor, correlation and causation ids')
    .option('--deployment <id>', 'only this deployment (its id, or a unique prefix of 4+ characters)')
    .option('--limit <n>', 'only the last n entries', positiveInteger('--limit'))
    .option('--json', 'print the entries as one JSON document')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (options) => (await import('./commands/audit.command')).auditCommand(options));

  program
    .command('replay')
    .argument('<deploymentId>', 'the deployment (its id, or a unique prefix of 4+ characters)')
    .description("fold a deployment's events one by one and print the state after each (for debugging)")
    .option('--until <n>', 'stop after the n-th event (default: every event)', positiveInteger('--until'))
    .option('--json', 'print the steps, each with the full state, as one JSON document')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (id: string, options) =>
      (await import('./commands/replay.command')).replayCommand(id, options),
    );

  program
    .command('projections')
    .description('the views the ledger keeps')
    .command('rebuild')
    .description('rebuild every view from position 0 and report whether it equals the incremental one')
    .option('--json', 'print the result as JSON')
    .action(async (options) => (await import('./commands/rebuild.command')).rebuildCommand(options));

  program
    .command('ledger')
    .description('the embedded ledger file ($FLASH_HOME/ledger.db, or FLASH_LEDGER=sqlite:<file>)')
    .command('verify')
    .description('check every event against its hash chain; exit 1 naming the first bad position')
    .option('--json', 'print the result as one JSON document')
    .action(async (options) => (await import('./commands/ledger.command')).ledgerVerifyCommand(options));

  program
    .command('events')
    .description('print the ledger in order ($FLASH_HOME/ledger.db, or FLASH_LEDGER)')
    .option('--json', 'print the events as JSON lines')
    .option('--follow', 'keep printing events as every process appends them (Ctrl-C to stop)')
    .option('--from <position>', 'first ledger position to print', positiveInteger('--from'))
    .option('--limit <n>', 'most events to print without --follow', positiveInteger('--limit'))
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (options) => (await import('./commands/events.command')).eventsCommand(options));

  program
    .command('dev')
    .argument('[dir]', "the app's folder (default: the app around the current folder)")
    .description(
      'serve the app from its sources on localhost; queue functions run on a live worker; saves are live at once',
    )
    .addOption(appOption())
    .option('--port <port>', 'local port (FLASH_DEV_PORT, default 8888; 0 picks one)')
    .addOption(target())
    .action(async (dir: string | undefined, options) =>
      (await import('./commands/dev.command')).devCommand(dir, options),
    );

  const cloud = program
    .command('cloud')
    .description('the local, RunPod-compatible cloud ($FLASH_HOME/cloud, FLASH_CLOUD_URL)');
  cloud
    .command('start')
    .description('start the local cloud in the background (or find it running)')
    .option('--json', 'print the result as JSON')
    .action(async (options) => (await import('./commands/cloud.command')).cloudStart(options));
  cloud
    .command('stop')
    .description('stop the local cloud and its workers')
    .option('--json', 'print the result as JSON')
    .action(async (options) => (await import('./commands/cloud.command')).cloudStop(options));
  cloud
    .command('status')
    .description('is the local cloud running, and where')
    .option('--json', 'print the result as JSON')
    .action(async (options) => (await import('./commands/cloud.command')).cloudStatusCommand(options));
  cloud
    .command('logs')
    .argument('<resource>', 'endpoint name (or id)')
    .description("print an endpoint's worker logs")
    .option('--lines <n>', 'lines per worker', positiveInteger('--lines'), 200)
    .option('--json', 'print the logs as JSON')
    .action(async (resource: string, options) =>
      (await import('./commands/cloud.command')).cloudLogs(resource, options),
    );
  return program;
}

/** Runs the CLI with `argv` and resolves to its exit code: 0 ok, 1 failure, 2 usage error. */
export async function main(argv: string[]): Promise<number> {
  // `flash history | head` closes the pipe early: stop quietly, as other command-line tools do
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const json = argv.includes('--json');
  // under --json a usage error becomes a JSON document on stdout, not commander's text on stderr
  const program = buildProgram(json ? { writeErr: () => undefined } : {});
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    return reportError(error, { verbose: argv.includes('--verbose'), json });
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
