import type { LedgerEvent as RecordedEvent } from '../ledger/events';
import { toDomainEvent } from '../domain/domain-events';
import { summarize } from '../ledger/audit-views';
import type { Column } from './output/table';

/** The envelope as plain JSON (bigints as strings), for `--json` output. */
export function eventToJson(event: RecordedEvent): Record<string, unknown> {
  return { ...event, revision: event.revision.toString(), position: event.position.toString() };
}

/**
 * One line about an event: the audit trail's summary for a deployment or environment event (so both
 * read the fields of the current schemas), the data itself for any other event.
 */
export function detailOf(event: RecordedEvent): string {
  try {
    const domain = toDomainEvent(event);
    if (domain) return summarize(domain);
  } catch (error) {
    return `does not match its schema: ${error instanceof Error ? error.message : String(error)}`;
  }
  const json = JSON.stringify(event.data);
  return json.length > 120 ? `${json.slice(0, 119)}…` : json;
}

export const TIMELINE_COLUMNS: readonly Column[] = [
  { header: 'pos', align: 'right' },
  { header: 'time (UTC)' },
  { header: 'since', align: 'right' },
  { header: 'actor' },
  { header: 'event' },
  { header: 'detail' },
];

function elapsed(ms: number): string {
  if (ms < 1000) return `+${ms}ms`;
  if (ms < 60_000) return `+${(ms / 1000).toFixed(1)}s`;
  return `+${Math.floor(ms / 60_000)}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

/**
 * Rows of the timeline. It remembers the first event it was given, so rows printed one at a time
 * (`flash events --follow`) show the real time since the first, not +0ms each.
 */
export class Timeline {
  private first: number | undefined;

  row(event: RecordedEvent): string[] {
    const at = Date.parse(event.recordedAt);
    this.first ??= at;
    return [
      event.position.toString(),
      event.recordedAt.slice(11, 23),
      elapsed(at - this.first),
      event.metadata.actor,
      event.type,
      detailOf(event),
    ];
  }
}
