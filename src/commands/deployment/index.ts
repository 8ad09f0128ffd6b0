import { ExecuteDeploymentHandler } from './execute-deployment.handler';
import { ReleaseEnvironmentHandler } from './release-environment.handler';
import { RequestDeploymentHandler } from './request-deployment.handler';
import { ResumeDeploymentHandler } from './resume-deployment.handler';

export const DEPLOYMENT_HANDLERS = [
  ExecuteDeploymentHandler,
  RequestDeploymentHandler,
  ResumeDeploymentHandler,
  ReleaseEnvironmentHandler,
];
