import type { Command } from 'commander';
import { HTTP_METHODS, httpMethod, wholeNumber } from '../options';
import { appOption, envOption, target } from './options';

/** The commands that work on an app: make it, build it, deploy and remove it, see it, call it. */
export function addAppCommands(program: Command): void {
  program
    .command('demo')
    .description('deploy an example app to a temporary local cloud, run it, print its history, undeploy it')
    .option('--json', 'print each step as JSON')
    .option('--keep', 'keep the temporary FLASH_HOME and print where it is')
    .action(async (options) => (await import('../commands/demo.command')).demoCommand(options));

  program
    .command('init')
    .argument('<dir>', 'folder for the new app (created; must be empty)')
    .description('create a starter app: one queue endpoint and one load-balanced endpoint that calls it')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, options) =>
      (await import('../commands/init.command')).initCommand(dir, options),
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
      (await import('../commands/build.command')).buildCommand(dir, options),
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
      '--env-file <path>',
      "a .env file with the values of the app's secret('NAME')s (read before the environment; never stored)",
    )
    .option(
      '--lock-timeout <seconds>',
      'wait this long for an environment another deployment holds',
      wholeNumber('--lock-timeout'),
      0,
    )
    .option('--json', 'print the result as JSON')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (dir: string | undefined, options) => {
      await (await import('../commands/deploy.command')).deployCommand(dir, options);
    });

  program
    .command('rollback')
    .argument('[dir]', "the app's folder (default: the app around the current folder)")
    .description(
      "deploy an earlier version's manifest and artifact again (default: the succeeded version before the current one)",
    )
    .addOption(appOption())
    .addOption(envOption())
    .addOption(target())
    .option('--to <version>', 'the version to restore, e.g. v3 (see flash history)')
    .option('--plan', 'show what would change and exit: 0 with no change, 2 with changes')
    .option('--env-file <path>', "a .env file with the values of the version's secret('NAME')s")
    .option(
      '--lock-timeout <seconds>',
      'wait this long for an environment another deployment holds',
      wholeNumber('--lock-timeout'),
      0,
    )
    .option('--json', 'print the result as JSON')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (dir: string | undefined, options) =>
      (await import('../commands/rollback.command')).rollbackCommand(dir, options),
    );

  program
    .command('refresh')
    .argument('[dir]', "the app's folder (default: the app around the current folder)")
    .description(
      'compare the environment on the target with the ledger and record drift (deleted, changed or unknown endpoints)',
    )
    .addOption(appOption())
    .addOption(envOption())
    .addOption(target())
    .option('--json', 'print the result as JSON')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (dir: string | undefined, options) =>
      (await import('../commands/refresh.command')).refreshCommand(dir, options),
    );

  program
    .command('react')
    .description(
      'run the reactors on recorded outside events: deploy pushes to mapped branches, heal drift under the heal policy',
    )
    .option('--follow', 'keep running and react to new events (Ctrl-C stops)')
    .option('--json', 'print each reaction as a JSON line')
    .action(async (options) => (await import('../commands/refresh.command')).reactCommand(options));

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
      (await import('../commands/undeploy.command')).undeployCommand(dir, options),
    );
}

/** The commands that look at a deployed app and call it. */
export function addCallCommands(program: Command): void {
  program
    .command('status')
    .argument('[dir]', "the app's folder (default: the app around the current folder)")
    .description("what the app's environment has deployed: endpoints, config hashes, URLs, workers and jobs")
    .addOption(appOption())
    .addOption(envOption())
    .option('--all', 'every app and environment in the ledger')
    .option('--no-health', "do not ask the target for each endpoint's workers and jobs")
    .option('--json', 'print the result as JSON')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (dir: string | undefined, options) =>
      (await import('../commands/status.command')).statusCommand(dir, options),
    );

  program
    .command('logs')
    .argument('<resource>', 'the resource (endpoint) name')
    .description("a deployed endpoint's worker logs, from the target it runs on (local cloud or RunPod)")
    .option('--follow', 'keep printing new lines until interrupted')
    .option('--since <age>', 'only lines this recent: 30s, 10m, 2h, 1d')
    .addOption(appOption())
    .addOption(envOption())
    .option('--dir <dir>', "the app's folder (default: the app around the current folder)")
    .option('--json', 'print the lines as JSON (with --follow: one JSON line per log line)')
    .action(async (resource: string, options) =>
      (await import('../commands/logs.command')).logsCommand(resource, options),
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
      (await import('../commands/invoke.command')).invokeCommand(resource, input, options),
    );
}
