import type { CommandOf } from './deployment.commands';
import type { DeploymentEvent, EventOf } from './deployment.events';
import { active, fail, requested } from './deployment.guards';
import type { ActiveDeployment, Deployment, FailedDeployment } from './deployment.state';

/** The rejection of a request whose callers would get no API key. */
function apiKeyRequired(cmd: CommandOf<'RequestDeployment'>): EventOf<'DeploymentRejected'> | undefined {
  const needKey = cmd.data.resources.filter((r) => r.makesRemoteCalls).map((r) => r.name);
  if (needKey.length === 0 || cmd.data.keyFingerprint !== null) return undefined;
  const verb = needKey.length === 1 ? 'makes remote calls and gets' : 'make remote calls and get';
  return {
    type: 'DeploymentRejected',
    data: {
      deploymentId: cmd.data.deploymentId,
      code: 'API_KEY_REQUIRED',
      message: `RUNPOD_API_KEY is required: ${needKey.join(', ')} ${verb} the key; set RUNPOD_API_KEY or run \`flash login\`, and deploy again (nothing was provisioned)`,
      details: { resources: needKey },
      at: cmd.data.at,
    },
  };
}

export function requestDeployment(cmd: CommandOf<'RequestDeployment'>, state: Deployment): DeploymentEvent[] {
  const { deploymentId: id, intent, resources } = cmd.data;
  if (state.status !== 'none') return fail('DEPLOYMENT_EXISTS', `deployment ${id} was already requested`);
  if (intent === 'deploy' && resources.length === 0)
    return fail('NO_RESOURCES', 'the app has no endpoints: there is nothing to deploy');
  if (intent === 'undeploy' && resources.length > 0)
    return fail('UNDEPLOY_WITH_RESOURCES', 'an undeploy removes endpoints; it provisions none');
  const requestedEvent: DeploymentEvent = { type: 'DeploymentRequested', data: cmd.data };
  const rejected = apiKeyRequired(cmd);
  return rejected ? [requestedEvent, rejected] : [requestedEvent];
}

export function rejectDeployment(cmd: CommandOf<'RejectDeployment'>, state: Deployment): DeploymentEvent[] {
  const id = cmd.data.deploymentId;
  if (active(state, id).build)
    return fail('DEPLOYMENT_STARTED', `deployment ${id} already started provisioning: it cannot be rejected`);
  return [{ type: 'DeploymentRejected', data: cmd.data }];
}

export function completeDeployment(
  cmd: CommandOf<'CompleteDeployment'>,
  state: Deployment,
): DeploymentEvent[] {
  const id = cmd.data.deploymentId;
  const s = active(state, id);
  if (s.request.intent === 'undeploy') {
    const left = Object.entries(s.removals).filter(([, r]) => !r.removed);
    if (left.length > 0)
      return fail('REMOVALS_PENDING', `endpoints still exist: ${left.map(([n]) => n).join(', ')}`);
    return [{ type: 'DeploymentSucceeded', data: cmd.data }];
  }
  if (!s.published)
    return fail('MANIFEST_NOT_PUBLISHED', `deployment ${id} cannot succeed before its manifest is published`);
  const unprovisioned = Object.values(s.resources).filter((r) => !r.endpointId);
  if (unprovisioned.length > 0 || Object.keys(s.resources).length === 0)
    return fail('NOTHING_PROVISIONED', `deployment ${id} has resources without an endpoint`);
  return [{ type: 'DeploymentSucceeded', data: cmd.data }];
}

export function failDeployment(cmd: CommandOf<'FailDeployment'>, state: Deployment): DeploymentEvent[] {
  active(state, cmd.data.deploymentId);
  return [{ type: 'DeploymentFailed', data: cmd.data }];
}

/**
 * Who may be resumed: a requested deployment that is still active (its process was interrupted) or
 * failed. One that succeeded has nothing left to do; a rejected one is deployed again instead.
 */
export function resumable(state: Deployment, id: string): ActiveDeployment | FailedDeployment {
  const s = requested(state, id);
  if (s.status === 'succeeded')
    return fail('DEPLOYMENT_SUCCEEDED', `deployment ${id} already succeeded: there is nothing to resume`);
  if (s.status === 'rejected')
    return fail(
      'DEPLOYMENT_REJECTED',
      `deployment ${id} was rejected (${s.rejection.code}): deploy again instead`,
    );
  return s;
}

export function resumeDeployment(cmd: CommandOf<'ResumeDeployment'>, state: Deployment): DeploymentEvent[] {
  resumable(state, cmd.data.deploymentId);
  return [{ type: 'DeploymentResumed', data: cmd.data }];
}
