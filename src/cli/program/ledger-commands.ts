import type { Command } from 'commander';
import { positiveInteger } from '../options';
import { appOption } from './options';

/** The commands that read the ledger: history, audit, replay, events, and the views and file behind them. */
export function addLedgerCommands(program: Command): void {
  program
    .command('gc')
    .description(
      "remove stored build artifacts past each environment's retention (FLASH_ARTIFACT_RETENTION, default 10 versions)",
    )
    .option('--keep <versions>', 'versions of each environment to keep', positiveInteger('--keep'))
    .option('--dry-run', 'say what would be removed, remove nothing')
    .option('--json', 'print the result as JSON')
    .action(async (options) => (await import('../commands/gc.command')).gcCommand(options));

  program
    .command('history')
    .description("the app's deployments: version, time, who, git commit, status, duration, changes")
    .addOption(appOption())
    .option('--env <name>', 'only this environment')
    .option('--all', 'every app in the ledger, not only the one around the current folder')
    .option('--json', 'print the deployments as one JSON document')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (options) => (await import('../commands/history.command')).historyCommand(options));

  program
    .command('audit')
    .description('every recorded fact with its actor, correlation and causation ids')
    .option('--deployment <id>', 'only this deployment (its id, or a unique prefix of 4+ characters)')
    .option('--limit <n>', 'only the last n entries', positiveInteger('--limit'))
    .option('--json', 'print the entries as one JSON document')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (options) => (await import('../commands/audit.command')).auditCommand(options));

  program
    .command('replay')
    .argument('<deploymentId>', 'the deployment (its id, or a unique prefix of 4+ characters)')
    .description("fold a deployment's events one by one and print the state after each (for debugging)")
    .option('--until <n>', 'stop after the n-th event (default: every event)', positiveInteger('--until'))
    .option('--json', 'print the steps, each with the full state, as one JSON document')
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (id: string, options) =>
      (await import('../commands/replay.command')).replayCommand(id, options),
    );

  program
    .command('projections')
    .description('the views the ledger keeps')
    .command('rebuild')
    .description('rebuild every view from position 0 and report whether it equals the incremental one')
    .option('--json', 'print the result as JSON')
    .action(async (options) => (await import('../commands/rebuild.command')).rebuildCommand(options));

  program
    .command('ledger')
    .description('the embedded ledger file ($FLASH_HOME/ledger.db, or FLASH_LEDGER=sqlite:<file>)')
    .command('verify')
    .description('check every event against its hash chain; exit 1 naming the first bad position')
    .option('--json', 'print the result as one JSON document')
    .action(async (options) => (await import('../commands/ledger.command')).ledgerVerifyCommand(options));

  program
    .command('events')
    .description('print the ledger in order ($FLASH_HOME/ledger.db, or FLASH_LEDGER)')
    .option('--json', 'print the events as JSON lines')
    .option('--follow', 'keep printing events as every process appends them (Ctrl-C to stop)')
    .option('--from <position>', 'first ledger position to print', positiveInteger('--from'))
    .option('--limit <n>', 'most events to print without --follow', positiveInteger('--limit'))
    .option('--wide', 'print tables in full, whatever the terminal width')
    .action(async (options) => (await import('../commands/events.command')).eventsCommand(options));
}
