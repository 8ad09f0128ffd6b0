import type { LedgerEventJson } from './sse';

/** How far one deployment seen on the live feed has come, resource by resource. */
export interface LiveDeployment {
  deploymentId: string;
  app: string;
  environment: string;
  target: string;
  status: 'in_progress' | 'succeeded' | 'failed' | 'rejected';
  /** resource → `pending`, `created`, `updated`, `unchanged`, `removed`, `failed`. */
  resources: Record<string, string>;
  updatedAt: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Folds one live event into the deployments it touches (a new map; the input is left alone). */
export function applyLiveEvent(
  deployments: Record<string, LiveDeployment>,
  event: LedgerEventJson,
): Record<string, LiveDeployment> {
  const id = str(event.data.deploymentId);
  if (!id) return deployments;
  const known = deployments[id];
  if (event.type === 'DeploymentRequested') {
    const planned = Array.isArray(event.data.resources) ? (event.data.resources as { name?: unknown }[]) : [];
    const target = event.data.target as { kind?: unknown } | undefined;
    return {
      ...deployments,
      [id]: {
        deploymentId: id,
        app: str(event.data.app),
        environment: str(event.data.environment),
        target: str(target?.kind) || 'local',
        status: 'in_progress',
        resources: Object.fromEntries(planned.map((r) => [str(r.name), 'pending'])),
        updatedAt: event.recordedAt,
      },
    };
  }
  if (!known) return deployments;
  const next: LiveDeployment = { ...known, resources: { ...known.resources }, updatedAt: event.recordedAt };
  const resource = str(event.data.resource);
  switch (event.type) {
    case 'EndpointProvisioned':
      next.resources[resource] = str(event.data.action);
      break;
    case 'EndpointProvisioningFailed':
      next.resources[resource] = 'failed';
      break;
    case 'EndpointRemoved':
      next.resources[resource] = 'removed';
      break;
    case 'DeploymentSucceeded':
      next.status = 'succeeded';
      break;
    case 'DeploymentFailed':
      next.status = 'failed';
      break;
    case 'DeploymentRejected':
      next.status = 'rejected';
      break;
    case 'DeploymentResumed':
      next.status = 'in_progress';
      break;
    default:
      return deployments;
  }
  return { ...deployments, [id]: next };
}

/** `2/3 resources done`: those past pending. */
export function progressText(d: LiveDeployment): string {
  const all = Object.values(d.resources);
  const done = all.filter((a) => a !== 'pending').length;
  return `${done}/${all.length} resources done`;
}
