import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ProjectionRunner } from '../../adapters/views/projection-runner';
import { PROJECTION_RUNNER } from '../projection-runner.token';
import { endpointInventoryProjection, type EndpointInventoryView } from './endpoint-inventory.projection';

/** The endpoint-inventory view, caught up with the ledger. */
export class GetEndpointInventory extends Query<EndpointInventoryView> {}

@QueryHandler(GetEndpointInventory)
export class GetEndpointInventoryHandler implements IQueryHandler<GetEndpointInventory> {
  constructor(@Inject(PROJECTION_RUNNER) private readonly views: ProjectionRunner) {}

  async execute(): Promise<EndpointInventoryView> {
    await this.views.catchUp();
    return this.views.view(endpointInventoryProjection);
  }
}
