import type { CommandOf } from './deployment.commands';
import type { DeploymentEvent } from './deployment.events';
import { active, fail, resourceOf } from './deployment.guards';
import type { Deployment } from './deployment.state';
import { sameFingerprints } from './deployment.work';

export function recordBuildActivated(
  cmd: CommandOf<'RecordBuildActivated'>,
  state: Deployment,
): DeploymentEvent[] {
  return active(state, cmd.data.deploymentId).build ? [] : [{ type: 'BuildActivated', data: cmd.data }];
}

/** Only a resource that makes remote calls gets the API key. */
export function recordKeyInjected(cmd: CommandOf<'RecordKeyInjected'>, state: Deployment): DeploymentEvent[] {
  const { resource, fingerprint } = cmd.data;
  const r = resourceOf(active(state, cmd.data.deploymentId), resource);
  if (!r.planned.makesRemoteCalls)
    return fail(
      'KEY_NOT_ALLOWED',
      `${resource} makes no remote calls: RUNPOD_API_KEY must not be given to it`,
    );
  return r.keyFingerprint === fingerprint ? [] : [{ type: 'KeyInjected', data: cmd.data }];
}

/** One endpoint per resource, on the active build, with the key recorded first where it gets one. */
export function recordEndpointProvisioned(
  cmd: CommandOf<'RecordEndpointProvisioned'>,
  state: Deployment,
): DeploymentEvent[] {
  const { deploymentId: id, resource, endpointId, action, keyFingerprint } = cmd.data;
  const s = active(state, id);
  if (!s.build) return fail('BUILD_NOT_ACTIVE', `deployment ${id} has no active build yet`);
  const r = resourceOf(s, resource);
  if (r.endpointId === endpointId) return [];
  if (r.endpointId)
    return fail(
      'ENDPOINT_CONFLICT',
      `${resource} was already provisioned as ${r.endpointId}, not ${endpointId}`,
    );
  if (!r.planned.makesRemoteCalls && keyFingerprint !== null)
    return fail('KEY_NOT_ALLOWED', `${resource} makes no remote calls but was given a key`);
  if (r.planned.makesRemoteCalls && action !== 'unchanged' && !r.keyFingerprint)
    return fail('KEY_NOT_RECORDED', `${resource} makes remote calls: record KeyInjected before its endpoint`);
  if (!sameFingerprints(r.planned.secretFingerprints, cmd.data.secretFingerprints))
    return fail(
      'SECRET_MISMATCH',
      `${resource} was provisioned with secrets other than the ones its deployment planned`,
    );
  return [{ type: 'EndpointProvisioned', data: cmd.data }];
}

/** A failure is recorded only while the resource has no endpoint. */
export function recordProvisioningFailed(
  cmd: CommandOf<'RecordProvisioningFailed'>,
  state: Deployment,
): DeploymentEvent[] {
  const r = resourceOf(active(state, cmd.data.deploymentId), cmd.data.resource);
  return r.endpointId ? [] : [{ type: 'EndpointProvisioningFailed', data: cmd.data }];
}

export function recordUrlCollected(
  cmd: CommandOf<'RecordUrlCollected'>,
  state: Deployment,
): DeploymentEvent[] {
  const { resource, endpointId, url } = cmd.data;
  const r = resourceOf(active(state, cmd.data.deploymentId), resource);
  if (r.endpointId !== endpointId)
    return fail(
      'ENDPOINT_NOT_PROVISIONED',
      `${resource} has no endpoint ${endpointId} recorded: record EndpointProvisioned first`,
    );
  return r.url === url ? [] : [{ type: 'UrlCollected', data: cmd.data }];
}

/** Only the endpoint of a resource that left the app is removed. */
export function recordEndpointRemoved(
  cmd: CommandOf<'RecordEndpointRemoved'>,
  state: Deployment,
): DeploymentEvent[] {
  const { resource } = cmd.data;
  const s = active(state, cmd.data.deploymentId);
  const removal = Object.hasOwn(s.removals, resource) ? s.removals[resource] : undefined;
  if (!removal)
    return fail(
      'UNKNOWN_REMOVAL',
      `${resource} is still part of the app, or never was in this environment: it is not removed`,
    );
  return removal.removed ? [] : [{ type: 'EndpointRemoved', data: cmd.data }];
}
