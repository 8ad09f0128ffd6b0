import type { DeploymentEvent, DeploymentRequestedData, PlannedResource } from './deployment.events';

export interface ResourceProgress {
  planned: PlannedResource;
  keyFingerprint?: string;
  endpointId?: string;
  action?: 'created' | 'updated' | 'unchanged';
  url?: string;
  failure?: { code: string; message: string };
}

export type DeploymentStatus = 'active' | 'rejected' | 'succeeded' | 'failed';

export interface StartedDeployment {
  status: DeploymentStatus;
  request: DeploymentRequestedData;
  build?: { appId: string; environmentId: string; buildId: string };
  resources: Record<string, ResourceProgress>;
  /** Endpoints of the environment whose resource left the app: removed once provisioning is done. */
  removals: Record<string, { endpointId: string; removed: boolean }>;
  finalized?: { resourcesEndpoints: Record<string, string>; manifestHash: string };
  /** Publish attempts since the deployment was requested or last resumed. */
  publishAttempts: number;
  published?: { buildId: string; manifestHash: string };
  rejection?: { code: string; message: string; details?: Record<string, unknown> };
  failure?: { code: string; message: string; failedResources: string[] };
  startedAt: string;
  endedAt?: string;
}

export type Deployment = { status: 'none' } | StartedDeployment;

export const initialState: Deployment = { status: 'none' };

const withResource = (
  s: StartedDeployment,
  name: string,
  change: (r: ResourceProgress) => ResourceProgress,
): StartedDeployment => {
  const current = s.resources[name];
  return current ? { ...s, resources: { ...s.resources, [name]: change(current) } } : s;
};

/** Folds one event into the state. Pure; unknown transitions leave the state as it is. */
export function evolve(state: Deployment, event: DeploymentEvent): Deployment {
  if (event.type === 'DeploymentRequested') {
    const d = event.data;
    const planned = new Set(d.resources.map((r) => r.name));
    return {
      status: 'active',
      request: d,
      resources: Object.fromEntries(d.resources.map((r) => [r.name, { planned: r }])),
      removals: Object.fromEntries(
        Object.entries(d.previous)
          .filter(([name]) => !planned.has(name))
          .map(([name, p]) => [name, { endpointId: p.endpointId, removed: false }]),
      ),
      publishAttempts: 0,
      startedAt: d.at,
    };
  }
  if (state.status === 'none') return state;
  const s = state;
  switch (event.type) {
    case 'DeploymentRejected':
      return {
        ...s,
        status: 'rejected',
        rejection: { code: event.data.code, message: event.data.message, details: event.data.details },
        endedAt: event.data.at,
      };
    case 'BuildActivated':
      return { ...s, build: { ...event.data } };
    case 'KeyInjected':
      return withResource(s, event.data.resource, (r) => ({ ...r, keyFingerprint: event.data.fingerprint }));
    case 'EndpointProvisioned':
      return withResource(s, event.data.resource, (r) => ({
        ...r,
        endpointId: event.data.endpointId,
        action: event.data.action,
        failure: undefined,
      }));
    case 'EndpointProvisioningFailed':
      return withResource(s, event.data.resource, (r) => ({
        ...r,
        failure: { code: event.data.code, message: event.data.message },
      }));
    case 'UrlCollected':
      return withResource(s, event.data.resource, (r) => ({ ...r, url: event.data.url }));
    case 'EndpointRemoved':
      return {
        ...s,
        removals: {
          ...s.removals,
          [event.data.resource]: { endpointId: event.data.endpointId, removed: true },
        },
      };
    case 'ManifestFinalized':
      return { ...s, finalized: { ...event.data } };
    case 'ManifestPublishAttemptFailed':
      return { ...s, publishAttempts: s.publishAttempts + 1 };
    case 'ManifestPublished':
      return { ...s, published: { buildId: event.data.buildId, manifestHash: event.data.manifestHash } };
    case 'DeploymentSucceeded':
      return { ...s, status: 'succeeded', endedAt: event.data.at };
    case 'DeploymentFailed':
      return {
        ...s,
        status: 'failed',
        failure: {
          code: event.data.code,
          message: event.data.message,
          failedResources: event.data.failedResources,
        },
        endedAt: event.data.at,
      };
    case 'DeploymentResumed':
      return {
        ...s,
        status: 'active',
        failure: undefined,
        endedAt: undefined,
        publishAttempts: 0,
        resources: Object.fromEntries(
          Object.entries(s.resources).map(([name, r]) => [name, { ...r, failure: undefined }]),
        ),
      };
    default:
      return s;
  }
}

export const fold = (events: readonly DeploymentEvent[]): Deployment => events.reduce(evolve, initialState);
