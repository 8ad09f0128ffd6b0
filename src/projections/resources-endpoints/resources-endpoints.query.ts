import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ViewSource } from '../view-source.port';
import { PROJECTION_RUNNER } from '../view-source.port';
import { resourcesEndpointsProjection, type ResourcesEndpointsView } from './resources-endpoints.projection';

/** The resources-endpoints view, caught up with the ledger. */
export class GetResourcesEndpoints extends Query<ResourcesEndpointsView> {}

@QueryHandler(GetResourcesEndpoints)
export class GetResourcesEndpointsHandler implements IQueryHandler<GetResourcesEndpoints> {
  constructor(@Inject(PROJECTION_RUNNER) private readonly views: ViewSource) {}

  async execute(): Promise<ResourcesEndpointsView> {
    await this.views.catchUp();
    return this.views.view(resourcesEndpointsProjection);
  }
}
