import { FlashError } from '../../domain/errors';
import { describeChange } from '../../ledger/plan-diff';
import { planRollback, rollback, type RollbackPlan } from '../../ledger/rollback';
import { parseTargetKind } from '../../ledger/target';
import { checkName, locateApp } from '../app/locate-app';
import { reportDeployment } from '../deploy/deploy-report';
import { CommandExit, EXIT } from '../errors';
import { printJson, printTable, stdoutColors } from '../output/print';
import { progressOn } from '../output/progress';
import { interruptible, onEvent } from './deploy.command';

export interface RollbackOptions {
  app?: string;
  env?: string;
  target?: string;
  to?: string;
  plan?: boolean;
  envFile?: string;
  lockTimeout?: number;
  json?: boolean;
  wide?: boolean;
}

/** `--to v3` or `--to 3`. */
function parseVersion(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^v?(\d+)$/i.exec(value.trim());
  const version = match ? Number(match[1]) : 0;
  if (version < 1) throw new FlashError('USAGE', `--to takes a version such as v3 or 3, not "${value}"`);
  return version;
}

const MARK = { created: '+', updated: '~', unchanged: '=' } as const;

function printPlan(plan: RollbackPlan, options: RollbackOptions): void {
  if (options.json) {
    printJson({ ok: true, ...plan });
    return;
  }
  console.log(
    `rollback of ${plan.app}/${plan.environment} from v${plan.from ?? '-'} to v${plan.to} (deployment ${plan.toDeploymentId.slice(0, 8)}): ${plan.changes === 0 ? 'no changes' : `${plan.changes} change(s)`}`,
  );
  const c = stdoutColors();
  printTable(
    [
      {
        header: ' ',
        style: (t) => (t === '+' ? c.green(t) : t === '~' ? c.yellow(t) : t === '-' ? c.red(t) : t),
      },
      { header: 'resource' },
      { header: 'action' },
      { header: 'what changed' },
    ],
    [
      ...Object.entries(plan.actions).map(([name, action]) => [
        MARK[action],
        name,
        action,
        describeChange(plan.reasons[name], plan.fields[name]),
      ]),
      ...plan.removed.map((name) => ['-', name, 'removed', '']),
    ],
    options.wide,
  );
}

/**
 * `flash rollback [dir] [--to vN]`: deploys an earlier version's manifest and artifact again, recorded as a
 * rollback of that version; `--plan` shows what would change (exit 2 with changes) and records nothing.
 */
export async function rollbackCommand(dir: string | undefined, options: RollbackOptions): Promise<void> {
  const started = Date.now();
  const app = locateApp(dir, options.app);
  const environment = options.env ?? 'production';
  checkName('environment', environment);
  const target = parseTargetKind(options.target);
  const to = parseVersion(options.to);
  const progress = progressOn(options.json);
  const input = {
    app: app.name,
    environment,
    target,
    ...(to !== undefined ? { to } : {}),
    ...(options.envFile ? { envFile: options.envFile } : {}),
    ...(options.lockTimeout !== undefined ? { lockTimeout: options.lockTimeout } : {}),
  };
  if (options.plan) {
    const plan = await planRollback(input, { progress });
    printPlan(plan, options);
    if (plan.changes > 0) throw new CommandExit(EXIT.usage);
    return;
  }
  const result = await interruptible(progress, target, (signal, onStart) =>
    rollback(input, { progress, onEvent: onEvent(progress), signal, onStart }),
  );
  if (!options.json) console.log(`rolled back to v${result.rolledBackTo}`);
  reportDeployment(result.state, result.deploymentId, result.version, started, options);
}
