import type { EventMetadata } from '../adapters/eventstore/eventstore.port';
import type { DomainEvent } from '../domain/domain-events';

export type { DomainEvent };
export type DomainEventType = DomainEvent['type'];

/** What a projection sees of one stored event: the typed event plus where and when it was recorded. */
export interface ProjectedEvent {
  event: DomainEvent;
  id: string;
  stream: string;
  position: bigint;
  recordedAt: string;
  metadata: EventMetadata;
}

/**
 * A view folded from the ledger. `evolve` is pure: it returns a new view and never changes the one it
 * is given. Views are plain JSON (positions as strings, no bigint, Map or undefined that matters), so
 * the runner can store them as they are and a rebuild compares equal to the incremental view.
 */
export interface Projection<V> {
  /** Stable name: the row the runner stores the view under. */
  readonly name: string;
  /** The event types `evolve` reacts to; the runner passes only these (the position still advances). */
  readonly handles: readonly DomainEventType[];
  initial(): V;
  evolve(view: V, event: ProjectedEvent): V;
}

/** The key views use for one environment of one app: `<app>.<env>`, as in the environment stream. */
export const environmentKey = (app: string, environment: string): string => `${app}.${environment}`;

/** Where a deployment happens, kept by views that place later events of the deployment. */
export interface DeploymentPlace {
  app: string;
  environment: string;
}
