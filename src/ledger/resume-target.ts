import { FlashError } from '../domain/errors';
import { GetDeploymentHistory } from '../projections/queries';
import type { Ledger } from './ledger';

/** The deployment `--resume` continues: the one named, else the environment's latest unfinished one (undefined: none). */
export async function toResume(
  ledger: Ledger,
  app: string,
  env: string,
  named: string | undefined,
): Promise<string | undefined> {
  if (named) return named;
  const history = await ledger.query(new GetDeploymentHistory());
  const target = ledger.target.kind;
  const mine = history.order
    .map((id) => history.deployments[id])
    .filter((d) => d !== undefined && d.app === app && d.environment === env && d.target === target);
  const last = mine.filter((d) => d?.status === 'in_progress' || d?.status === 'failed').pop();
  if (last) return last.deploymentId;
  if (mine.length === 0) throw new FlashError('NOTHING_TO_RESUME', `${app} was never deployed to ${env}`);
  return undefined;
}

/** Frees an environment whose lock outlived its (finished) deployment, e.g. after a crash right at the end. */
export async function releaseFinished(
  ledger: Ledger,
  app: string,
  environment: string,
  by: string,
): Promise<void> {
  const history = await ledger.query(new GetDeploymentHistory());
  const target = ledger.target.kind;
  for (const id of history.order) {
    const d = history.deployments[id];
    if (d?.app !== app || d.environment !== environment || d.target !== target) continue;
    if (d.status === 'in_progress') continue;
    const outcome = d.status === 'succeeded' ? 'succeeded' : d.status === 'failed' ? 'failed' : 'rejected';
    await ledger.release({ app, environment, target }, id, outcome, by);
  }
}
