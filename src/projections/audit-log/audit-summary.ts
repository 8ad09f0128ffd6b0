import type { DomainEvent } from '../projection';

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** One short human line per event, for `flash audit`. Never holds a secret: events hold none. */
export function summarize(event: DomainEvent): string {
  switch (event.type) {
    case 'DeploymentRequested': {
      const { app, environment, target, resources, requestedBy, host, gitCommit, rollbackOf } = event.data;
      const commit = gitCommit ? ` at commit ${gitCommit.slice(0, 12)}` : '';
      if (rollbackOf)
        return `rollback of ${app}.${environment} to v${rollbackOf.version} (${count(resources.length, 'resource')}) on ${target.kind} requested by ${requestedBy} on ${host}`;
      return `deploy of ${app}.${environment} (${count(resources.length, 'resource')}) to ${target.kind} requested by ${requestedBy} on ${host}${commit}`;
    }
    case 'DeploymentRejected':
      return `deployment rejected: ${event.data.code}: ${event.data.message}`;
    case 'BuildActivated':
      return `build ${event.data.buildId} activated in environment ${event.data.environmentId}`;
    case 'KeyInjected':
      return `key ${event.data.envVar} injected into ${event.data.resource} (${event.data.fingerprint})`;
    case 'EndpointProvisioned':
      return `${event.data.resource} provisioned (${event.data.action}) as ${event.data.endpointId}`;
    case 'EndpointProvisioningFailed':
      return `${event.data.resource} could not be provisioned: ${event.data.code}: ${event.data.message}`;
    case 'UrlCollected':
      return `${event.data.resource} answers at ${event.data.url}`;
    case 'EndpointRemoved':
      return `${event.data.resource} removed (${event.data.endpointId})`;
    case 'ManifestFinalized':
      return `manifest finalized with ${count(Object.keys(event.data.resourcesEndpoints).length, 'endpoint')} (${event.data.manifestHash})`;
    case 'ManifestPublishAttemptFailed': {
      const { attempt, code, message, nextRetryInMs } = event.data;
      const next = nextRetryInMs === null ? 'no attempts left' : `next in ${nextRetryInMs} ms`;
      return `publish attempt ${attempt} failed: ${code}: ${message} (${next})`;
    }
    case 'ManifestPublished':
      return `manifest published to build ${event.data.buildId} on attempt ${event.data.attempt}`;
    case 'DeploymentSucceeded':
      return 'deployment succeeded';
    case 'DeploymentFailed': {
      const { code, message, failedResources } = event.data;
      const which = failedResources.length > 0 ? ` (${failedResources.join(', ')})` : '';
      return `deployment failed${which}: ${code}: ${message}`;
    }
    case 'DeploymentResumed':
      return `deployment resumed by ${event.data.by}`;
    case 'EnvironmentLocked':
      return `environment locked by ${event.data.by} for deployment ${event.data.deploymentId} (version ${event.data.version})`;
    case 'EnvironmentReleased':
      return `environment released by deployment ${event.data.deploymentId} (${event.data.outcome})`;
    default:
      return unknownEvent(event);
  }
}

function unknownEvent(event: never): string {
  return `unknown event ${JSON.stringify(event)}`;
}
