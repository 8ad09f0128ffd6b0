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
  /**
   * Stable name: the row the runner stores the view under. A change of the view's shape or keys bumps its
   * `/N` suffix, so a stored view of the old shape is left behind and the new one is folded from position 0.
   */
  readonly name: string;
  /** The event types `evolve` reacts to; the runner passes only these (the position still advances). */
  readonly handles: readonly DomainEventType[];
  initial(): V;
  evolve(view: V, event: ProjectedEvent): V;
}

export type TargetKind = 'local' | 'runpod';

/**
 * The key views use for one environment of one app on one target: `<app>.<env>` locally, `<app>.<env>@runpod`
 * on RunPod, as in the environment stream; local and RunPod deployments of one app never mix.
 */
export const environmentKey = (app: string, environment: string, target: TargetKind = 'local'): string =>
  `${app}.${environment}${target === 'local' ? '' : `@${target}`}`;

/** Where a deployment happens, kept by views that place later events of the deployment. */
export interface DeploymentPlace {
  app: string;
  environment: string;
  target: TargetKind;
}

/** The place of a requested deployment. */
export const placeOf = (data: {
  app: string;
  environment: string;
  target: { kind: TargetKind };
}): DeploymentPlace => ({ app: data.app, environment: data.environment, target: data.target.kind });
