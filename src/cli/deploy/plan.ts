import { keyFingerprint } from '../../adapters/runpod/deploy-target';
import { plannedResources } from '../../ledger/deploy-session';
import { planChanges } from '../../domain/deployment/deployment.work';
import {
  endpointInventoryProjection,
  previousEndpoints,
} from '../../projections/endpoint-inventory/endpoint-inventory.projection';
import { readViews } from '../../adapters/views/read-views';
import { cloudStatus } from '../../adapters/local-cloud/cloud-process';
import { locateApp } from '../app/locate-app';
import { CommandExit, EXIT } from '../errors';
import { printJson, printTable, stdoutColors } from '../output/print';
import { progressOn } from '../output/progress';
import { buildWithProgress } from './build-step';
import type { TargetKind } from '../../ledger/target';

const MARK = { created: '+', updated: '~', unchanged: '=', removed: '-' } as const;

/**
 * `flash deploy --plan`: builds, compares with what the environment holds (config hash, code
 * fingerprint, injected key), prints the changes, and exits 0 with none and 2 with some. Records nothing.
 */
export async function planCommand(
  dir: string | undefined,
  environment: string,
  kind: TargetKind,
  options: { app?: string; json?: boolean; wide?: boolean },
): Promise<void> {
  const app = locateApp(dir, options.app);
  const build = await buildWithProgress(app, progressOn(options.json));
  const key =
    kind === 'local' ? (await cloudStatus()).apiKey : process.env.RUNPOD_API_KEY?.trim() || undefined;
  const [inventory] = await readViews([endpointInventoryProjection]);
  const previous = previousEndpoints(inventory, app.name, environment);
  const plan = planChanges(plannedResources(build.manifest), previous, key ? keyFingerprint(key) : null);
  const changes = Object.values(plan.actions).filter((a) => a !== 'unchanged').length + plan.removed.length;
  if (options.json)
    printJson({
      ok: true,
      app: app.name,
      environment,
      changes,
      actions: plan.actions,
      removed: plan.removed,
    });
  else {
    const c = stdoutColors();
    console.log(
      `plan for ${app.name} in ${environment}: ${changes === 0 ? 'no changes' : `${changes} change(s)`}`,
    );
    const style = (text: string): string =>
      text.startsWith('+')
        ? c.green(text)
        : text.startsWith('~')
          ? c.yellow(text)
          : text.startsWith('-')
            ? c.red(text)
            : text;
    printTable(
      [{ header: ' ', style }, { header: 'resource' }, { header: 'action' }],
      [
        ...Object.entries(plan.actions).map(([name, action]) => [MARK[action], name, action]),
        ...plan.removed.map((name) => [MARK.removed, name, 'removed']),
      ],
      options.wide,
    );
  }
  if (changes > 0) throw new CommandExit(EXIT.usage);
}
