import type { RecordedEvent } from '../adapters/eventstore/eventstore.port';

/** The envelope as plain JSON (bigints as strings), for `--json` output. */
export function eventToJson(event: RecordedEvent): Record<string, unknown> {
  return { ...event, revision: event.revision.toString(), position: event.position.toString() };
}

function summary(event: RecordedEvent): string {
  const d = event.data;
  const text = (key: string): string => (typeof d[key] === 'string' ? String(d[key]) : '');
  switch (event.type) {
    case 'DeploymentRequested':
      return `${text('app')}/${text('env')} -> ${text('target')}, ${Array.isArray(d.resources) ? d.resources.length : 0} resource(s)`;
    case 'EndpointProvisioned':
      return `${text('resource')}: ${text('action')} ${text('endpointId')}`;
    case 'KeyInjected':
      return `${text('resource')}: ${text('envVar')} (${text('keyFingerprint')})`;
    case 'UrlCollected':
      return `${text('resource')}: ${text('url')}`;
    case 'ManifestFinalized':
      return `${Object.keys((d.resources_endpoints as object | undefined) ?? {}).length} URL(s), ${text('manifestHash')}`;
    default: {
      const json = JSON.stringify(d);
      return json.length > 60 ? `${json.slice(0, 57)}...` : json;
    }
  }
}

/** A fixed-width timeline: revision, position, time since the first event, actor, type, summary. */
export function renderTimeline(events: readonly RecordedEvent[]): string {
  const first = events[0] ? Date.parse(events[0].recordedAt) : 0;
  const rows = events.map((e) => [
    e.revision.toString(),
    e.position.toString(),
    `+${Date.parse(e.recordedAt) - first}ms`,
    e.metadata.actor,
    e.type,
    summary(e),
  ]);
  const header = ['rev', 'pos', 'time', 'actor', 'event', 'detail'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) =>
        i < 3 ? c.padStart(widths[i] ?? 0) : i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0),
      )
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
