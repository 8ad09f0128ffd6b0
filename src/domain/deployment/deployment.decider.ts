import { unreachable } from '../errors';
import type { DeploymentCommand } from './deployment.commands';
import * as lifecycle from './deployment.decide-lifecycle';
import * as manifest from './deployment.decide-manifest';
import * as provisioning from './deployment.decide-provisioning';
import type { DeploymentEvent } from './deployment.events';
import type { Deployment } from './deployment.state';

export { evolve, fold, initialState } from './deployment.state';
export type { Deployment } from './deployment.state';
export { resumable } from './deployment.decide-lifecycle';

/**
 * Decides what a command records, one function per command. Pure: time and ids arrive in the command;
 * an outcome already recorded yields []; a refusal throws a DomainError with its code.
 */
export function decide(cmd: DeploymentCommand, state: Deployment): DeploymentEvent[] {
  switch (cmd.type) {
    case 'RequestDeployment':
      return lifecycle.requestDeployment(cmd, state);
    case 'RejectDeployment':
      return lifecycle.rejectDeployment(cmd, state);
    case 'RecordBuildActivated':
      return provisioning.recordBuildActivated(cmd, state);
    case 'RecordKeyInjected':
      return provisioning.recordKeyInjected(cmd, state);
    case 'RecordEndpointProvisioned':
      return provisioning.recordEndpointProvisioned(cmd, state);
    case 'RecordProvisioningFailed':
      return provisioning.recordProvisioningFailed(cmd, state);
    case 'RecordUrlCollected':
      return provisioning.recordUrlCollected(cmd, state);
    case 'RecordEndpointRemoved':
      return provisioning.recordEndpointRemoved(cmd, state);
    case 'FinalizeManifest':
      return manifest.finalizeManifest(cmd, state);
    case 'RecordPublishAttemptFailed':
      return manifest.recordPublishAttemptFailed(cmd, state);
    case 'RecordManifestPublished':
      return manifest.recordManifestPublished(cmd, state);
    case 'CompleteDeployment':
      return lifecycle.completeDeployment(cmd, state);
    case 'FailDeployment':
      return lifecycle.failDeployment(cmd, state);
    case 'ResumeDeployment':
      return lifecycle.resumeDeployment(cmd, state);
    default:
      return unreachable(cmd);
  }
}
