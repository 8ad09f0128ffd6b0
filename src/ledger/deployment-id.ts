import { FlashError, NotFound } from '../domain/errors';
import { deploymentHistoryProjection } from '../projections/deployment-history/deployment-history.projection';
import { readViews } from '../adapters/views/read-views';

const MIN_PREFIX = 4;

/**
 * A deployment id from what the user typed: the whole id, or a prefix of at least 4 characters that
 * only one deployment in the ledger starts with (as `git` takes commit prefixes).
 */
export async function resolveDeploymentId(given: string): Promise<string> {
  const wanted = given.trim().toLowerCase();
  if (wanted.length < MIN_PREFIX)
    throw new FlashError(
      'DEPLOYMENT_ID_TOO_SHORT',
      `"${given}" is too short for a deployment id: give the id or at least its first ${MIN_PREFIX} characters (\`flash history\` lists them)`,
    );
  const [view] = await readViews([deploymentHistoryProjection]);
  if (view.deployments[wanted]) return wanted;
  const matches = view.order.filter((id) => id.startsWith(wanted));
  const [only] = matches;
  if (matches.length === 1 && only !== undefined) return only;
  if (matches.length === 0)
    throw new NotFound(
      'DEPLOYMENT_NOT_FOUND',
      `no deployment ${given} in the ledger: \`flash history --all\` lists every deployment`,
    );
  const shown = matches.slice(0, 10).map((id) => {
    const d = view.deployments[id];
    return d ? `${id} (${d.app}/${d.environment} v${d.version ?? '-'}, ${d.status})` : id;
  });
  throw new FlashError(
    'DEPLOYMENT_ID_AMBIGUOUS',
    `${matches.length} deployments start with ${given}: ${shown.join(', ')}${matches.length > 10 ? ', ...' : ''}; give more characters`,
    { details: { candidates: matches } },
  );
}
