import { createHash } from 'node:crypto';
import type { ManifestResource } from '../../worker/contract/manifest';

/** JSON with object keys sorted at every level, so key order never changes a hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The fields that change what gets provisioned. Code, file paths and timestamps are not among them. */
const DEPLOYMENT_FIELDS = [
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
  'env',
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
