import type { DeployTarget } from '../adapters/runpod/deploy-target.port';
import { sha256OfFile } from '../build/artifact';
import type { StartedDeployment } from '../domain/deployment/deployment.state';
import { FlashError } from '../domain/errors';

/**
 * The manifest the new build is activated with, before its own URLs are known: the URLs of the
 * endpoints that already exist and stay (their ids, and so their URLs, survive an update). Activation
 * restarts the app's workers on the new build, and a peer they call must keep resolving while the
 * deploy runs, and after it if it is killed or fails; new endpoints appear when the manifest is published.
 */
export function interimManifest(target: DeployTarget, s: StartedDeployment): Record<string, unknown> {
  const carried = s.request.resources.flatMap((r) => {
    const before = s.request.previous[r.name];
    return before ? [[r.name, target.urlFor(before.endpointId, r.isLoadBalanced)] as const] : [];
  });
  return { ...s.request.manifest, resources_endpoints: Object.fromEntries(carried) };
}

/**
 * Uploads the deployment's artifact (refused when it changed since the request: its sha256 is in the
 * ledger) and makes it the environment's active build. Throws what the target answered.
 */
export async function activateBuild(
  target: DeployTarget,
  s: StartedDeployment,
): Promise<{ appId: string; environmentId: string; buildId: string }> {
  const { app, environment, artifact } = s.request;
  const sha = await sha256OfFile(artifact.path).catch(() => 'missing');
  if (sha !== artifact.sha256)
    throw new FlashError(
      'ARTIFACT_CHANGED',
      `the artifact ${artifact.path} changed or vanished since this deployment was requested: deploy again`,
    );
  const { control, rest } = target;
  const { appId, environmentId } = await control.ensureEnvironment(app, environment);
  const upload = await control.prepareUpload(appId, artifact.bytes);
  await rest.uploadArtifact(upload.uploadUrl, artifact.path);
  const buildId = await control.finalizeUpload(appId, upload.objectKey, interimManifest(target, s));
  await control.deployBuild(environmentId, buildId);
  return { appId, environmentId, buildId };
}
