import { openEventStore } from '../../adapters/eventstore/open-event-store';
import { ValidationFailed } from '../../domain/errors';
import { eventToJson, renderTimeline } from '../render-timeline';
import type { RecordedEvent } from '../../adapters/eventstore/eventstore.port';

export interface EventsOptions {
  json?: boolean;
  follow?: boolean;
  from?: string;
  limit?: string;
}

function parseWhole(value: string | undefined, flag: string, fallback: bigint): bigint {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) {
    throw new ValidationFailed(`${flag} must be a whole number, not "${value}"`, [
      { path: flag, message: 'not a whole number' },
    ]);
  }
  return BigInt(value);
}

function print(events: RecordedEvent[], json: boolean): void {
  if (events.length === 0) return;
  if (json) for (const e of events) console.log(JSON.stringify(eventToJson(e)));
  else console.log(renderTimeline(events).split('\n').slice(1).join('\n'));
}

/** Prints the ledger from a position; with --follow keeps printing what any process appends. */
export async function eventsCommand(options: EventsOptions): Promise<void> {
  const from = parseWhole(options.from, '--from', 1n);
  const limit = Number(parseWhole(options.limit, '--limit', 1000n));
  const store = await openEventStore();
  try {
    if (!options.json) console.log(`ledger: ${store.location}`);
    if (!options.follow) {
      const events = await store.readAll({ fromPosition: from, limit });
      if (!options.json && events.length === 0) console.log('no events');
      print(events, Boolean(options.json));
      return;
    }
    const subscription = store.subscribeToAll({ fromPosition: from > 0n ? from - 1n : 'start' });
    const stop = (): void => void subscription.close();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    for await (const event of subscription) print([event], Boolean(options.json));
  } finally {
    await store.close();
  }
}
