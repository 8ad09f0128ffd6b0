import { DEPLOYMENT_EVENT_TYPES } from '../../domain/deployment/deployment.events';
import { environmentEventSchema } from '../../domain/environment/environment';
import type { DomainEventType, ProjectedEvent, Projection } from '../projection';
import { summarize } from './audit-summary';

/** One event of the ledger, with who caused it and why. */
export interface AuditEntry {
  /** Ledger position, as a string (views hold no bigint). */
  position: string;
  /** When the ledger recorded it. */
  at: string;
  stream: string;
  type: DomainEventType;
  eventId: string;
  /** The deployment the event belongs to; null for an environment's drift and policy events. */
  deploymentId: string | null;
  actor: string;
  correlationId: string;
  causationId: string;
  summary: string;
}

export interface AuditLogView {
  /** In ledger order. */
  entries: AuditEntry[];
}

export const AUDIT_LOG = 'audit-log';

/** Every domain event type, from the schemas, so a new event type is audited without a change here. */
const ALL_TYPES: readonly DomainEventType[] = [
  ...DEPLOYMENT_EVENT_TYPES,
  ...environmentEventSchema.options.map((o) => o.shape.type.value),
];

function entryOf({ event, id, stream, position, recordedAt, metadata }: ProjectedEvent): AuditEntry {
  return {
    position: position.toString(),
    at: recordedAt,
    stream,
    type: event.type,
    eventId: id,
    deploymentId: 'deploymentId' in event.data ? event.data.deploymentId : null,
    actor: metadata.actor,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    summary: summarize(event),
  };
}

/** Every deployment and environment event with its actor, correlation and causation ids and a summary. */
export const auditLogProjection: Projection<AuditLogView> = {
  name: AUDIT_LOG,
  handles: ALL_TYPES,
  initial: () => ({ entries: [] }),
  evolve: (view, event) => ({ entries: [...view.entries, entryOf(event)] }),
};
