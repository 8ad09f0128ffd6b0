import type { EventStore } from '../../src/adapters/eventstore/eventstore.port';
import type { DomainEvent, ProjectedEvent, Projection } from '../../src/projections/projection';

/** One domain event as it would be recorded: its stream and who caused it. */
export interface Fact {
  event: DomainEvent;
  stream: string;
  actor: string;
}

/** The test day's clock for the ledger: the n-th event is recorded n seconds after noon. */
export const recordedAtOf = (position: number): string =>
  new Date(Date.UTC(2026, 2, 1, 12, 0, position)).toISOString();

/**
 * The facts as the runner would hand them to a projection: positions 1, 2, …, ids `evt-<position>`,
 * each event correlated by its deployment and caused by the event before it.
 */
export function projected(facts: readonly Fact[]): ProjectedEvent[] {
  return facts.map(({ event, stream, actor }, i) => ({
    event,
    id: `evt-${i + 1}`,
    stream,
    position: BigInt(i + 1),
    recordedAt: recordedAtOf(i + 1),
    metadata: {
      actor,
      correlationId: `corr-${'deploymentId' in event.data ? event.data.deploymentId : 'environment'}`,
      causationId: i === 0 ? 'evt-1' : `evt-${i}`,
      schemaVersion: 1,
    },
  }));
}

export interface Then<V> {
  /** The view folded from the given facts. */
  readonly view: V;
  /** Asserts the whole view. */
  then(expected: V): void;
}

/** `projecting(p).given(...facts).then(view)`: folds the facts with the projection's pure evolve. */
export function projecting<V>(projection: Projection<V>): { given(...facts: Fact[]): Then<V> } {
  return {
    given: (...facts) => {
      const view = projected(facts)
        .filter((e) => projection.handles.includes(e.event.type))
        .reduce((v, e) => projection.evolve(v, e), projection.initial());
      return { view, then: (expected) => expect(view).toEqual(expected) };
    },
  };
}

/** Appends facts to a real store one by one, as their actors would. */
export async function record(store: EventStore, facts: readonly Fact[]): Promise<void> {
  for (const { event, stream, actor } of facts)
    await store.append(
      stream,
      [
        {
          type: event.type,
          data: event.data,
          metadata: { actor, correlationId: 'deploymentId' in event.data ? event.data.deploymentId : stream },
        },
      ],
      { expectedRevision: 'any' },
    );
}
