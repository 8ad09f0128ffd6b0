import { Option, type Command } from 'commander';
import { appOption, target } from './options';

/** The apps and environments of a target: list them (ledger and target side by side) and delete them. */
export function addAccountCommands(program: Command): void {
  const app = program.command('app').description("the target's apps, as the ledger and the target see them");
  app
    .command('list')
    .description(
      'every app, its environments and endpoint count; marks those only the ledger or the target has',
    )
    .addOption(target())
    .option('--json', 'print the apps as one JSON document')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (options) => (await import('../commands/app.command')).appListCommand(options));
  app
    .command('delete')
    .argument('<name>', "the app's name")
    .description(
      'undeploy every environment through the ledger, then delete the app; exits 1 if anything survives',
    )
    .addOption(target())
    .option('-y, --yes', 'do not ask for confirmation (needed when not on a terminal)')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, options) =>
      (await import('../commands/app.command')).appDeleteCommand(name, options),
    );

  const env = program
    .command('env')
    .description("an app's environments, as the ledger and the target see them");
  env
    .command('list')
    .description('environments: version, status, endpoints, last deploy; marks those only one side has')
    .addOption(appOption())
    .option('--all', 'every app, not only the one around the current folder')
    .addOption(target())
    .option('--json', 'print the environments as one JSON document')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (options) => (await import('../commands/env.command')).envListCommand(options));
  env
    .command('delete')
    .argument('<env>', 'the environment')
    .description('undeploy the environment through the ledger, then delete it; exits 1 if anything survives')
    .addOption(appOption())
    .addOption(target())
    .option('-y, --yes', 'do not ask for confirmation (needed when not on a terminal)')
    .option('--json', 'print the result as JSON')
    .action(async (environment: string, options) =>
      (await import('../commands/env.command')).envDeleteCommand(environment, options),
    );
  env
    .command('policy')
    .argument('<env>', 'the environment')
    .argument('<policy>', 'alert (record drift and show it) or heal (deploy the recorded state again)')
    .description('what drift found by `flash refresh` or a runpod webhook leads to in this environment')
    .addOption(appOption())
    .addOption(target())
    .option('--json', 'print the result as JSON')
    .action(async (environment: string, policy: string, options) =>
      (await import('../commands/refresh.command')).envPolicyCommand(environment, policy, options),
    );
  addSecretCommands(program);
}

/**
 * RunPod account secrets (`runpodSecret('name')` in a config refers to one): set, list, delete. A value
 * is read from stdin or a hidden prompt, never from the command line.
 */
function addSecretCommands(program: Command): void {
  const secret = program
    .command('secret')
    .description("the account's RunPod secrets, which workers get at boot through runpodSecret('name')");
  secret
    .command('set')
    .argument('<name>', "the secret's name, as runpodSecret('name') refers to it")
    .description(
      'create the secret, or rotate it when it exists; the value is read from stdin or a hidden prompt',
    )
    .option('--description <text>', 'what the secret is for')
    .addOption(new Option('--value <value>', 'refused: values never go on the command line').hideHelp())
    .addOption(target())
    .option('--json', 'print the result as JSON (never the value)')
    .action(async (name: string, options) =>
      (await import('../commands/secret.command')).secretSetCommand(name, options),
    );
  secret
    .command('list')
    .description('every secret: name, description, created, updated (values are never shown)')
    .addOption(target())
    .option('--json', 'print the secrets as one JSON document')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (options) => (await import('../commands/secret.command')).secretListCommand(options));
  secret
    .command('delete')
    .argument('<name>', "the secret's name")
    .description('delete the secret; workers that start afterwards get its reference unresolved')
    .addOption(target())
    .option('-y, --yes', 'do not ask for confirmation (needed when not on a terminal)')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, options) =>
      (await import('../commands/secret.command')).secretDeleteCommand(name, options),
    );
}
