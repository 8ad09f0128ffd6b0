#!/usr/bin/env node
import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXIT, reportError } from './errors';
import { addAccountCommands } from './program/account-commands';
import { addAppCommands, addCallCommands } from './program/app-commands';
import { addCloudCommands } from './program/cloud-commands';
import { addCredentialCommands } from './program/credential-commands';
import { addHooksCommands } from './program/hooks-commands';
import { addImageCommands } from './program/image-commands';
import { addLedgerCommands } from './program/ledger-commands';
import { addServerCommands } from './program/server-commands';

/** The package's version, found from src/ and from dist/src/ alike. */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0';
  }
  return '0.0.0';
}

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

  addAppCommands(program);
  addCallCommands(program);
  addLedgerCommands(program);
  addCloudCommands(program);
  addImageCommands(program);
  addCredentialCommands(program);
  addAccountCommands(program);
  addHooksCommands(program);
  addServerCommands(program);
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
