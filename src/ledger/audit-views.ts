/**
 * The audit log's view and the one-line summary of an event, for the commands that show the audit trail
 * or the raw ledger. Apart from `views.ts` because it loads the event schemas, which `flash history` and
 * `flash status` do without.
 */
import { readViews } from '../adapters/views/read-views';
import { auditLogProjection, type AuditEntry } from '../projections/audit-log/audit-log.projection';

export { auditLogProjection, type AuditEntry };
export type { AuditLogView } from '../projections/audit-log/audit-log.projection';
export { summarize } from '../projections/audit-log/audit-summary';

/** The audit trail, oldest first: one deployment's entries when `deploymentId` is given, the last `limit` when given. */
export async function auditTrail(
  filter: { deploymentId?: string; limit?: number } = {},
): Promise<AuditEntry[]> {
  const [view] = await readViews([auditLogProjection]);
  const entries = view.entries.filter((e) => !filter.deploymentId || e.deploymentId === filter.deploymentId);
  return filter.limit !== undefined ? entries.slice(-filter.limit) : entries;
}
