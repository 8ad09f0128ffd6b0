import { CommanderError } from 'commander';
import { FlashError } from '../domain/errors';
import { BuildFailed, formatProblem } from '../build/build-errors';

/** Exit codes of every command: 0 ok, 1 failure, 2 usage error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Codes that mean "the command was asked wrongly": exit 2, like a usage error. */
const USAGE_CODES = new Set([
  'USAGE',
  'VALIDATION_FAILED',
  'LEDGER_CONFIG_INVALID',
  'INVALID_APP_NAME',
  'INVALID_ENVIRONMENT_NAME',
  'CONFIRMATION_REQUIRED',
  'SECRET_VALUE_IN_ARGV',
  'DEPLOYMENT_ID_AMBIGUOUS',
  'DEPLOYMENT_ID_TOO_SHORT',
]);

/** Codes with an exit code of their own: a deploy stopped by Ctrl-C exits 130 (128 + SIGINT), as shells expect. */
const EXIT_BY_CODE: Readonly<Record<string, number>> = { DEPLOYMENT_INTERRUPTED: 130 };

/** Ends a command with an exit code after it has printed what it had to say (`deploy --plan` exits 2 on changes). */
export class CommandExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

export interface ReportOptions {
  verbose: boolean;
  /** `--json`: the error is `{"ok":false,"error":{code,message}}` on stdout. */
  json: boolean;
}

interface Reported {
  code: string;
  message: string;
  exit: number;
  lines?: string[];
  details?: Readonly<Record<string, unknown>>;
}

function classify(error: unknown): Reported | 'printed' {
  if (error instanceof CommandExit) return 'printed';
  if (error instanceof CommanderError) {
    const message = error.message.replace(/^error:\s*/, '').trim();
    return { code: 'USAGE', message, exit: EXIT.usage };
  }
  if (error instanceof FlashError)
    return {
      code: error.code,
      message: error.message,
      exit: EXIT_BY_CODE[error.code] ?? (USAGE_CODES.has(error.code) ? EXIT.usage : EXIT.failure),
      ...(Object.keys(error.details).length > 0 ? { details: error.details } : {}),
    };
  if (error instanceof BuildFailed)
    return {
      code: error.code,
      message: `the build stopped (.flash/ is as it was): ${error.problems.length} problem(s)`,
      exit: EXIT.failure,
      lines: error.problems.map(formatProblem),
      details: { problems: error.problems },
    };
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code))
    return { code, message: error.message, exit: EXIT.failure };
  return {
    code: 'UNEXPECTED',
    message: error instanceof Error ? error.message : String(error),
    exit: EXIT.failure,
  };
}

/**
 * Reports an error and returns its exit code. On a terminal: one line `error CODE: message` on stderr
 * (the stack only with --verbose). Under --json: one JSON document on stdout, same exit code.
 */
export function reportError(error: unknown, options: ReportOptions): number {
  if (error instanceof CommanderError && (error.exitCode === 0 || error.code === 'commander.helpDisplayed'))
    return EXIT.ok; // --help, --version
  const reported = classify(error);
  if (reported === 'printed') return (error as CommandExit).exitCode;
  if (options.json) {
    const { code, message, details } = reported;
    process.stdout.write(
      `${JSON.stringify({ ok: false, error: { code, message, ...(details ? { details } : {}) } })}\n`,
    );
    return reported.exit;
  }
  // commander has printed its own usage error already
  if (!(error instanceof CommanderError)) {
    const hint =
      reported.code === 'UNEXPECTED' && !options.verbose ? ' (run again with --verbose for details)' : '';
    process.stderr.write(`error ${reported.code}: ${reported.message}${hint}\n`);
    for (const line of reported.lines ?? []) process.stderr.write(`  ${line}\n`);
  }
  if (options.verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return reported.exit;
}
