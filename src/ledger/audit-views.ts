/**
 * The audit log's view and the one-line summary of an event, for the commands that show the audit trail
 * or the raw ledger. Apart from `views.ts` because it loads the event schemas, which `flash history` and
 * `flash status` do without.
 */
import type { RecordedEvent } from '../adapters/eventstore/eventstore.port';
import { readViews } from '../adapters/views/read-views';
import { toExternalEvent } from '../domain/domain-events';
import { HOOK_SOURCES, type ExternalEventType } from '../domain/external/external.events';
import { externalStream } from '../domain/streams';
import {
  auditLogProjection,
  type AuditEntry as DomainAuditEntry,
} from '../projections/audit-log/audit-log.projection';
import { summarizeExternal } from '../projections/audit-log/audit-summary';
import type { DomainEventType } from '../projections/projection';

export { auditLogProjection };
export type { AuditLogView } from '../projections/audit-log/audit-log.projection';
export { summarize, summarizeExternal } from '../projections/audit-log/audit-summary';

/**
 * One entry of the audit trail: a deployment or environment event (from the audit-log view), or an
 * external event (what a verified webhook reported, stream `external-<source>`, actor
 * `external:<source>`, deploymentId null).
 */
export type AuditEntry = Omit<DomainAuditEntry, 'type'> & { type: DomainEventType | ExternalEventType };

/** The one-line summary of a stored external event; undefined for any other event. */
export function externalSummary(
  recorded: Pick<RecordedEvent, 'id' | 'type' | 'data' | 'position'>,
): string | undefined {
  try {
    const event = toExternalEvent(recorded);
    return event ? summarizeExternal(event) : undefined;
  } catch (error) {
    return `does not match its schema: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** An external event as an audit entry. */
function externalEntry(recorded: RecordedEvent, summary: string): AuditEntry {
  return {
    position: recorded.position.toString(),
    at: recorded.recordedAt,
    stream: recorded.stream,
    type: recorded.type as ExternalEventType,
    eventId: recorded.id,
    deploymentId: null,
    actor: recorded.metadata.actor,
    correlationId: recorded.metadata.correlationId,
    causationId: recorded.metadata.causationId,
    summary,
  };
}

/** Every event of the `external-<source>` streams, as audit entries. */
async function externalEntries(): Promise<AuditEntry[]> {
  const { openEventStore } = await import('../adapters/eventstore/open-event-store');
  const store = await openEventStore();
  try {
    const streams = await Promise.all(HOOK_SOURCES.map((source) => store.read(externalStream(source))));
    return streams.flat().flatMap((recorded) => {
      const summary = externalSummary(recorded);
      return summary === undefined ? [] : [externalEntry(recorded, summary)];
    });
  } finally {
    await store.close();
  }
}

const byPosition = (a: AuditEntry, b: AuditEntry): number => {
  const d = BigInt(a.position) - BigInt(b.position);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
};

/**
 * The audit trail, oldest first (ledger order): the deployments' and environments' events with the
 * external events beside them. One deployment's entries (no external event) when `deploymentId` is
 * given; the last `limit` when given.
 */
export async function auditTrail(
  filter: { deploymentId?: string; limit?: number } = {},
): Promise<AuditEntry[]> {
  const [view] = await readViews([auditLogProjection]);
  const entries: AuditEntry[] = filter.deploymentId
    ? view.entries.filter((e) => e.deploymentId === filter.deploymentId)
    : [...view.entries, ...(await externalEntries())].sort(byPosition);
  return filter.limit !== undefined ? entries.slice(-filter.limit) : entries;
}
