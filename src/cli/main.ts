#!/usr/bin/env node
import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildCommand } from './commands/build.command';
import { registerCloudCommands } from './commands/cloud.command';
import { demoCommand } from './commands/demo.command';
import { initCommand } from './commands/init.command';
import { eventsCommand } from './commands/events.command';
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
