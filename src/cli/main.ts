#!/usr/bin/env node
import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildCommand } from './commands/build.command';
import { registerCloudCommands } from './commands/cloud.command';
import { demoCommand } from './commands/demo.command';
import { initCommand } from './commands/init.command';
import { eventsCommand } from './commands/events.command';
import { deployCommand, type DeployOptions } from './commands/deploy.command';
import { devCommand } from './commands/dev.command';
import { invokeCommand } from './commands/invoke.command';
import { auditCommand, historyCommand, rebuildCommand, statusCommand } from './commands/ledger-views.command';
import { replayCommand } from './commands/replay.command';
import { undeployCommand } from './commands/undeploy.command';
import { reportError } from './errors';

/** The package's version, found from src/ and from dist/src/ alike. */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0';
  }
  return '0.0.0';
}

/** Builds the `flash` program; `argv` is parsed by the caller, so tests can run it in-process. */
export function buildProgram(): Command {
  const program = new Command('flash')
    .description('Deploy serverless apps made of peer endpoints, with a ledger that remembers every step.')
    .version(packageVersion())
    .option('--verbose', 'print stack traces with errors')
    .exitOverride()
    .showHelpAfterError();

  program
    .command('demo')
    .description('record a sample deployment in a temporary ledger, read it back, print it as a timeline')
    .option('--json', 'print the events as JSON lines')
    .option('--keep', 'keep the temporary ledger and print where it is')
    .action(demoCommand);

  program
    .command('init')
    .argument('<dir>', 'folder for the new app (created; must be empty)')
    .description('create a starter app: one queue endpoint and one load-balanced endpoint that calls it')
    .option('--json', 'print the result as JSON')
    .action(initCommand);

  program
    .command('build')
    .argument('[dir]', "the app's folder", '.')
    .description(
      'scan the app, bundle it, install declared dependencies, write .flash/build/flash_manifest.json and .flash/artifact.tar.gz',
    )
    .option('--json', 'print the result as JSON')
    .option('--force', 'rebuild even when nothing changed')
    .action(buildCommand);

  program
    .command('events')
    .description('print the ledger in order ($FLASH_HOME/ledger.db, or FLASH_LEDGER)')
    .option('--json', 'print the events as JSON lines')
    .option('--follow', 'keep printing events as every process appends them (Ctrl-C to stop)')
    .option('--from <position>', 'first ledger position to print', undefined)
    .option('--limit <n>', 'most events to print without --follow', undefined)
    .action(eventsCommand);

  program
    .command('deploy')
    .argument('[dir]', "the app's folder", '.')
    .description(
      'build the app, then provision every endpoint through the ledger and publish the manifest with every URL',
    )
    .option('--env <name>', 'environment', 'production')
    .option('--target <target>', 'local (the local cloud, started on demand) or runpod', 'local')
    .option('--plan', 'show what would change and exit: 0 with no change, 2 with changes')
    .option(
      '--resume [deploymentId]',
      "finish the environment's interrupted or failed deployment (or the one named)",
    )
    .option('--json', 'print the result as JSON')
    .action(async (dir: string | undefined, options: DeployOptions) => {
      await deployCommand(dir, options);
    });

  program
    .command('undeploy')
    .argument('[dir]', "the app's folder", '.')
    .description("delete every endpoint of the app's environment; exits 1 if any survives")
    .option('--env <name>', 'environment', 'production')
    .option('--target <target>', 'local or runpod', 'local')
    .option('--json', 'print the result as JSON')
    .action(undeployCommand);

  program
    .command('status')
    .argument('[dir]', "the app's folder", '.')
    .description("what the app's environment has deployed: endpoints, config hashes, URLs")
    .option('--env <name>', 'environment', 'production')
    .option('--app <name>', "the app (default: the folder's package name)")
    .option('--json', 'print the result as JSON')
    .action(statusCommand);

  program
    .command('invoke')
    .argument('<resource>', 'the resource (endpoint) name')
    .argument('[json]', 'input for a queue endpoint, or the body for a load-balanced route')
    .description('call a deployed endpoint: /runsync for queue endpoints, a route for load-balanced ones')
    .option('--path <path>', 'route path of a load-balanced endpoint', '/')
    .option('--method <method>', 'HTTP method of the route (default POST with a body, else GET)')
    .option('--env <name>', 'environment', 'production')
    .option('--dir <dir>', "the app's folder", '.')
    .option('--target <target>', 'local or runpod', 'local')
    .option('--json', 'print the whole answer as JSON')
    .action(invokeCommand);

  program
    .command('history')
    .description('every deployment: version, time, who, git commit, status, duration')
    .option('--app <name>', 'only this app')
    .option('--env <name>', 'only this environment')
    .option('--json', 'print one JSON object per deployment')
    .action(historyCommand);

  program
    .command('audit')
    .description('every recorded fact with its actor, correlation and causation ids')
    .option('--deployment <id>', 'only this deployment')
    .option('--limit <n>', 'only the last n entries')
    .option('--json', 'print one JSON object per entry')
    .action(auditCommand);

  program
    .command('replay')
    .argument('<deploymentId>', 'the deployment to replay')
    .description("fold a deployment's events one by one and print the state after each (for debugging)")
    .option('--until <n>', 'stop after the n-th event')
    .option('--json', 'print one JSON object per event with the full state')
    .action(replayCommand);

  program
    .command('projections')
    .description('the views the ledger keeps')
    .command('rebuild')
    .description('rebuild every view from position 0 and report whether it equals the incremental one')
    .option('--json', 'print the result as JSON')
    .action(rebuildCommand);

  program
    .command('dev')
    .argument('[dir]', "the app's folder", '.')
    .description(
      'serve the app from its sources on localhost: routes here, queue functions on a live worker with the code shipped per call; changes are live at once',
    )
    .option('--port <port>', 'local port (FLASH_DEV_PORT, default 8888; 0 picks one)')
    .option('--target <target>', 'where live workers run: local or runpod', 'local')
    .action(devCommand);

  registerCloudCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    return reportError(error, argv.includes('--verbose'));
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
