import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ViewSource } from '../view-source.port';
import { PROJECTION_RUNNER } from '../view-source.port';
import { deploymentHistoryProjection, type DeploymentHistoryView } from './deployment-history.projection';

/** The deployment-history view, caught up with the ledger. */
export class GetDeploymentHistory extends Query<DeploymentHistoryView> {}

@QueryHandler(GetDeploymentHistory)
export class GetDeploymentHistoryHandler implements IQueryHandler<GetDeploymentHistory> {
  constructor(@Inject(PROJECTION_RUNNER) private readonly views: ViewSource) {}

  async execute(): Promise<DeploymentHistoryView> {
    await this.views.catchUp();
    return this.views.view(deploymentHistoryProjection);
  }
}
