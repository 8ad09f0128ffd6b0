import type { EventStore, RecordedEvent } from '../eventstore/eventstore.port';

/**
 * The ledger after `after` (exclusive; undefined = from the start), page by page. `readAll` is inclusive
 * of its start, and positions need not be contiguous (EventStoreDB), so each page starts at the last
 * position seen and drops what was already yielded; a page with nothing new is the end.
 */
export async function* ledgerPagesAfter(
  store: EventStore,
  after: bigint | undefined,
  pageSize: number,
): AsyncGenerator<RecordedEvent[]> {
  const limit = Math.max(2, Math.floor(pageSize));
  let last = after;
  for (;;) {
    const page = await store.readAll({ fromPosition: last ?? 'start', limit });
    const from = last;
    const fresh = from === undefined ? page : page.filter((e) => e.position > from);
    const end = fresh.at(-1);
    if (!end) return;
    yield fresh;
    last = end.position;
  }
}
