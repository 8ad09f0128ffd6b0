import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ViewSource } from '../view-source.port';
import { PROJECTION_RUNNER } from '../view-source.port';
import { auditLogProjection, type AuditLogView } from './audit-log.projection';

/** The audit-log view, caught up with the ledger. */
export class GetAuditLog extends Query<AuditLogView> {}

@QueryHandler(GetAuditLog)
export class GetAuditLogHandler implements IQueryHandler<GetAuditLog> {
  constructor(@Inject(PROJECTION_RUNNER) private readonly views: ViewSource) {}

  async execute(): Promise<AuditLogView> {
    await this.views.catchUp();
    return this.views.view(auditLogProjection);
  }
}
