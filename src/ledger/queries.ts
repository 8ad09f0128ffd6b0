import { NotFound } from '../domain/errors';
import {
  deploymentHistoryProjection,
  endpointInventoryProjection,
  environmentKey,
  readViews,
  resourcesEndpointsProjection,
  type DeploymentRecord,
  type EndpointInventoryView,
} from './views';

/**
 * The ledger's read use cases, on the stored views (no Nest, no event schemas when the views are current):
 * what every front door shows as history and status.
 */

export type { DeploymentRecord };

/** Deployments, oldest first: of one app (and environment) when given, else every one in the ledger. */
export async function deploymentHistory(
  filter: { app?: string; environment?: string } = {},
): Promise<DeploymentRecord[]> {
  const [view] = await readViews([deploymentHistoryProjection]);
  return view.order
    .map((id) => view.deployments[id])
    .filter((d) => d !== undefined)
    .filter(
      (d) =>
        (!filter.app || d.app === filter.app) &&
        (!filter.environment || d.environment === filter.environment),
    );
}

export interface EnvironmentStatus {
  app: string;
  environment: string;
  target: 'local' | 'runpod';
  lastDeployment: DeploymentRecord | null;
  /** Resource name → URL, as published. */
  resources_endpoints: Record<string, string>;
  /** Resource name → what is deployed for it (endpoint, config hash, key and code fingerprints). */
  endpoints: EndpointInventoryView['environments'][string];
}

/**
 * What an environment holds now on `target` (default: the target of its latest deployment, else local);
 * NOTHING_DEPLOYED (naming its last deployment) when it holds nothing.
 */
export async function environmentStatus(
  app: string,
  environment: string,
  target?: 'local' | 'runpod',
): Promise<EnvironmentStatus> {
  const [inventory, urls, history] = await readViews([
    endpointInventoryProjection,
    resourcesEndpointsProjection,
    deploymentHistoryProjection,
  ]);
  const mine = history.order
    .map((id) => history.deployments[id])
    .filter((d): d is DeploymentRecord => d !== undefined && d.app === app && d.environment === environment);
  const kind = target ?? mine.at(-1)?.target ?? 'local';
  const key = environmentKey(app, environment, kind);
  const endpoints = inventory.environments[key] ?? {};
  const last = mine.filter((d) => d.target === kind).pop();
  if (Object.keys(endpoints).length === 0)
    throw new NotFound(
      'NOTHING_DEPLOYED',
      `${app} has nothing deployed in ${environment}${last ? ` (its last deployment ${last.deploymentId} ${last.status})` : ''}`,
    );
  return {
    app,
    environment,
    target: kind,
    lastDeployment: last ?? null,
    resources_endpoints: urls.environments[key] ?? {},
    endpoints,
  };
}

/** Every app environment with something deployed (`<app>.<env>`), its resources and its last deployment. */
export async function deployedEnvironments(): Promise<
  { key: string; endpoints: string[]; last: DeploymentRecord | null }[]
> {
  const [inventory, history] = await readViews([endpointInventoryProjection, deploymentHistoryProjection]);
  const deployments = history.order.map((id) => history.deployments[id]).filter((d) => d !== undefined);
  return Object.entries(inventory.environments)
    .filter(([, endpoints]) => Object.keys(endpoints).length > 0)
    .map(([key, endpoints]) => ({
      key,
      endpoints: Object.keys(endpoints).sort(),
      last: deployments.filter((d) => environmentKey(d.app, d.environment, d.target) === key).pop() ?? null,
    }));
}
