import type { CapacityQuery, RunpodControlPlane } from '../adapters/runpod/runpod-control-plane';
import { CPU_DATACENTER, GPU_POOLS, type GpuPool } from '../sdk/compute';
import type { Manifest, ManifestResource } from '../../worker/contract/manifest';
import type { Progress } from './progress';

/** The GPU types a canonical `gpuIds` string selects: its pools' types, less the `-excluded` ones. */
function gpuTypesOf(gpuIds: string): string[] {
  const tokens = gpuIds.split(',').map((t) => t.trim());
  const excluded = new Set(tokens.filter((t) => t.startsWith('-')).map((t) => t.slice(1)));
  return tokens
    .filter((t): t is GpuPool => t in GPU_POOLS)
    .flatMap((pool) => GPU_POOLS[pool].filter((type) => !excluded.has(type)));
}

/** What to ask about a resource, or undefined when its data centers are not pinned (RunPod picks one). */
function queryFor(r: ManifestResource): { query: CapacityQuery; asked: string } | undefined {
  const pinned =
    r.locations
      ?.split(',')
      .map((d) => d.trim())
      .filter(Boolean) ?? [];
  if (r.gpuIds) {
    const gpuTypeIds = gpuTypesOf(r.gpuIds);
    if (pinned.length === 0 || gpuTypeIds.length === 0) return undefined;
    const query: CapacityQuery = {
      kind: 'gpu',
      gpuTypeIds,
      gpuCount: r.gpuCount ?? 1,
      dataCenterIds: pinned,
    };
    return { query, asked: r.gpuIds };
  }
  if (!r.instanceIds?.length) return undefined;
  // CPU serverless runs only in EU-RO-1, so an unpinned CPU endpoint lands there
  const dataCenterIds = pinned.length > 0 ? pinned : [CPU_DATACENTER];
  return {
    query: { kind: 'cpu', instanceIds: r.instanceIds, dataCenterIds },
    asked: r.instanceIds.join(','),
  };
}

/**
 * Before provisioning: warns, per resource, when none of its GPU types or CPU instances has stock in any
 * of its data centers. Only a warning, since RunPod may find stock later; a failed query is said, never thrown.
 */
export async function warnUnavailable(
  control: RunpodControlPlane,
  manifest: Manifest,
  progress: Progress,
  then = 'deploying anyway',
): Promise<void> {
  for (const [name, resource] of Object.entries(manifest.resources)) {
    const ask = queryFor(resource);
    if (!ask) continue;
    try {
      const stock = await control.availability(ask.query);
      if (stock.some((s) => s.inStock)) continue;
      progress.line(
        `WARNING: ${name}: no stock for ${ask.asked} in ${ask.query.dataCenterIds.join(', ')}; ${then}, its workers start when RunPod has capacity`,
      );
    } catch (error) {
      progress.line(
        `could not check the availability of ${name}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
