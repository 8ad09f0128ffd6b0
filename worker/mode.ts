import type { Manifest } from './contract/manifest';

/** `live`: a `flash dev` live worker, which runs shipped code on `/execute`; never a deployed endpoint. */
export type WorkerMode = 'qb' | 'lb' | 'live';

export type ModeDecision =
  { ok: true; mode: WorkerMode; deprecation?: string } | { ok: false; message: string };

/**
 * The worker's mode comes from its endpoint type: `FLASH_ENDPOINT_TYPE` (`qb` | `lb`), else its
 * resource's `is_load_balanced` in the manifest. `FLASH_IS_MOTHERSHIP=true` still means `lb`, with a
 * deprecation warning.
 */
export function decideMode(env: NodeJS.ProcessEnv, manifest: Manifest | undefined): ModeDecision {
  const type = env.FLASH_ENDPOINT_TYPE?.trim().toLowerCase();
  if (type === 'qb' || type === 'lb' || type === 'live') return { ok: true, mode: type };
  if (type)
    return {
      ok: false,
      message: `FLASH_ENDPOINT_TYPE="${env.FLASH_ENDPOINT_TYPE}" is not an endpoint type: use qb or lb (live for flash dev)`,
    };
  if (env.FLASH_IS_MOTHERSHIP?.trim().toLowerCase() === 'true') {
    return {
      ok: true,
      mode: 'lb',
      deprecation: 'FLASH_IS_MOTHERSHIP is deprecated: set FLASH_ENDPOINT_TYPE=lb instead',
    };
  }
  const name = env.FLASH_RESOURCE_NAME;
  if (!name)
    return {
      ok: false,
      message: 'FLASH_RESOURCE_NAME is not set: the worker cannot tell which endpoint it serves',
    };
  const resource = manifest?.resources[name];
  if (!resource) {
    return {
      ok: false,
      message: `resource ${name} (FLASH_RESOURCE_NAME) is not in the manifest: set FLASH_ENDPOINT_TYPE=qb|lb or deploy the matching build`,
    };
  }
  return { ok: true, mode: resource.is_load_balanced ? 'lb' : 'qb' };
}
