import type { CommandOf } from './deployment.commands';
import type { DeploymentEvent } from './deployment.events';
import { active, fail } from './deployment.guards';
import type { ActiveDeployment, Deployment } from './deployment.state';

/** The manifest is final once every resource has its URL and every old endpoint is gone. */
export function finalizeManifest(cmd: CommandOf<'FinalizeManifest'>, state: Deployment): DeploymentEvent[] {
  const { deploymentId, manifestHash } = cmd.data;
  const s = active(state, deploymentId);
  if (s.finalized) return [];
  const missing = Object.values(s.resources)
    .filter((r) => !r.url)
    .map((r) => r.planned.name);
  if (missing.length > 0)
    return fail('URLS_MISSING', `the manifest waits for the URL of ${missing.join(', ')}`, { missing });
  const pending = Object.entries(s.removals)
    .filter(([, r]) => !r.removed)
    .map(([name]) => name);
  if (pending.length > 0)
    return fail('REMOVALS_PENDING', `removed resources still exist: ${pending.join(', ')}`, { pending });
  const resourcesEndpoints = Object.fromEntries(
    Object.values(s.resources).map((r) => [r.planned.name, r.url ?? '']),
  );
  return [{ type: 'ManifestFinalized', data: { deploymentId, resourcesEndpoints, manifestHash } }];
}

/** The manifest the deployment finalized, before anything is published. */
function finalManifest(s: ActiveDeployment, id: string): NonNullable<ActiveDeployment['finalized']> {
  return s.finalized ?? fail('MANIFEST_NOT_FINALIZED', `deployment ${id} has no final manifest yet`);
}

export function recordPublishAttemptFailed(
  cmd: CommandOf<'RecordPublishAttemptFailed'>,
  state: Deployment,
): DeploymentEvent[] {
  const id = cmd.data.deploymentId;
  const s = active(state, id);
  finalManifest(s, id);
  return s.published ? [] : [{ type: 'ManifestPublishAttemptFailed', data: cmd.data }];
}

/** Only the finalized manifest is published. */
export function recordManifestPublished(
  cmd: CommandOf<'RecordManifestPublished'>,
  state: Deployment,
): DeploymentEvent[] {
  const id = cmd.data.deploymentId;
  const s = active(state, id);
  if (finalManifest(s, id).manifestHash !== cmd.data.manifestHash)
    return fail('MANIFEST_MISMATCH', `the published manifest is not the finalized one`);
  return s.published ? [] : [{ type: 'ManifestPublished', data: cmd.data }];
}
