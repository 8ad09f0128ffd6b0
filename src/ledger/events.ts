import type { RecordedEvent } from '../adapters/eventstore/eventstore.port';
import { openEventStore } from '../adapters/eventstore/open-event-store';

/** One event as the ledger stored it: type, data, metadata, stream and position. */
export type LedgerEvent = RecordedEvent;

/** Up to `limit` events of the whole ledger from position `from` (1 = the first), and where the ledger is. */
export async function readEvents(
  from: bigint,
  limit: number,
): Promise<{ location: string; events: LedgerEvent[] }> {
  const store = await openEventStore();
  try {
    return { location: store.location, events: await store.readAll({ fromPosition: from, limit }) };
  } finally {
    await store.close();
  }
}

/**
 * Reports every event from position `from` on, then each one any process appends, until `signal` aborts.
 * `onOpen` learns where the ledger is before the first event.
 */
export async function followEvents(
  from: bigint,
  onEvent: (event: LedgerEvent) => void,
  signal: AbortSignal,
  onOpen: (location: string) => void = () => undefined,
): Promise<void> {
  const store = await openEventStore();
  try {
    onOpen(store.location);
    const subscription = store.subscribeToAll({ fromPosition: from > 0n ? from - 1n : 'start' });
    const stop = (): void => void subscription.close();
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    for await (const event of subscription) onEvent(event);
  } finally {
    await store.close();
  }
}
