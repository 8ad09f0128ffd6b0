import { unreachable } from '../errors';
import type { DeploymentEvent, DeploymentRequestedData, EventOf, PlannedResource } from './deployment.events';

export interface ResourceProgress {
  planned: PlannedResource;
  keyFingerprint?: string;
  endpointId?: string;
  action?: 'created' | 'updated' | 'unchanged';
  url?: string;
  failure?: { code: string; message: string };
}

/** What a requested deployment has done so far; it keeps it in every phase. */
export interface DeploymentProgress {
  request: DeploymentRequestedData;
  build?: { appId: string; environmentId: string; buildId: string };
  resources: Record<string, ResourceProgress>;
  /** Endpoints of the environment whose resource left the app: removed once provisioning is done. */
  removals: Record<string, { endpointId: string; removed: boolean }>;
  finalized?: { resourcesEndpoints: Record<string, string>; manifestHash: string };
  /** Publish attempts since the deployment was requested or last resumed. */
  publishAttempts: number;
  published?: { buildId: string; manifestHash: string };
  startedAt: string;
}

/** Running, or interrupted: its work is pending. */
export interface ActiveDeployment extends DeploymentProgress {
  status: 'active';
}

export interface SucceededDeployment extends DeploymentProgress {
  status: 'succeeded';
  endedAt: string;
}

/** Ended with a failure; `ResumeDeployment` makes it active again. */
export interface FailedDeployment extends DeploymentProgress {
  status: 'failed';
  failure: { code: string; message: string; failedResources: string[] };
  endedAt: string;
}

/** Refused before it provisioned anything; it is deployed again, never resumed. */
export interface RejectedDeployment extends DeploymentProgress {
  status: 'rejected';
  rejection: { code: string; message: string; details?: Record<string, unknown> };
  endedAt: string;
}

export type StartedDeployment =
  ActiveDeployment | SucceededDeployment | FailedDeployment | RejectedDeployment;
export type DeploymentStatus = StartedDeployment['status'];

export type Deployment = { status: 'none' } | StartedDeployment;

export const initialState: Deployment = { status: 'none' };

/** The progress of a deployment without the fields of the phase it is in, for the phase it moves to. */
function progressOf(s: StartedDeployment): DeploymentProgress {
  switch (s.status) {
    case 'active': {
      const { status: _status, ...progress } = s;
      return progress;
    }
    case 'succeeded': {
      const { status: _status, endedAt: _endedAt, ...progress } = s;
      return progress;
    }
    case 'failed': {
      const { status: _status, endedAt: _endedAt, failure: _failure, ...progress } = s;
      return progress;
    }
    case 'rejected': {
      const { status: _status, endedAt: _endedAt, rejection: _rejection, ...progress } = s;
      return progress;
    }
    default:
      return unreachable(s);
  }
}

const withResource = (
  s: StartedDeployment,
  name: string,
  change: (r: ResourceProgress) => ResourceProgress,
): StartedDeployment => {
  const current = s.resources[name];
  return current ? { ...s, resources: { ...s.resources, [name]: change(current) } } : s;
};

function requested(d: DeploymentRequestedData): ActiveDeployment {
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

/** Folds one event into the state. Pure; an event of a deployment never requested changes nothing. */
export function evolve(state: Deployment, event: DeploymentEvent): Deployment {
  if (event.type === 'DeploymentRequested') return requested(event.data);
  return state.status === 'none' ? state : evolveStarted(state, event);
}

function evolveStarted(
  s: StartedDeployment,
  event: Exclude<DeploymentEvent, EventOf<'DeploymentRequested'>>,
): StartedDeployment {
  switch (event.type) {
    case 'DeploymentRejected': {
      const { code, message, details } = event.data;
      const rejection = { code, message, details };
      return { ...progressOf(s), status: 'rejected', rejection, endedAt: event.data.at };
    }
    case 'BuildActivated':
      return { ...s, build: { ...event.data } };
    case 'KeyInjected':
      return withResource(s, event.data.resource, (r) => ({ ...r, keyFingerprint: event.data.fingerprint }));
    case 'EndpointProvisioned': {
      const { endpointId, action } = event.data;
      return withResource(s, event.data.resource, ({ failure: _failure, ...r }) => ({
        ...r,
        endpointId,
        action,
      }));
    }
    case 'EndpointProvisioningFailed': {
      const failure = { code: event.data.code, message: event.data.message };
      return withResource(s, event.data.resource, (r) => ({ ...r, failure }));
    }
    case 'UrlCollected':
      return withResource(s, event.data.resource, (r) => ({ ...r, url: event.data.url }));
    case 'EndpointRemoved': {
      const removal = { endpointId: event.data.endpointId, removed: true };
      return { ...s, removals: { ...s.removals, [event.data.resource]: removal } };
    }
    case 'ManifestFinalized':
      return { ...s, finalized: { ...event.data } };
    case 'ManifestPublishAttemptFailed':
      return { ...s, publishAttempts: s.publishAttempts + 1 };
    case 'ManifestPublished':
      return { ...s, published: { buildId: event.data.buildId, manifestHash: event.data.manifestHash } };
    case 'DeploymentSucceeded':
      return { ...progressOf(s), status: 'succeeded', endedAt: event.data.at };
    case 'DeploymentFailed': {
      const { code, message, failedResources } = event.data;
      const failure = { code, message, failedResources };
      return { ...progressOf(s), status: 'failed', failure, endedAt: event.data.at };
    }
    case 'DeploymentResumed': {
      const resources = Object.fromEntries(
        Object.entries(s.resources).map(([name, { failure: _failure, ...r }]) => [name, r]),
      );
      return { ...progressOf(s), status: 'active', publishAttempts: 0, resources };
    }
    default:
      return unreachable(event);
  }
}

export const fold = (events: readonly DeploymentEvent[]): Deployment => events.reduce(evolve, initialState);
