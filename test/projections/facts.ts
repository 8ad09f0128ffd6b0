import {
  deploymentEventSchema,
  type PreviousEndpoint,
  type Target,
} from '../../src/domain/deployment/deployment.events';
import { environmentEventSchema } from '../../src/domain/environment/environment';
import { deploymentStream, environmentStream } from '../../src/domain/streams';
import type { Fact } from './support';

/** A fixed time on the test day: `at('10:05')`. */
export const at = (hhmm: string): string => `2026-03-01T${hhmm}:00.000Z`;

export const ALICE = 'user:alice@laptop';
export const BOB = 'user:bob@desk';
export const KEY_FP = 'sha256:9f86d081884c7d65';
const PROVISIONING = 'reactor:provisioning';
const PUBLICATION = 'saga:publication';

/** Every fact goes through the production schema, so test data is data the ledger would accept. */
const deploymentFact = (actor: string, event: unknown): Fact => {
  const parsed = deploymentEventSchema.parse(event);
  return { event: parsed, stream: deploymentStream(parsed.data.deploymentId), actor };
};

export interface RequestOptions {
  app?: string;
  environment?: string;
  resources?: string[];
  previous?: Record<string, PreviousEndpoint>;
  requestedBy?: string;
  host?: string;
  gitCommit?: string | null;
  target?: Target;
  at?: string;
}

export function requested(deploymentId: string, o: RequestOptions = {}): Fact {
  const app = o.app ?? 'shop';
  const resources = (o.resources ?? ['api', 'worker']).map((name) => ({
    name,
    isLoadBalanced: name === 'api',
    makesRemoteCalls: name === 'api',
    configHash: `cfg-${name}`,
  }));
  const requestedBy = o.requestedBy ?? ALICE;
  return deploymentFact(requestedBy, {
    type: 'DeploymentRequested',
    data: {
      deploymentId,
      app,
      environment: o.environment ?? 'prod',
      target: o.target ?? { kind: 'local', url: 'http://127.0.0.1:7711' },
      manifest: { version: '1.0', project_name: app },
      resources,
      previous: o.previous ?? {},
      artifact: { path: `/tmp/${app}.tar.gz`, sha256: 'a1b2c3', bytes: 2048 },
      keyFingerprint: KEY_FP,
      requestedBy,
      host: o.host ?? 'laptop',
      gitCommit: o.gitCommit === undefined ? '4e1f0c2a9b7d' : o.gitCommit,
      at: o.at ?? at('10:00'),
    },
  });
}

export const rejected = (deploymentId: string, code: string, message: string, when: string): Fact =>
  deploymentFact(ALICE, { type: 'DeploymentRejected', data: { deploymentId, code, message, at: when } });

export const keyInjected = (deploymentId: string, resource: string): Fact =>
  deploymentFact(PROVISIONING, {
    type: 'KeyInjected',
    data: { deploymentId, resource, envVar: 'RUNPOD_API_KEY', fingerprint: KEY_FP },
  });

export function provisioned(
  deploymentId: string,
  resource: string,
  endpointId: string,
  action: 'created' | 'updated' | 'unchanged',
  when: string,
  configHash = `cfg-${resource}`,
): Fact {
  return deploymentFact(PROVISIONING, {
    type: 'EndpointProvisioned',
    data: {
      deploymentId,
      resource,
      endpointId,
      action,
      configHash,
      keyFingerprint: resource === 'api' ? KEY_FP : null,
      at: when,
    },
  });
}

export const provisioningFailed = (
  deploymentId: string,
  resource: string,
  code: string,
  message: string,
  when: string,
): Fact =>
  deploymentFact(PROVISIONING, {
    type: 'EndpointProvisioningFailed',
    data: { deploymentId, resource, code, message, at: when },
  });

/** The local cloud's URL of an endpoint: LB for `api`, queue for the rest. */
export const urlOf = (resource: string, endpointId: string): string =>
  `http://127.0.0.1:7711/${resource === 'api' ? 'lb' : 'v2'}/${endpointId}`;

export const urlCollected = (deploymentId: string, resource: string, endpointId: string): Fact =>
  deploymentFact(PROVISIONING, {
    type: 'UrlCollected',
    data: { deploymentId, resource, endpointId, url: urlOf(resource, endpointId) },
  });

export const removed = (deploymentId: string, resource: string, endpointId: string, when: string): Fact =>
  deploymentFact(PROVISIONING, {
    type: 'EndpointRemoved',
    data: { deploymentId, resource, endpointId, at: when },
  });

export const finalized = (deploymentId: string, endpoints: Record<string, string>): Fact =>
  deploymentFact(PUBLICATION, {
    type: 'ManifestFinalized',
    data: {
      deploymentId,
      resourcesEndpoints: Object.fromEntries(Object.entries(endpoints).map(([r, ep]) => [r, urlOf(r, ep)])),
      manifestHash: `sha256:manifest-${deploymentId}`,
    },
  });

export const publishFailed = (
  deploymentId: string,
  attempt: number,
  nextRetryInMs: number | null,
  when: string,
): Fact =>
  deploymentFact(PUBLICATION, {
    type: 'ManifestPublishAttemptFailed',
    data: {
      deploymentId,
      attempt,
      code: 'STATE_MANAGER_UNAVAILABLE',
      message: 'the State Manager answered 503',
      nextRetryInMs,
      at: when,
    },
  });

export const published = (deploymentId: string, attempt: number, when: string): Fact =>
  deploymentFact(PUBLICATION, {
    type: 'ManifestPublished',
    data: {
      deploymentId,
      buildId: `build-${deploymentId}`,
      manifestHash: `sha256:manifest-${deploymentId}`,
      attempt,
      at: when,
    },
  });

export const succeeded = (deploymentId: string, when: string): Fact =>
  deploymentFact(PUBLICATION, { type: 'DeploymentSucceeded', data: { deploymentId, at: when } });

export const failed = (
  deploymentId: string,
  failedResources: string[],
  message: string,
  when: string,
): Fact =>
  deploymentFact(PUBLICATION, {
    type: 'DeploymentFailed',
    data: { deploymentId, code: 'PROVISIONING_FAILED', failedResources, message, at: when },
  });

export const resumed = (deploymentId: string, by: string, when: string): Fact =>
  deploymentFact(by, { type: 'DeploymentResumed', data: { deploymentId, by, at: when } });

export interface Place {
  app?: string;
  environment?: string;
}

export function locked(deploymentId: string, version: number, by: string, when: string, p: Place = {}): Fact {
  return {
    event: environmentEventSchema.parse({
      type: 'EnvironmentLocked',
      data: { deploymentId, version, by, at: when },
    }),
    stream: environmentStream(p.app ?? 'shop', p.environment ?? 'prod'),
    actor: by,
  };
}

export function released(
  deploymentId: string,
  outcome: 'succeeded' | 'failed' | 'rejected' | 'abandoned',
  when: string,
  p: Place = {},
): Fact {
  return {
    event: environmentEventSchema.parse({
      type: 'EnvironmentReleased',
      data: { deploymentId, outcome, at: when },
    }),
    stream: environmentStream(p.app ?? 'shop', p.environment ?? 'prod'),
    actor: PUBLICATION,
  };
}

/**
 * One whole deployment of two endpoints (api calls worker) that succeeded, as its actors record it: the
 * request, the lock, the key, both endpoints and URLs, the manifest, success and the release.
 */
export function succeededDeployment(
  deploymentId: string,
  app: string,
  version: number,
  when: string,
  request: Omit<RequestOptions, 'app' | 'environment' | 'resources' | 'at'> = {},
): Fact[] {
  const place = { app, environment: 'prod' };
  const t = (s: number): string => new Date(Date.parse(when) + s * 1000).toISOString();
  const first = version === 1;
  return [
    requested(deploymentId, { ...request, app, environment: 'prod', resources: ['api', 'worker'], at: t(0) }),
    locked(deploymentId, version, ALICE, t(0), place),
    keyInjected(deploymentId, 'api'),
    provisioned(deploymentId, 'api', `ep-api-${app}`, first ? 'created' : 'unchanged', t(1)),
    provisioned(deploymentId, 'worker', `ep-worker-${app}`, first ? 'created' : 'updated', t(1)),
    urlCollected(deploymentId, 'api', `ep-api-${app}`),
    urlCollected(deploymentId, 'worker', `ep-worker-${app}`),
    finalized(deploymentId, {
      api: urlOf('api', `ep-api-${app}`),
      worker: urlOf('worker', `ep-worker-${app}`),
    }),
    published(deploymentId, 1, t(2)),
    succeeded(deploymentId, t(2)),
    released(deploymentId, 'succeeded', t(2), place),
  ];
}
