import type { DeploymentHistoryView } from '../projections/deployment-history/deployment-history.projection';
import { artifactRetention, collectArtifacts, type Collected } from './artifacts';
import { deploymentHistoryProjection, readViews } from './views';

/**
 * The artifacts to keep: those of each environment's `keep` latest versions (whatever their status: a
 * failed one may be resumed), and of every deployment still in progress.
 */
export function wantedArtifacts(view: DeploymentHistoryView, keep: number): Set<string> {
  const byEnvironment = new Map<string, { version: number; sha: string }[]>();
  const wanted = new Set<string>();
  for (const id of view.order) {
    const d = view.deployments[id];
    if (!d?.artifactSha256) continue;
    if (d.status === 'in_progress') wanted.add(d.artifactSha256);
    if (d.version === null) continue;
    const key = `${d.target}:${d.app}.${d.environment}`;
    byEnvironment.set(key, [
      ...(byEnvironment.get(key) ?? []),
      { version: d.version, sha: d.artifactSha256 },
    ]);
  }
  for (const versions of byEnvironment.values())
    for (const v of versions.sort((a, b) => b.version - a.version).slice(0, keep)) wanted.add(v.sha);
  return wanted;
}

export interface GcResult extends Collected {
  keep: number;
  dryRun: boolean;
}

/**
 * `flash gc`: removes the stored artifacts no kept version needs (`keep` per environment, default
 * `FLASH_ARTIFACT_RETENTION`). A version whose artifact is gone can no longer be rolled back to.
 */
export async function collectGarbage(
  options: { keep?: number; dryRun?: boolean; view?: DeploymentHistoryView } = {},
): Promise<GcResult> {
  const keep = options.keep ?? artifactRetention();
  const view = options.view ?? (await readViews([deploymentHistoryProjection]))[0];
  const dryRun = Boolean(options.dryRun);
  return { ...collectArtifacts(wantedArtifacts(view, keep), dryRun), keep, dryRun };
}
