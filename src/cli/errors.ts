import { CommanderError } from 'commander';
import { FlashError } from '../domain/errors';
import { BuildFailed, formatProblem } from '../build/build-errors';

/** Exit codes of every command: 0 ok, 1 failure, 2 usage error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Ends a command with an exit code after it has printed what it had to say (`deploy --plan` exits 2 on changes). */
export class CommandExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/** One readable line on stderr (the stack only with --verbose), and the exit code for it. */
export function reportError(error: unknown, verbose: boolean): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof CommandExit) return error.exitCode;
  if (error instanceof FlashError) {
    console.error(`error ${error.code}: ${error.message}`);
    if (verbose && error.stack) console.error(error.stack);
    return error.code === 'VALIDATION_FAILED' ||
      error.code === 'LEDGER_CONFIG_INVALID' ||
      error.code === 'USAGE'
      ? EXIT.usage
      : EXIT.failure;
  }
  if (error instanceof BuildFailed) {
    console.error(`error ${error.code}: the build stopped (.flash/ is as it was):`);
    for (const problem of error.problems) console.error(`  ${formatProblem(problem)}`);
    return EXIT.failure;
  }
  const coded =
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    /^[A-Z][A-Z0-9_]+$/.test(String((error as { code?: unknown }).code));
  if (coded) {
    console.error(`error ${String((error as { code?: unknown }).code)}: ${(error as Error).message}`);
    return EXIT.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(`error UNEXPECTED: ${message}${verbose ? '' : ' (run again with --verbose for details)'}`);
  if (verbose && error instanceof Error && error.stack) console.error(error.stack);
  return EXIT.failure;
}
