/**
 * The audit log's view and the one-line summary of an event, for the commands that show the audit trail
 * or the raw ledger. Apart from `views.ts` because it loads the event schemas, which `flash history` and
 * `flash status` do without.
 */
export {
  auditLogProjection,
  type AuditEntry,
  type AuditLogView,
} from '../projections/audit-log/audit-log.projection';
export { summarize } from '../projections/audit-log/audit-summary';
