import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ProjectionRunner } from '../../adapters/views/projection-runner';
import { PROJECTION_RUNNER } from '../projection-runner.token';
import { deploymentHistoryProjection, type DeploymentHistoryView } from './deployment-history.projection';

/** The deployment-history view, caught up with the ledger. */
export class GetDeploymentHistory extends Query<DeploymentHistoryView> {}

@QueryHandler(GetDeploymentHistory)
export class GetDeploymentHistoryHandler implements IQueryHandler<GetDeploymentHistory> {
  constructor(@Inject(PROJECTION_RUNNER) private readonly views: ProjectionRunner) {}

  async execute(): Promise<DeploymentHistoryView> {
    await this.views.catchUp();
    return this.views.view(deploymentHistoryProjection);
  }
}
