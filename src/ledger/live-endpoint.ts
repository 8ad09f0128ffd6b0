import type { EndpointSpec } from '../adapters/runpod/endpoint-spec';
import type { DeployTarget } from './target';
import { defaultWorkerImageTag } from '../../image/build-image';
import { FlashError } from '../domain/errors';

/** What a resource runs on, as `flash dev` gives its live endpoint the same compute. */
export type LiveCompute =
  { kind: 'gpu'; gpuIds: string; gpuCount: number } | { kind: 'cpu'; instanceIds: string[] };

/** A live endpoint's name: `live-<app>-<resource>`, as Flash prefixes live resources. */
export const liveEndpointName = (app: string, resource: string): string => `live-${app}-${resource}`;

/**
 * The live endpoint of one queue resource (`is_live_resource`): a load-balanced endpoint whose worker runs
 * in `live` mode (FLASH_ENDPOINT_TYPE=live) and executes the code each request ships, with the resource's
 * own GPU or CPU compute, its environment variables (`env`, and the values of its secrets as the caller
 * resolved them) and `workersMin: 0`, so it bills nothing while unused. Provisioned on demand in the app's
 * `dev` environment; one found there (a run killed, or `--keep`) is saved again with this compute and env.
 * `flash dev` removes the ones it made when it ends (dev-session.ts). Deployed endpoints are never live.
 */
export async function ensureLiveEndpoint(
  target: DeployTarget,
  app: string,
  resource: { name: string; compute: LiveCompute; env?: Readonly<Record<string, string>> },
  options: { environment?: string; waitMs?: number } = {},
): Promise<{ id: string; url: string; created: boolean }> {
  const environment = options.environment ?? 'dev';
  const name = liveEndpointName(app, resource.name);
  const { environmentId } = await target.control.ensureEnvironment(app, environment);
  const known = (await target.control.listEndpoints()).find(
    (e) => e.name === name && e.flashEnvironmentId === environmentId,
  );
  const compute =
    resource.compute.kind === 'gpu'
      ? { gpuIds: resource.compute.gpuIds || 'ANY', gpuCount: resource.compute.gpuCount }
      : { instanceIds: resource.compute.instanceIds };
  const spec: EndpointSpec = {
    name,
    type: 'LB',
    ...compute,
    workersMin: 0,
    workersMax: 1,
    idleTimeout: 300,
    scalerType: 'REQUEST_COUNT',
    scalerValue: 4,
    flashEnvironmentId: environmentId,
    template: {
      name: `${app}-${environment}-${name}`,
      // the one worker image: the mode comes from FLASH_ENDPOINT_TYPE
      imageName: process.env.FLASH_WORKER_IMAGE?.trim() || defaultWorkerImageTag(),
      containerDiskInGb: 10,
      env: [
        // the resource's own first: its names never start with FLASH_ or RUNPOD_ (the config refuses them)
        ...Object.entries(resource.env ?? {}).map(([key, value]) => ({ key, value })),
        { key: 'FLASH_ENDPOINT_TYPE', value: 'live' },
        { key: 'FLASH_RESOURCE_NAME', value: name },
        { key: 'FLASH_APP', value: app },
        { key: 'FLASH_ENV', value: environment },
      ],
    },
  };
  const id = (
    await target.control.saveEndpoint(
      known ? { ...spec, id: known.id, ...(known.templateId ? { templateId: known.templateId } : {}) } : spec,
    )
  ).id;
  const url = target.urlFor(id, true);
  const deadline = Date.now() + (options.waitMs ?? 120_000);
  // with no worker kept warm, the first /ping asks for one: it answers 200 once the worker serves
  for (;;) {
    const ping = await target.rest.route('GET', `${url}/ping`).catch(() => undefined);
    if (ping?.status === 200) return { id, url, created: !known };
    if (Date.now() > deadline)
      throw new FlashError(
        'LIVE_WORKER_UNAVAILABLE',
        `the live worker of ${app}/${resource.name} did not answer ${url}/ping in time`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Deletes live endpoints by id (one already gone counts as deleted); answers the ids left, with why. */
export async function removeLiveEndpoints(
  target: DeployTarget,
  ids: readonly string[],
): Promise<{ id: string; reason: string }[]> {
  const left: { id: string; reason: string }[] = [];
  for (const id of ids) {
    try {
      await target.control.deleteEndpoint(id);
    } catch (error) {
      left.push({ id, reason: (error as Error).message });
    }
  }
  return left;
}
