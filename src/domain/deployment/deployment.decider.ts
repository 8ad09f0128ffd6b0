import { DomainError } from '../errors';
import type { DeploymentCommand } from './deployment.commands';
import type { DeploymentEvent } from './deployment.events';
import type { Deployment, StartedDeployment } from './deployment.state';

export { evolve, fold, initialState } from './deployment.state';
export type { Deployment } from './deployment.state';

const fail = (code: string, message: string, details?: Record<string, unknown>): never => {
  throw new DomainError(code, message, details ? { details } : {});
};

function active(s: Deployment, id: string): StartedDeployment {
  if (s.status === 'none') return fail('DEPLOYMENT_NOT_FOUND', `no deployment ${id} was requested`);
  if (s.status !== 'active')
    return fail(
      'DEPLOYMENT_FINISHED',
      `deployment ${id} already ended (${s.status}): nothing more is recorded`,
    );
  return s;
}

function resourceOf(s: StartedDeployment, name: string) {
  return (
    (Object.hasOwn(s.resources, name) ? s.resources[name] : undefined) ??
    fail('UNKNOWN_RESOURCE', `resource ${name} is not part of deployment ${s.request.deploymentId}`)
  );
}

/** Decides what a command records. Pure: time and ids arrive in the command; an outcome already recorded yields []. */
export function decide(cmd: DeploymentCommand, state: Deployment): DeploymentEvent[] {
  const id = cmd.data.deploymentId;
  switch (cmd.type) {
    case 'RequestDeployment': {
      if (state.status !== 'none') return fail('DEPLOYMENT_EXISTS', `deployment ${id} was already requested`);
      if (cmd.data.intent === 'deploy' && cmd.data.resources.length === 0)
        return fail('NO_RESOURCES', 'the app has no endpoints: there is nothing to deploy');
      if (cmd.data.intent === 'undeploy' && cmd.data.resources.length > 0)
        return fail('UNDEPLOY_WITH_RESOURCES', 'an undeploy removes endpoints; it provisions none');
      const requested: DeploymentEvent = { type: 'DeploymentRequested', data: cmd.data };
      const needKey = cmd.data.resources.filter((r) => r.makesRemoteCalls).map((r) => r.name);
      if (needKey.length > 0 && cmd.data.keyFingerprint === null)
        return [
          requested,
          {
            type: 'DeploymentRejected',
            data: {
              deploymentId: id,
              code: 'API_KEY_REQUIRED',
              message: `RUNPOD_API_KEY is required: ${needKey.join(', ')} ${needKey.length === 1 ? 'makes remote calls and gets' : 'make remote calls and get'} the key; set RUNPOD_API_KEY and deploy again (nothing was provisioned)`,
              details: { resources: needKey },
              at: cmd.data.at,
            },
          },
        ];
      return [requested];
    }
    case 'RejectDeployment': {
      const s = active(state, id);
      if (s.build)
        return fail(
          'DEPLOYMENT_STARTED',
          `deployment ${id} already started provisioning: it cannot be rejected`,
        );
      return [{ type: 'DeploymentRejected', data: cmd.data }];
    }
    case 'RecordBuildActivated': {
      const s = active(state, id);
      return s.build ? [] : [{ type: 'BuildActivated', data: cmd.data }];
    }
    case 'RecordKeyInjected': {
      const s = active(state, id);
      const r = resourceOf(s, cmd.data.resource);
      if (!r.planned.makesRemoteCalls)
        return fail(
          'KEY_NOT_ALLOWED',
          `${cmd.data.resource} makes no remote calls: RUNPOD_API_KEY must not be given to it`,
        );
      return r.keyFingerprint === cmd.data.fingerprint ? [] : [{ type: 'KeyInjected', data: cmd.data }];
    }
    case 'RecordEndpointProvisioned': {
      const s = active(state, id);
      if (!s.build) return fail('BUILD_NOT_ACTIVE', `deployment ${id} has no active build yet`);
      const r = resourceOf(s, cmd.data.resource);
      if (r.endpointId === cmd.data.endpointId) return [];
      if (r.endpointId)
        return fail(
          'ENDPOINT_CONFLICT',
          `${cmd.data.resource} was already provisioned as ${r.endpointId}, not ${cmd.data.endpointId}`,
        );
      if (!r.planned.makesRemoteCalls && cmd.data.keyFingerprint !== null)
        return fail('KEY_NOT_ALLOWED', `${cmd.data.resource} makes no remote calls but was given a key`);
      if (r.planned.makesRemoteCalls && cmd.data.action !== 'unchanged' && !r.keyFingerprint)
        return fail(
          'KEY_NOT_RECORDED',
          `${cmd.data.resource} makes remote calls: record KeyInjected before its endpoint`,
        );
      return [{ type: 'EndpointProvisioned', data: cmd.data }];
    }
    case 'RecordProvisioningFailed': {
      const r = resourceOf(active(state, id), cmd.data.resource);
      return r.endpointId ? [] : [{ type: 'EndpointProvisioningFailed', data: cmd.data }];
    }
    case 'RecordUrlCollected': {
      const r = resourceOf(active(state, id), cmd.data.resource);
      if (r.endpointId !== cmd.data.endpointId)
        return fail(
          'ENDPOINT_NOT_PROVISIONED',
          `${cmd.data.resource} has no endpoint ${cmd.data.endpointId} recorded: record EndpointProvisioned first`,
        );
      return r.url === cmd.data.url ? [] : [{ type: 'UrlCollected', data: cmd.data }];
    }
    case 'RecordEndpointRemoved': {
      const s = active(state, id);
      const removal = Object.hasOwn(s.removals, cmd.data.resource)
        ? s.removals[cmd.data.resource]
        : undefined;
      if (!removal)
        return fail(
          'UNKNOWN_REMOVAL',
          `${cmd.data.resource} is still part of the app, or never was in this environment: it is not removed`,
        );
      return removal.removed ? [] : [{ type: 'EndpointRemoved', data: cmd.data }];
    }
    case 'FinalizeManifest': {
      const s = active(state, id);
      if (s.finalized) return [];
      const missing = Object.values(s.resources)
        .filter((r) => !r.url)
        .map((r) => r.planned.name);
      if (missing.length > 0)
        return fail('URLS_MISSING', `the manifest waits for the URL of ${missing.join(', ')}`, { missing });
      const pending = Object.entries(s.removals)
        .filter(([, r]) => !r.removed)
        .map(([name]) => name);
      if (pending.length > 0)
        return fail('REMOVALS_PENDING', `removed resources still exist: ${pending.join(', ')}`, { pending });
      const resourcesEndpoints = Object.fromEntries(
        Object.values(s.resources).map((r) => [r.planned.name, r.url ?? '']),
      );
      return [
        {
          type: 'ManifestFinalized',
          data: { deploymentId: id, resourcesEndpoints, manifestHash: cmd.data.manifestHash },
        },
      ];
    }
    case 'RecordPublishAttemptFailed': {
      const s = active(state, id);
      if (!s.finalized) return fail('MANIFEST_NOT_FINALIZED', `deployment ${id} has no final manifest yet`);
      return s.published ? [] : [{ type: 'ManifestPublishAttemptFailed', data: cmd.data }];
    }
    case 'RecordManifestPublished': {
      const s = active(state, id);
      if (!s.finalized) return fail('MANIFEST_NOT_FINALIZED', `deployment ${id} has no final manifest yet`);
      if (s.finalized.manifestHash !== cmd.data.manifestHash)
        return fail('MANIFEST_MISMATCH', `the published manifest is not the finalized one`);
      return s.published ? [] : [{ type: 'ManifestPublished', data: cmd.data }];
    }
    case 'CompleteDeployment': {
      const s = active(state, id);
      if (s.request.intent === 'undeploy') {
        const left = Object.entries(s.removals).filter(([, r]) => !r.removed);
        if (left.length > 0)
          return fail('REMOVALS_PENDING', `endpoints still exist: ${left.map(([n]) => n).join(', ')}`);
        return [{ type: 'DeploymentSucceeded', data: cmd.data }];
      }
      if (!s.published)
        return fail(
          'MANIFEST_NOT_PUBLISHED',
          `deployment ${id} cannot succeed before its manifest is published`,
        );
      const unprovisioned = Object.values(s.resources).filter((r) => !r.endpointId);
      if (unprovisioned.length > 0 || Object.keys(s.resources).length === 0)
        return fail('NOTHING_PROVISIONED', `deployment ${id} has resources without an endpoint`);
      return [{ type: 'DeploymentSucceeded', data: cmd.data }];
    }
    case 'FailDeployment':
      active(state, id);
      return [{ type: 'DeploymentFailed', data: cmd.data }];
    case 'ResumeDeployment': {
      if (state.status === 'none') return fail('DEPLOYMENT_NOT_FOUND', `no deployment ${id} was requested`);
      if (state.status === 'succeeded')
        return fail('DEPLOYMENT_SUCCEEDED', `deployment ${id} already succeeded: there is nothing to resume`);
      if (state.status === 'rejected')
        return fail(
          'DEPLOYMENT_REJECTED',
          `deployment ${id} was rejected (${state.rejection?.code ?? ''}): deploy again instead`,
        );
      return [{ type: 'DeploymentResumed', data: cmd.data }];
    }
  }
}
