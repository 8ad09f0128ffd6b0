import type { DeploymentRequestedData, Target } from '../../domain/deployment/deployment.events';
import type { ProjectedEvent, Projection } from '../projection';
import { withEntry } from '../view-records';

export type DeploymentStatus = 'in_progress' | 'succeeded' | 'failed' | 'rejected';
export type ResourceAction = 'created' | 'updated' | 'unchanged' | 'removed';
export type ActionCounts = Record<ResourceAction, number>;

/** One deployment as `flash history` shows it. */
export interface DeploymentRecord {
  deploymentId: string;
  app: string;
  environment: string;
  /** The environment's version for this deployment, once it locked the environment. */
  version: number | null;
  target: Target['kind'];
  requestedBy: string;
  host: string;
  gitCommit: string | null;
  requestedAt: string;
  status: DeploymentStatus;
  endedAt: string | null;
  /** From the request to the terminal event. */
  durationMs: number | null;
  failure: { code: string; message: string; failedResources: string[] } | null;
  rejection: { code: string; message: string } | null;
  resumedBy: string | null;
  resumedAt: string | null;
  /** sha256 of the artifact it deploys (none for an undeploy): what `flash gc` keeps. */
  artifactSha256?: string;
  /** The version (and its deployment) this deployment rolled back to, for a `flash rollback`. */
  rollbackOf?: { version: number; deploymentId: string };
  /** What outside the CLI asked for it: a push to a mapped branch, or drift healed. */
  trigger?: NonNullable<DeploymentRequestedData['trigger']>;
  /** The last action recorded for each resource. */
  resources: Record<string, ResourceAction>;
  /** How many resources ended in each action. */
  actions: ActionCounts;
}

export interface DeploymentHistoryView {
  /** Deployment ids by requestedAt; equal times keep the order the requests arrived in. */
  order: string[];
  deployments: Record<string, DeploymentRecord>;
}

export const DEPLOYMENT_HISTORY = 'deployment-history/2';

function evolve(view: DeploymentHistoryView, { event }: ProjectedEvent): DeploymentHistoryView {
  switch (event.type) {
    case 'DeploymentRequested':
      return view.deployments[event.data.deploymentId] ? view : add(view, requested(event.data));
    case 'EnvironmentLocked':
      return update(view, event.data.deploymentId, (r) => ({ ...r, version: event.data.version }));
    case 'EndpointProvisioned':
      return update(view, event.data.deploymentId, (r) => act(r, event.data.resource, event.data.action));
    case 'EndpointRemoved':
      return update(view, event.data.deploymentId, (r) => act(r, event.data.resource, 'removed'));
    case 'DeploymentRejected': {
      const { code, message, at } = event.data;
      return update(view, event.data.deploymentId, (r) => ({
        ...end(r, 'rejected', at),
        rejection: { code, message },
      }));
    }
    case 'DeploymentFailed': {
      const { code, message, failedResources, at } = event.data;
      return update(view, event.data.deploymentId, (r) => ({
        ...end(r, 'failed', at),
        failure: { code, message, failedResources },
      }));
    }
    case 'DeploymentSucceeded':
      return update(view, event.data.deploymentId, (r) => end(r, 'succeeded', event.data.at));
    case 'DeploymentResumed': {
      const { by, at } = event.data;
      return update(view, event.data.deploymentId, (r) => ({
        ...r,
        status: 'in_progress',
        endedAt: null,
        durationMs: null,
        failure: null,
        resumedBy: by,
        resumedAt: at,
      }));
    }
    default:
      return view;
  }
}

function requested(data: DeploymentRequestedData): DeploymentRecord {
  return {
    deploymentId: data.deploymentId,
    app: data.app,
    environment: data.environment,
    version: null,
    target: data.target.kind,
    requestedBy: data.requestedBy,
    host: data.host,
    gitCommit: data.gitCommit,
    requestedAt: data.at,
    status: 'in_progress',
    endedAt: null,
    durationMs: null,
    failure: null,
    rejection: null,
    resumedBy: null,
    resumedAt: null,
    ...(data.artifact.sha256 ? { artifactSha256: data.artifact.sha256 } : {}),
    ...(data.rollbackOf ? { rollbackOf: { ...data.rollbackOf } } : {}),
    ...(data.trigger ? { trigger: { ...data.trigger } } : {}),
    resources: {},
    actions: { created: 0, updated: 0, unchanged: 0, removed: 0 },
  };
}

function add(view: DeploymentHistoryView, record: DeploymentRecord): DeploymentHistoryView {
  const later = view.order.findIndex((id) => (view.deployments[id]?.requestedAt ?? '') > record.requestedAt);
  const at = later === -1 ? view.order.length : later;
  return {
    order: [...view.order.slice(0, at), record.deploymentId, ...view.order.slice(at)],
    deployments: withEntry(view.deployments, record.deploymentId, record),
  };
}

/** Changes one deployment's record; events of deployments never requested change nothing. */
function update(
  view: DeploymentHistoryView,
  deploymentId: string,
  change: (record: DeploymentRecord) => DeploymentRecord,
): DeploymentHistoryView {
  const record = view.deployments[deploymentId];
  if (!record) return view;
  return { ...view, deployments: withEntry(view.deployments, deploymentId, change(record)) };
}

function act(record: DeploymentRecord, resource: string, action: ResourceAction): DeploymentRecord {
  const resources = withEntry(record.resources, resource, action);
  const actions: ActionCounts = { created: 0, updated: 0, unchanged: 0, removed: 0 };
  for (const a of Object.values(resources)) actions[a] += 1;
  return { ...record, resources, actions };
}

function end(record: DeploymentRecord, status: DeploymentStatus, at: string): DeploymentRecord {
  return {
    ...record,
    status,
    endedAt: at,
    durationMs: Math.max(0, Date.parse(at) - Date.parse(record.requestedAt)),
  };
}

/** Every deployment with who, when, which commit, version, status, duration and what it did per resource. */
export const deploymentHistoryProjection: Projection<DeploymentHistoryView> = {
  name: DEPLOYMENT_HISTORY,
  handles: [
    'DeploymentRequested',
    'EnvironmentLocked',
    'EndpointProvisioned',
    'EndpointRemoved',
    'DeploymentRejected',
    'DeploymentFailed',
    'DeploymentSucceeded',
    'DeploymentResumed',
  ],
  initial: () => ({ order: [], deployments: {} }),
  evolve,
};
