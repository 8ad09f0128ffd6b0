import { defaultWorkerImageTag } from '../../../image/build-image';
import type { ManifestResource } from '../../../worker/contract/manifest';

export interface EnvVar {
  key: string;
  value: string;
}

/** What `saveEndpoint` takes (see docs/RUNPOD.md); env goes in the inline template. */
export interface EndpointSpec {
  id?: string;
  name: string;
  type: 'QB' | 'LB';
  gpuIds?: string;
  gpuCount?: number;
  instanceIds?: string[];
  workersMin: number;
  workersMax: number;
  idleTimeout: number;
  scalerType: 'QUEUE_DELAY' | 'REQUEST_COUNT';
  scalerValue: number;
  locations?: string;
  networkVolumeId?: string;
  flashEnvironmentId: string;
  /** 0: RunPod's default. `endpointSpec` always sends it. */
  executionTimeoutMs?: number;
  /** `endpointSpec` always sends it. */
  flashBootType?: 'FLASHBOOT' | 'OFF';
  /** GPU endpoints only. */
  minCudaVersion?: string;
  template: { name: string; imageName: string; containerDiskInGb: number; env: EnvVar[] };
  /** On update: the endpoint's template, which is saved separately (Flash's update path). */
  templateId?: string;
}

export interface SpecInputs {
  app: string;
  environment: string;
  environmentId: string;
  resourceName: string;
  resource: ManifestResource;
  sourceFingerprint: string;
  /** The deployer's key; put in the env only when the resource makes remote calls. */
  apiKey?: string;
  /** The values of the resource's `secrets` (variable → value), resolved from the deployer's environment. */
  secrets?: Readonly<Record<string, string>>;
  /** The worker image (FLASH_WORKER_IMAGE); a deployment recorded before images were: the local default. */
  image?: string;
  networkVolumeId?: string;
  existing?: { id: string; templateId?: string | null };
}

/**
 * A manifest resource as RunPod's saveEndpoint input. The worker's mode is its endpoint type
 * (FLASH_ENDPOINT_TYPE); RUNPOD_API_KEY and FLASH_ENVIRONMENT_ID go only to endpoints that make remote calls.
 */
export function endpointSpec(i: SpecInputs): { spec: EndpointSpec; keyInjected: boolean } {
  const r = i.resource;
  const lb = r.is_load_balanced;
  const env: EnvVar[] = Object.entries({ ...r.env, ...i.secrets }).map(([key, value]) => ({ key, value }));
  env.push(
    { key: 'FLASH_RESOURCE_NAME', value: i.resourceName },
    { key: 'FLASH_APP', value: i.app },
    { key: 'FLASH_ENV', value: i.environment },
    { key: 'FLASH_ENDPOINT_TYPE', value: lb ? 'lb' : 'qb' },
    { key: '_FLASH_SOURCE_FINGERPRINT', value: i.sourceFingerprint },
  );
  if (lb) env.push({ key: 'FLASH_MODULE_PATH', value: r.module_path });
  const keyInjected = r.makes_remote_calls && Boolean(i.apiKey);
  if (keyInjected && i.apiKey)
    env.push(
      { key: 'RUNPOD_API_KEY', value: i.apiKey },
      { key: 'FLASH_ENVIRONMENT_ID', value: i.environmentId },
    );
  const spec: EndpointSpec = {
    ...(i.existing ? { id: i.existing.id } : {}),
    name: i.resourceName,
    type: lb ? 'LB' : 'QB',
    ...(r.instanceIds
      ? { instanceIds: r.instanceIds }
      : { gpuIds: r.gpuIds ?? 'ANY', gpuCount: r.gpuCount ?? 1 }),
    workersMin: r.workersMin,
    workersMax: r.workersMax,
    idleTimeout: r.idleTimeout,
    scalerType: lb ? 'REQUEST_COUNT' : r.scalerType,
    scalerValue: r.scalerValue,
    ...(r.locations ? { locations: r.locations } : {}),
    // Flash sends both on every save: saveEndpoint is a full replace, so an omitted one would reset
    executionTimeoutMs: r.executionTimeoutMs ?? 0,
    flashBootType: r.flashboot === false ? 'OFF' : 'FLASHBOOT',
    ...(r.minCudaVersion && !r.instanceIds ? { minCudaVersion: r.minCudaVersion } : {}),
    ...(i.networkVolumeId ? { networkVolumeId: i.networkVolumeId } : {}),
    flashEnvironmentId: i.environmentId,
    template: {
      name: `${i.app}-${i.environment}-${i.resourceName}`,
      imageName: i.image || defaultWorkerImageTag(),
      containerDiskInGb: r.template?.containerDiskInGb ?? 64,
      env,
    },
    ...(i.existing?.templateId ? { templateId: i.existing.templateId } : {}),
  };
  return { spec, keyInjected };
}
