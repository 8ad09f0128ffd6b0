import { externalSummary } from '../../ledger/audit-views';
import { followEvents, readEvents, type LedgerEvent } from '../../ledger/events';
import { eventToJson, Timeline, TIMELINE_COLUMNS } from '../render-timeline';
import { printTable, stdoutColors } from '../output/print';
import { tableWidth } from '../output/table';

export interface EventsOptions {
  json?: boolean;
  follow?: boolean;
  from?: number;
  limit?: number;
  wide?: boolean;
}

/** Widths of the columns a followed timeline keeps fixed (rows come one at a time). */
const FOLLOW_WIDTHS = [6, 12, 8, 22, 26];

function followRow(cells: string[], width: number): string {
  const fixed = FOLLOW_WIDTHS.map((w, i) => {
    const text = cells[i] ?? '';
    const cut = text.length > w ? `${text.slice(0, w - 1)}…` : text;
    return i === 0 || i === 2 ? cut.padStart(w) : cut.padEnd(w);
  }).join('  ');
  const room = Math.max(10, width - fixed.length - 2);
  const detail = cells[5] ?? '';
  return `${fixed}  ${detail.length > room ? `${detail.slice(0, room - 1)}…` : detail}`;
}

/**
 * A timeline row; an external event (what a webhook reported, on `external-<source>`) shows the audit
 * trail's one-line summary instead of its raw data.
 */
function rowOf(timeline: Timeline, event: LedgerEvent): string[] {
  const cells = timeline.row(event);
  if (!event.stream.startsWith('external-')) return cells;
  const summary = externalSummary(event);
  return summary === undefined ? cells : [...cells.slice(0, 5), summary];
}

/** Prints every stream of the ledger (external ones too) from a position; with --follow keeps printing what any process appends. */
export async function eventsCommand(options: EventsOptions): Promise<void> {
  const from = BigInt(options.from ?? 1);
  const timeline = new Timeline();
  if (!options.follow) {
    const { location, events } = await readEvents(from, options.limit ?? 1000);
    if (options.json) for (const e of events) console.log(JSON.stringify(eventToJson(e)));
    else if (events.length === 0) console.log(`no events in ${location}`);
    else
      printTable(
        TIMELINE_COLUMNS,
        events.map((e) => rowOf(timeline, e)),
        options.wide,
      );
    return;
  }
  const width = tableWidth(options.wide);
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  const print = (event: LedgerEvent): void => {
    if (options.json) console.log(JSON.stringify(eventToJson(event)));
    else console.log(followRow(rowOf(timeline, event), width));
  };
  await followEvents(from, print, stop.signal, (location) => {
    if (options.json) return;
    console.error(`following ${location} (Ctrl-C to stop)`);
    console.log(
      stdoutColors().bold(
        followRow(
          TIMELINE_COLUMNS.map((col) => col.header),
          width,
        ),
      ),
    );
  });
}
