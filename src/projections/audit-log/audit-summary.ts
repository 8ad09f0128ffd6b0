import type { ExternalEvent } from '../../domain/external/external.events';
import type { DomainEvent } from '../projection';

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** One short human line per event, for `flash audit`. Never holds a secret: events hold none. */
export function summarize(event: DomainEvent): string {
  switch (event.type) {
    case 'DeploymentRequested': {
      const { app, environment, target, resources, requestedBy, host, gitCommit, rollbackOf } = event.data;
      const commit = gitCommit ? ` at commit ${gitCommit.slice(0, 12)}` : '';
      if (event.data.trigger?.kind === 'heal')
        return `heal of ${app}.${environment} on ${target.kind}: v${rollbackOf?.version ?? '-'} deployed again after drift (${count(resources.length, 'resource')})`;
      if (event.data.trigger?.kind === 'push')
        return `deploy of ${app}.${environment} (${count(resources.length, 'resource')}) to ${target.kind} for a push to ${event.data.trigger.repository}@${event.data.trigger.branch} (${event.data.trigger.commit.slice(0, 12)})`;
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
    case 'DriftDetected': {
      const { app, environment, target, source, drifts } = event.data;
      const what = drifts
        .map((d) => `${d.resource} ${d.change}${d.detail ? ` (${d.detail})` : ''}`)
        .join('; ');
      return `drift in ${app}.${environment} on ${target}, found by ${source}: ${what}`;
    }
    case 'DriftResolved':
      return `drift resolved in ${event.data.app}.${event.data.environment} on ${event.data.target}: ${event.data.resources.join(', ')}`;
    case 'DriftPolicySet':
      return `drift policy set to ${event.data.policy} by ${event.data.by}`;
    default:
      return unknownEvent(event);
  }
}

function unknownEvent(event: never): string {
  return `unknown event ${JSON.stringify(event)}`;
}

const shortLine = (text: string, max = 120): string => {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/**
 * One short human line per external event (what a verified webhook reported), for `flash audit` and
 * `flash events`: `push to owner/repo@main (abc123456789) by alice`, `runpod job j1 COMPLETED`,
 * `runpod endpoint ep1 deleted`, `generic event build.finished`. Never the generic payload.
 */
export function summarizeExternal(event: ExternalEvent): string {
  switch (event.type) {
    case 'GithubPushReceived': {
      const { repository, branch, ref, after, deleted, pusher } = event.data;
      const by = pusher ? ` by ${pusher}` : '';
      if (deleted) return `push deleting ${repository}@${branch ?? ref}${by}`;
      return `push to ${repository}@${branch ?? ref} (${after.slice(0, 12)})${by}`;
    }
    case 'RunpodJobReported': {
      const { jobId, status, error } = event.data;
      return `runpod job ${jobId} ${status}${error ? `: ${shortLine(error)}` : ''}`;
    }
    case 'RunpodEndpointChanged': {
      const { endpointId, name, change } = event.data;
      return `runpod endpoint ${endpointId}${name ? ` (${name})` : ''} ${change}`;
    }
    case 'GenericEventReceived':
      return `generic event ${event.data.eventType}`;
    default:
      return unknownEvent(event);
  }
}
