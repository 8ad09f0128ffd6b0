import type { EventStore, ExpectedRevision } from '../adapters/eventstore/eventstore.port';
import { ConcurrencyConflict } from '../domain/errors';
import { toDomainEvent, type DomainEvent } from '../domain/domain-events';

export interface Loaded<S> {
  state: S;
  /** Expected revision for the next append: `no_stream` when the stream is empty. */
  revision: ExpectedRevision;
}

/** Reads a stream and folds its domain events; with `from`, continues a fold already made up to `from.revision`. */
export async function load<S, E extends DomainEvent>(
  store: EventStore,
  stream: string,
  initial: S,
  evolve: (state: S, event: E) => S,
  is: (e: DomainEvent | undefined) => e is E,
  from?: { state: S; revision: bigint },
): Promise<Loaded<S>> {
  const recorded = await store.read(stream, from ? { from: from.revision + 1n } : {});
  let state = from ? from.state : initial;
  for (const r of recorded) {
    const event = toDomainEvent(r);
    if (is(event)) state = evolve(state, event);
  }
  const last = recorded[recorded.length - 1];
  return { state, revision: last ? last.revision : from ? from.revision : 'no_stream' };
}

export interface Caused {
  actor: string;
  correlationId: string;
  causationId?: string;
}

/** Appends decided events with the expected revision. */
export async function appendDecided(
  store: EventStore,
  stream: string,
  events: readonly DomainEvent[],
  revision: ExpectedRevision,
  meta: Caused,
  schemaVersion = 1,
): Promise<bigint | undefined> {
  if (events.length === 0) return undefined;
  const { nextRevision } = await store.append(
    stream,
    events.map((e) => ({
      type: e.type,
      data: e.data as Record<string, unknown>,
      metadata: {
        actor: meta.actor,
        correlationId: meta.correlationId,
        ...(meta.causationId ? { causationId: meta.causationId } : {}),
        schemaVersion,
      },
    })),
    { expectedRevision: revision },
  );
  return nextRevision;
}

/** Runs load → decide → append again when another writer got there first; at most `attempts` times, with jitter. */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof ConcurrencyConflict) || attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}
