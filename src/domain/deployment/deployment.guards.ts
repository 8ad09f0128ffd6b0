import { DomainError } from '../errors';
import type { ActiveDeployment, Deployment, ResourceProgress, StartedDeployment } from './deployment.state';

/** Refuses a command: a business rule said no. */
export const fail = (code: string, message: string, details?: Record<string, unknown>): never => {
  throw new DomainError(code, message, details ? { details } : {});
};

/** The deployment, once it was requested. */
export function requested(s: Deployment, id: string): StartedDeployment {
  return s.status === 'none' ? fail('DEPLOYMENT_NOT_FOUND', `no deployment ${id} was requested`) : s;
}

/** The deployment, while it runs: after its end nothing more is recorded. */
export function active(s: Deployment, id: string): ActiveDeployment {
  const started = requested(s, id);
  if (started.status !== 'active')
    return fail(
      'DEPLOYMENT_FINISHED',
      `deployment ${id} already ended (${started.status}): nothing more is recorded`,
    );
  return started;
}

/** One resource the deployment plans. */
export function resourceOf(s: StartedDeployment, name: string): ResourceProgress {
  return (
    (Object.hasOwn(s.resources, name) ? s.resources[name] : undefined) ??
    fail('UNKNOWN_RESOURCE', `resource ${name} is not part of deployment ${s.request.deploymentId}`)
  );
}
