import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ProjectionRunner } from '../../adapters/views/projection-runner';
import { PROJECTION_RUNNER } from '../projection-runner.token';
import { resourcesEndpointsProjection, type ResourcesEndpointsView } from './resources-endpoints.projection';

/** The resources-endpoints view, caught up with the ledger. */
export class GetResourcesEndpoints extends Query<ResourcesEndpointsView> {}

@QueryHandler(GetResourcesEndpoints)
export class GetResourcesEndpointsHandler implements IQueryHandler<GetResourcesEndpoints> {
  constructor(@Inject(PROJECTION_RUNNER) private readonly views: ProjectionRunner) {}

  async execute(): Promise<ResourcesEndpointsView> {
    await this.views.catchUp();
    return this.views.view(resourcesEndpointsProjection);
  }
}
