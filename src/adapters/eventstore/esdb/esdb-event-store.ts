import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type ReadPosition,
} from '@eventstore/db-client';
import { ConcurrencyConflict } from '../../../domain/errors';
import type {
  AppendOptions,
  AppendResult,
  CheckpointStore,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../eventstore.port';
import { prepareEvents } from '../new-event.schema';
import { EsdbCheckpointStore } from './esdb-checkpoints';
import { translateEsdbError } from './esdb-errors';
import { fromResolved, toEsdbMetadata } from './esdb-events';

function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return expected;
}

function toPosition(position: bigint | 'start' | undefined): ReadPosition {
  return position === undefined || position === 'start' ? START : { commit: position, prepare: position };
}

/** The ledger on EventStoreDB (KurrentDB), selected by `FLASH_LEDGER=esdb://...`. */
export class EsdbEventStore implements EventStore {
  readonly checkpoints: CheckpointStore;

  private constructor(
    private readonly client: EventStoreDBClient,
    readonly location: string,
  ) {
    this.checkpoints = new EsdbCheckpointStore(client, location);
  }

  static connect(connectionString: string, redacted: string): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(connectionString), redacted);
  }

  // Operation: Streams.Append (AppendToStream).
  async append(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const prepared = prepareEvents(stream, events);
    const data = prepared.map((e) =>
      jsonEvent({ id: e.id, type: e.type, data: e.data, metadata: toEsdbMetadata(e) }),
    );
    try {
      const result = await this.client.appendToStream(stream, data, {
        expectedRevision: toEsdbExpected(options.expectedRevision),
      });
      return { nextRevision: result.nextExpectedRevision, position: result.position?.commit ?? -1n };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const expected = options.expectedRevision;
        throw new ConcurrencyConflict(stream, String(expected), String(error.actualVersion), {
          cause: error,
        });
      }
      throw translateEsdbError(error, this.location);
    }
  }

  // Operation: Streams.Read on one stream.
  async read(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.from ?? (backwards ? 'end' : 'start');
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: from === 'start' ? START : from === 'end' ? END : from,
        ...(options.limit === undefined ? {} : { maxCount: options.limit }),
      })) {
        const event = fromResolved(resolved);
        if (event) out.push(event);
      }
      return out;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw translateEsdbError(error, this.location);
    }
  }

  // Operation: Streams.Read on $all, skipping system and checkpoint events until the page is full.
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit ?? 1000;
    const out: RecordedEvent[] = [];
    let from = toPosition(options.fromPosition);
    let skipFirst = false;
    try {
      while (out.length < limit) {
        let seen = 0;
        let last: bigint | undefined;
        for await (const resolved of this.client.readAll({
          direction: FORWARDS,
          fromPosition: from,
          maxCount: limit,
        })) {
          seen += 1;
          last = resolved.event?.position.commit ?? last;
          if (skipFirst && seen === 1) continue;
          const event = fromResolved(resolved);
          if (event && out.length < limit) out.push(event);
        }
        if (seen < limit || last === undefined) break;
        from = { commit: last, prepare: last };
        skipFirst = true; // readAll is inclusive: the page's last event comes again first
      }
      return out;
    } catch (error) {
      throw translateEsdbError(error, this.location);
    }
  }

  // Operation: Streams.Read on $all as a catch-up subscription (exclusive of fromPosition).
  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const subscription = this.client.subscribeToAll({
      fromPosition: toPosition(options.fromPosition),
      filter: excludeSystemEvents(),
    });
    const location = this.location;
    async function* iterate(): AsyncGenerator<RecordedEvent> {
      try {
        for await (const resolved of subscription) {
          const event = fromResolved(resolved);
          if (event) yield event;
        }
      } catch (error) {
        throw translateEsdbError(error, location);
      }
    }
    const generator = iterate();
    return {
      [Symbol.asyncIterator]: () => generator,
      close: async () => {
        await subscription.unsubscribe();
        await generator.return(undefined);
      },
    };
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
