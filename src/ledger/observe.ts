import type { EndpointHealth, WorkerLogs } from '../adapters/runpod/endpoint-observer';
import { NotFound } from '../domain/errors';
import { environmentStatus } from './queries';
import { resolveTarget, type DeployTarget, type TargetKind } from './target';

export type { EndpointHealth, WorkerLogs };

/**
 * What deployed endpoints are doing, asked of the target they run on: health counters (for `flash status`)
 * and worker logs (for `flash logs`). Which endpoint a resource is, and on which target, comes from the
 * ledger; a local cloud that is not running is never started for a look.
 */

async function withTargetOf<T>(kind: TargetKind, work: (target: DeployTarget) => Promise<T>): Promise<T> {
  const target = await resolveTarget(kind, { start: false });
  try {
    return await work(target);
  } finally {
    await target.close();
  }
}

/** The target an environment was last deployed to (local when the ledger does not say). */
async function placeOf(app: string, environment: string) {
  const status = await environmentStatus(app, environment);
  const kind: TargetKind = status.target;
  return { kind, endpoints: status.endpoints };
}

/** Each resource's health, or why it could not be read; never fails for one unreachable endpoint. */
export async function environmentHealth(
  app: string,
  environment: string,
  timeoutMs = 3_000,
): Promise<Record<string, { health: EndpointHealth } | { error: string }>> {
  const { kind, endpoints } = await placeOf(app, environment);
  return withTargetOf(kind, async (target) => {
    const entries = await Promise.all(
      Object.entries(endpoints).map(async ([resource, e]) => {
        try {
          return [resource, { health: await target.observe.health(e.endpointId, timeoutMs) }] as const;
        } catch (error) {
          return [resource, { error: (error as Error).message }] as const;
        }
      }),
    );
    return Object.fromEntries(entries);
  });
}

export interface ResourceLogs {
  resource: string;
  endpointId: string;
  workers: { workerId: string; lines: string[] }[];
}

/** A log line's time, when it starts with one or is one of the worker's JSON lines. */
export function lineTime(line: string): number | undefined {
  const json = /"time":"([^"]+)"/.exec(line)?.[1];
  const leading = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)/.exec(line)?.[1];
  const at = Date.parse(json ?? leading ?? '');
  return Number.isNaN(at) ? undefined : at;
}

/**
 * The log lines of every worker serving a resource now (`container`, then `system` lines). With `since`
 * (epoch ms), only lines at or after it; a line with no time of its own is kept.
 */
export async function resourceLogs(
  app: string,
  environment: string,
  resource: string,
  since?: number,
): Promise<ResourceLogs> {
  const { kind, endpoints } = await placeOf(app, environment);
  const endpoint = endpoints[resource];
  if (!endpoint)
    throw new NotFound(
      'RESOURCE_NOT_DEPLOYED',
      `${app} has no resource ${resource} deployed in ${environment} (deployed: ${Object.keys(endpoints).join(', ') || 'none'})`,
    );
  return withTargetOf(kind, async (target) => {
    const ids = await target.observe.workers(endpoint.endpointId);
    const workers = await Promise.all(
      ids.map(async (workerId) => {
        const logs = await target.observe.workerLogs(workerId);
        const lines = [...logs.container, ...logs.system].filter(
          (line) => since === undefined || (lineTime(line) ?? since) >= since,
        );
        return { workerId, lines };
      }),
    );
    return { resource, endpointId: endpoint.endpointId, workers };
  });
}
