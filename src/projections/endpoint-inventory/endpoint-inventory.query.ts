import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ViewSource } from '../view-source.port';
import { PROJECTION_RUNNER } from '../view-source.port';
import { endpointInventoryProjection, type EndpointInventoryView } from './endpoint-inventory.projection';

/** The endpoint-inventory view, caught up with the ledger. */
export class GetEndpointInventory extends Query<EndpointInventoryView> {}

@QueryHandler(GetEndpointInventory)
export class GetEndpointInventoryHandler implements IQueryHandler<GetEndpointInventory> {
  constructor(@Inject(PROJECTION_RUNNER) private readonly views: ViewSource) {}

  async execute(): Promise<EndpointInventoryView> {
    await this.views.catchUp();
    return this.views.view(endpointInventoryProjection);
  }
}
