import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ProjectionRunner } from '../../adapters/views/projection-runner';
import { PROJECTION_RUNNER } from '../projection-runner.token';
import { auditLogProjection, type AuditLogView } from './audit-log.projection';

/** The audit-log view, caught up with the ledger. */
export class GetAuditLog extends Query<AuditLogView> {}

@QueryHandler(GetAuditLog)
export class GetAuditLogHandler implements IQueryHandler<GetAuditLog> {
  constructor(@Inject(PROJECTION_RUNNER) private readonly views: ProjectionRunner) {}

  async execute(): Promise<AuditLogView> {
    await this.views.catchUp();
    return this.views.view(auditLogProjection);
  }
}
