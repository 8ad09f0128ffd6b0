import type { DeleteInput } from '../../ledger/delete-app';
import { deleteFromTarget } from '../../ledger/delete-app';
import { parseTargetKind } from '../../ledger/target';
import { confirmed } from './undeploy.command';
import { progressLine } from '../deploy/render-progress';
import { CommandExit, EXIT } from '../errors';
import { printJson } from '../output/print';
import { progressOn } from '../output/progress';

export interface DeleteOptions {
  target?: string;
  yes?: boolean;
  json?: boolean;
}

/**
 * `flash app delete` and `flash env delete`: asks (or takes `--yes`), deletes through the door, and prints
 * what went. A delete that leaves anything behind throws DELETE_INCOMPLETE from the door (exit 1).
 */
export async function runDelete(
  what: Pick<DeleteInput, 'app' | 'environment'>,
  options: DeleteOptions,
): Promise<void> {
  const progress = progressOn(options.json);
  const result = await deleteFromTarget(
    {
      ...what,
      target: parseTargetKind(options.target),
      confirm: (plan) => {
        const envs = Object.entries(plan.environments).map(
          ([env, names]) => `${env} (${names.length ? names.join(', ') : 'no endpoints'})`,
        );
        const subject = plan.wholeApp ? `the app ${plan.app}` : `${plan.app}/${what.environment ?? ''}`;
        return confirmed(
          `delete ${subject} on ${plan.where.kind}${plan.wholeApp ? ` with ${envs.length ? envs.join(', ') : 'no environments'}` : `: ${envs.join(', ')}`}?`,
          options,
        );
      },
    },
    {
      progress,
      onEvent: (event) => {
        const line = progressLine(event);
        if (line) progress.line(line);
      },
    },
  );
  if (result.kind === 'declined') {
    console.error('nothing deleted');
    throw new CommandExit(EXIT.failure);
  }
  const { plan, environments } = result;
  if (options.json) {
    printJson({
      ok: true,
      app: plan.app,
      target: plan.where.kind,
      deleted: plan.wholeApp ? 'app' : 'environment',
      environments,
    });
    return;
  }
  for (const e of environments)
    console.log(
      `deleted ${plan.app}/${e.environment}: removed ${e.removed.length} endpoint(s)${e.removed.length ? `: ${e.removed.join(', ')}` : ''}${e.deploymentId ? ` (undeploy ${e.deploymentId})` : ''}`,
    );
  if (plan.wholeApp) console.log(`deleted the app ${plan.app} from ${plan.where.kind}`);
}
