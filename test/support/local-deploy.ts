import { Agent } from 'undici';
import type { BuildResult } from '../../src/ledger/build';
import { deployTarget, type DeployTarget } from '../../src/ledger/target';

export interface LocalDeployment {
  environmentId: string;
  buildId: string;
  ids: Record<string, string>;
  urls: Record<string, string>;
  keyInjected: Record<string, boolean>;
  /** The template env each endpoint was saved with. */
  templateEnv: Record<string, { key: string; value: string }[]>;
  control: DeployTarget['control'];
  rest: DeployTarget['rest'];
  dispatcher: Agent;
}

/**
 * Provisions a built app on the local cloud through the RunPod adapter, the way `flash deploy` will:
 * app and environment, artifact upload, build, endpoints (key only to callers), then the manifest
 * with every URL. (The ledger-driven deploy replaces this helper in the ledger issue.)
 */
export async function deployToCloud(
  cloudUrl: string,
  apiKey: string,
  build: BuildResult,
  options: { environment?: string; withKey?: boolean; image?: string } = {},
): Promise<LocalDeployment> {
  const dispatcher = new Agent({ connections: 64 });
  const target = deployTarget({ kind: 'local', url: cloudUrl, apiKey, dispatcher });
  const { control, rest } = target;
  const app = build.manifest.project_name;
  const environment = options.environment ?? 'dev';
  const { appId, environmentId } = await control.ensureEnvironment(app, environment);
  const upload = await control.prepareUpload(appId, build.artifactBytes);
  await rest.uploadArtifact(upload.uploadUrl, build.artifactPath);
  const buildId = await control.finalizeUpload(appId, upload.objectKey, build.manifest);
  await control.deployBuild(environmentId, buildId);
  const ids: Record<string, string> = {};
  const urls: Record<string, string> = {};
  const keyInjected: Record<string, boolean> = {};
  const templateEnv: Record<string, { key: string; value: string }[]> = {};
  await Promise.all(
    Object.entries(build.manifest.resources).map(async ([name, resource]) => {
      const volume = resource.networkVolume
        ? await rest.ensureVolume(
            resource.networkVolume.name,
            resource.networkVolume.size,
            resource.networkVolume.dataCenterId ?? 'EU-RO-1',
          )
        : undefined;
      const { spec, keyInjected: injected } = target.specFor({
        app,
        environment,
        environmentId,
        resourceName: name,
        resource,
        sourceFingerprint: build.manifest.source_fingerprint,
        apiKey: options.withKey === false ? undefined : apiKey,
        ...(options.image ? { image: options.image } : {}),
        networkVolumeId: volume,
      });
      const endpoint = await control.saveEndpoint(spec);
      ids[name] = endpoint.id;
      urls[name] = resource.is_load_balanced
        ? `${cloudUrl}/lb/${endpoint.id}`
        : `${cloudUrl}/v2/${endpoint.id}`;
      keyInjected[name] = injected;
      templateEnv[name] = spec.template.env;
    }),
  );
  await control.writeManifest(buildId, { ...build.manifest, resources_endpoints: urls });
  return { environmentId, buildId, ids, urls, keyInjected, templateEnv, control, rest, dispatcher };
}
