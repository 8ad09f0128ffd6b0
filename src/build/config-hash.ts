import { createHash } from 'node:crypto';
import { canonicalJson } from '../../worker/contract/canonical-json';
import type { ManifestResource } from '../../worker/contract/manifest';

export { canonicalJson };

/** The fields that change what gets provisioned. Code, file paths and timestamps are not among them. */
export const DEPLOYMENT_FIELDS = [
  'resource_type',
  'is_load_balanced',
  'makes_remote_calls',
  'gpuIds',
  'gpuCount',
  'instanceIds',
  'workersMin',
  'workersMax',
  'idleTimeout',
  'scalerType',
  'scalerValue',
  'locations',
  'executionTimeoutMs',
  'flashboot',
  'minCudaVersion',
  'env',
  // the names only: a secret's value changes the endpoint's secret fingerprint, not its config
  'secrets',
  'networkVolume',
  'max_concurrency',
  'dependencies',
  'systemDependencies',
  'template',
] as const satisfies readonly (keyof ManifestResource)[];

/** `sha256:<hex>` of a resource's deployment-relevant config. */
export function configHash(resource: Omit<ManifestResource, 'config_hash'>): string {
  const relevant: Record<string, unknown> = {};
  for (const field of DEPLOYMENT_FIELDS) relevant[field] = resource[field];
  return `sha256:${createHash('sha256').update(canonicalJson(relevant)).digest('hex')}`;
}
