import type { DeploymentEvent } from '../../domain/deployment/deployment.events';

/** One progress line per event a user cares about while a deploy runs; undefined for the rest. */
export function progressLine(event: DeploymentEvent): string | undefined {
  switch (event.type) {
    case 'BuildActivated':
      return `  build ${event.data.buildId} uploaded and active`;
    case 'KeyInjected':
      return `  ${event.data.resource}: ${event.data.envVar} injected (${event.data.fingerprint})`;
    case 'EndpointProvisioned':
      return `  ${event.data.resource}: ${event.data.action} ${event.data.endpointId}`;
    case 'EndpointProvisioningFailed':
      return `  ${event.data.resource}: FAILED ${event.data.code}: ${event.data.message}`;
    case 'UrlCollected':
      return `  ${event.data.resource}: ${event.data.url}`;
    case 'EndpointRemoved':
      return `  ${event.data.resource}: removed ${event.data.endpointId}`;
    case 'ManifestFinalized':
      return `  manifest finalized with ${Object.keys(event.data.resourcesEndpoints).length} URL(s)`;
    case 'ManifestPublishAttemptFailed':
      return `  publish attempt ${event.data.attempt} failed (${event.data.code}: ${event.data.message})${
        event.data.nextRetryInMs === null ? '' : `; retrying in ${event.data.nextRetryInMs} ms`
      }`;
    case 'ManifestPublished':
      return `  manifest published to the State Manager (attempt ${event.data.attempt})`;
    case 'DeploymentResumed':
      return `  resumed by ${event.data.by}`;
    default:
      return undefined;
  }
}
