import { Option, type Command } from 'commander';
import { positiveInteger } from '../options';
import { appOption, target } from './options';

/** `flash dev` and the local cloud's commands. */
export function addCloudCommands(program: Command): void {
  program
    .command('dev')
    .argument('[dir]', "the app's folder (default: the app around the current folder)")
    .description(
      'serve the app from its sources on localhost; queue functions run on a live worker; saves are live at once',
    )
    .addOption(appOption())
    .option('--port <port>', 'local port (FLASH_DEV_PORT, default 8888; 0 picks one)')
    .option('--keep', 'leave the live endpoints when it stops (they are reused next time)')
    .option(
      '--env-file <path>',
      "a .env file with the values of the app's secret('NAME')s for the live workers (read before the environment; never stored)",
    )
    .addOption(target())
    .action(async (dir: string | undefined, options) =>
      (await import('../commands/dev.command')).devCommand(dir, options),
    );

  const cloud = program
    .command('cloud')
    .description('the local, RunPod-compatible cloud ($FLASH_HOME/cloud, FLASH_CLOUD_URL)');
  cloud
    .command('start')
    .description('start the local cloud in the background (or find it running)')
    .addOption(
      new Option(
        '--runtime <kind>',
        'run workers as processes (fast) or as containers of their image, exactly as on RunPod (FLASH_CLOUD_RUNTIME)',
      ).choices(['process', 'container']),
    )
    .option('--json', 'print the result as JSON')
    .action(async (options) => (await import('../commands/cloud.command')).cloudStart(options));
  cloud
    .command('stop')
    .description('stop the local cloud and its workers')
    .option('--json', 'print the result as JSON')
    .action(async (options) => (await import('../commands/cloud.command')).cloudStop(options));
  cloud
    .command('status')
    .description('is the local cloud running, and where')
    .option('--json', 'print the result as JSON')
    .action(async (options) => (await import('../commands/cloud.command')).cloudStatusCommand(options));
  cloud
    .command('logs')
    .argument('<resource>', 'endpoint name (or id)')
    .description("print an endpoint's worker logs")
    .option('--lines <n>', 'lines per worker', positiveInteger('--lines'), 200)
    .option('--json', 'print the logs as JSON')
    .action(async (resource: string, options) =>
      (await import('../commands/cloud.command')).cloudLogs(resource, options),
    );
}
