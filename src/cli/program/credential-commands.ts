import type { Command } from 'commander';
import { positiveInteger } from '../options';
import { target } from './options';

/** `flash login`, `flash whoami` and `flash logout`: the RunPod key in the credentials file. */
export function addCredentialCommands(program: Command): void {
  program
    .command('login')
    .description(
      'get an API key by approving a login request in the browser; stored in ~/.runpod/config.toml (FLASH_CREDENTIALS_FILE)',
    )
    .addOption(target())
    .option('--timeout <seconds>', 'how long to wait for the approval', positiveInteger('--timeout'), 600)
    .option('--json', 'print the result as JSON')
    .action(async (options) => (await import('../commands/login.command')).loginCommand(options));
  program
    .command('whoami')
    .description(
      'which API key the commands use (environment or credentials file), and whether the target accepts it',
    )
    .addOption(target())
    .option('--json', 'print the result as JSON')
    .action(async (options) => (await import('../commands/whoami.command')).whoamiCommand(options));
  program
    .command('logout')
    .description('remove the API key from the credentials file (the rest of the file stays)')
    .option('--json', 'print the result as JSON')
    .action(async (options) => (await import('../commands/logout.command')).logoutCommand(options));
}
