/**
 * What `flash serve`'s Endpoints page asks of deployed endpoints (src/server/endpoints.controller.ts): each
 * resource's health, a resource's recent worker log lines, and a call to a resource. The same use cases
 * as `flash status`, `flash logs` and `flash invoke`, with the target named by the caller (default: the
 * one the environment was last deployed to) and a resource the environment does not have refused with
 * 404 RESOURCE_NOT_DEPLOYED before any target is asked. Reads never start a local cloud; a call does, as
 * `flash invoke` does.
 */
import { NotFound } from '../domain/errors';
import { invoke, type InvokeResult } from './invoke';
import { lineTime, type EndpointHealth } from './observe';
import { silentProgress } from './progress';
import { environmentStatus } from './queries';
import { resolveTarget, type DeployTarget, type TargetKind } from './target';

export type { InvokeResult };

async function withTarget<T>(kind: TargetKind, work: (target: DeployTarget) => Promise<T>): Promise<T> {
  const target = await resolveTarget(kind, { start: false });
  try {
    return await work(target);
  } finally {
    await target.close();
  }
}

export type ResourceHealth = { health: EndpointHealth } | { error: string };

export interface EnvironmentHealthAnswer {
  app: string;
  environment: string;
  target: TargetKind;
  /** Resource → its workers (idle, running, initializing...) and jobs, or why they could not be read. */
  resources: Record<string, ResourceHealth>;
}

/**
 * Each resource's health on `target` (default the environment's last one). Never fails for an endpoint or
 * a target that cannot be asked: each resource then carries the reason. NOTHING_DEPLOYED (404) when the
 * environment has no endpoint there.
 */
export async function healthOfEnvironment(
  app: string,
  environment: string,
  target?: TargetKind,
  timeoutMs = 3_000,
): Promise<EnvironmentHealthAnswer> {
  const status = await environmentStatus(app, environment, target);
  const resources = Object.entries(status.endpoints);
  const answer = (entries: (readonly [string, ResourceHealth])[]): EnvironmentHealthAnswer => ({
    app,
    environment,
    target: status.target,
    resources: Object.fromEntries(entries),
  });
  try {
    return await withTarget(status.target, async (t) =>
      answer(
        await Promise.all(
          resources.map(async ([resource, e]) => {
            try {
              return [resource, { health: await t.observe.health(e.endpointId, timeoutMs) }] as const;
            } catch (error) {
              return [resource, { error: (error as Error).message }] as const;
            }
          }),
        ),
      ),
    );
  } catch (error) {
    // the target itself cannot be asked (a local cloud that is not running): every resource says why
    return answer(resources.map(([resource]) => [resource, { error: (error as Error).message }] as const));
  }
}

export interface ResourceLogLines {
  app: string;
  environment: string;
  target: TargetKind;
  resource: string;
  endpointId: string;
  /** The workers serving now, each with its last `lines` lines (container, then system) at or after `since`. */
  workers: { workerId: string; lines: string[] }[];
}

function resourceOf(
  status: Awaited<ReturnType<typeof environmentStatus>>,
  app: string,
  environment: string,
  resource: string,
) {
  const endpoint = status.endpoints[resource];
  if (!endpoint)
    throw new NotFound(
      'RESOURCE_NOT_DEPLOYED',
      `${app} has no resource ${resource} deployed in ${environment} on ${status.target} (deployed: ${Object.keys(status.endpoints).join(', ') || 'none'})`,
    );
  return endpoint;
}

/**
 * The recent log lines of every worker serving `resource` now: with `sinceMs` (epoch ms) only lines at or
 * after it (a line without a time of its own is kept), the last `lines` of each worker.
 */
export async function recentResourceLogs(input: {
  app: string;
  environment: string;
  resource: string;
  target?: TargetKind;
  sinceMs?: number;
  lines: number;
}): Promise<ResourceLogLines> {
  const { app, environment, resource, sinceMs } = input;
  const status = await environmentStatus(app, environment, input.target);
  const endpoint = resourceOf(status, app, environment, resource);
  return withTarget(status.target, async (t) => {
    const ids = await t.observe.workers(endpoint.endpointId);
    const workers = await Promise.all(
      ids.map(async (workerId) => {
        const logs = await t.observe.workerLogs(workerId);
        const lines = [...logs.container, ...logs.system].filter(
          (line) => sinceMs === undefined || (lineTime(line) ?? sinceMs) >= sinceMs,
        );
        return { workerId, lines: lines.slice(-input.lines) };
      }),
    );
    return { app, environment, target: status.target, resource, endpointId: endpoint.endpointId, workers };
  });
}

export interface InvokeRequest {
  app: string;
  environment: string;
  resource: string;
  target?: TargetKind;
  /** JSON input: a queue endpoint's `input`, a route's body. */
  input?: unknown;
  /** A load-balanced endpoint's route (default `/`) and method (default POST with an input, else GET). */
  path?: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
}

/** `flash invoke` for the server: a queue endpoint's `/runsync`, or a load-balanced endpoint's route. */
export async function invokeResource(request: InvokeRequest): Promise<InvokeResult & { target: TargetKind }> {
  const { app, environment, resource } = request;
  const status = await environmentStatus(app, environment, request.target);
  resourceOf(status, app, environment, resource);
  const result = await invoke(
    {
      app,
      environment,
      resource,
      target: status.target,
      body: request.input,
      method: request.method ?? (request.input === undefined ? 'GET' : 'POST'),
      path: request.path ?? '/',
    },
    silentProgress,
  );
  return { ...result, target: status.target };
}
