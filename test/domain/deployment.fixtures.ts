import { deploymentCommandSchema } from '../../src/domain/deployment/deployment.commands';
import {
  decide,
  evolve,
  fold,
  initialState,
  type Deployment,
} from '../../src/domain/deployment/deployment.decider';
import type { StartedDeployment } from '../../src/domain/deployment/deployment.state';
import {
  deploymentEventSchema,
  type DeploymentEvent,
  type DeploymentRequestedData,
  type EventOf,
} from '../../src/domain/deployment/deployment.events';
import { at, givenFor, requestData } from '../support/given';

export const given = givenFor({
  decide,
  evolve,
  initialState,
  events: deploymentEventSchema,
  commands: deploymentCommandSchema,
});

/** The events of one deployment, all in its own fresh stream. */
export function deploymentOf(overrides: Partial<DeploymentRequestedData> = {}) {
  const request = requestData(overrides);
  const deploymentId = request.deploymentId;
  const endpointOf = (resource: string): string => `ep-${resource}`;
  const urlOf = (resource: string): string => `https://${endpointOf(resource)}.example.test`;
  return {
    deploymentId,
    request,
    endpointOf,
    urlOf,
    requested: (): EventOf<'DeploymentRequested'> => ({ type: 'DeploymentRequested', data: request }),
    activated: (): EventOf<'BuildActivated'> => ({
      type: 'BuildActivated',
      data: { deploymentId, appId: 'app-1', environmentId: 'env-1', buildId: 'build-1', at: at(10) },
    }),
    keyInjected: (resource = 'api', fingerprint = 'fp-1'): EventOf<'KeyInjected'> => ({
      type: 'KeyInjected',
      data: { deploymentId, resource, envVar: 'RUNPOD_API_KEY', fingerprint },
    }),
    provisioned: (
      resource: string,
      options: { action?: 'created' | 'updated' | 'unchanged'; endpointId?: string } = {},
    ): EventOf<'EndpointProvisioned'> => ({
      type: 'EndpointProvisioned',
      data: {
        deploymentId,
        resource,
        endpointId: options.endpointId ?? endpointOf(resource),
        action: options.action ?? 'created',
        configHash: `cfg-${resource}`,
        keyFingerprint: request.resources.find((r) => r.name === resource)?.makesRemoteCalls
          ? request.keyFingerprint
          : null,
        at: at(20),
      },
    }),
    provisioningFailed: (resource: string): EventOf<'EndpointProvisioningFailed'> => ({
      type: 'EndpointProvisioningFailed',
      data: { deploymentId, resource, code: 'UPSTREAM_FAILED', message: 'no GPU available', at: at(20) },
    }),
    urlCollected: (resource: string): EventOf<'UrlCollected'> => ({
      type: 'UrlCollected',
      data: { deploymentId, resource, endpointId: endpointOf(resource), url: urlOf(resource) },
    }),
    removed: (resource: string, endpointId = `ep-${resource}`): EventOf<'EndpointRemoved'> => ({
      type: 'EndpointRemoved',
      data: { deploymentId, resource, endpointId, at: at(30) },
    }),
    finalized: (): EventOf<'ManifestFinalized'> => ({
      type: 'ManifestFinalized',
      data: {
        deploymentId,
        resourcesEndpoints: Object.fromEntries(request.resources.map((r) => [r.name, urlOf(r.name)])),
        manifestHash: 'mh-1',
      },
    }),
    publishAttemptFailed: (attempt = 1): EventOf<'ManifestPublishAttemptFailed'> => ({
      type: 'ManifestPublishAttemptFailed',
      data: {
        deploymentId,
        attempt,
        code: 'UPSTREAM_FAILED',
        message: 'State Manager answered 503',
        nextRetryInMs: 500,
        at: at(40),
      },
    }),
    published: (manifestHash = 'mh-1'): EventOf<'ManifestPublished'> => ({
      type: 'ManifestPublished',
      data: { deploymentId, buildId: 'build-1', manifestHash, attempt: 1, at: at(50) },
    }),
    succeeded: (): EventOf<'DeploymentSucceeded'> => ({
      type: 'DeploymentSucceeded',
      data: { deploymentId, at: at(60) },
    }),
    failed: (failedResources: string[] = []): EventOf<'DeploymentFailed'> => ({
      type: 'DeploymentFailed',
      data: {
        deploymentId,
        code: 'PROVISIONING_FAILED',
        failedResources,
        message: 'some endpoints could not be provisioned',
        at: at(60),
      },
    }),
    rejected: (code = 'ENVIRONMENT_LOCKED'): EventOf<'DeploymentRejected'> => ({
      type: 'DeploymentRejected',
      data: { deploymentId, code, message: 'the environment is busy', at: at(1) },
    }),
    resumed: (): EventOf<'DeploymentResumed'> => ({
      type: 'DeploymentResumed',
      data: { deploymentId, by: 'user:bob@desk', at: at(120) },
    }),
  };
}

export type DeploymentFixture = ReturnType<typeof deploymentOf>;

/** A deploy with both URLs collected: everything up to the final manifest is done. */
export const provisionedHistory = (d: DeploymentFixture) => [
  d.requested(),
  d.activated(),
  d.keyInjected(),
  d.provisioned('api'),
  d.provisioned('gpu'),
  d.urlCollected('api'),
  d.urlCollected('gpu'),
];

/** The state of a deployment that was requested; a test that gets `none` here fails. */
export function started(state: Deployment): StartedDeployment {
  if (state.status === 'none') throw new Error('the deployment was never requested');
  return state;
}

/** Folds a history, each event parsed by the production schema first. */
export const stateOf = (events: readonly DeploymentEvent[]): Deployment =>
  fold(events.map((e) => deploymentEventSchema.parse(e)));
