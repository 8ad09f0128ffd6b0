import { ledgerShrunk } from '../eventstore/eventstore.errors';
import type { EventStore, RecordedEvent } from '../eventstore/eventstore.port';
import { viewsAt } from '../eventstore/sqlite/ledger-witnesses';
import { toDomainEvent } from '../../domain/domain-events';
import { FlashError } from '../../domain/errors';
import { canonicalJson } from '../../../worker/contract/canonical-json';
import { ledgerPagesAfter } from './ledger-pages';
import type { DomainEvent, ProjectedEvent, Projection } from '../../projections/projection';
import { ViewTable, type StoredView } from './view-table';

export interface ProjectionRunnerOptions {
  /** Events read from the ledger per page (and applied per transaction). Default 1000. */
  pageSize?: number;
}

/** What `rebuild` found for one view. */
export interface RebuildReport {
  name: string;
  /** Domain events the view folded from position 0. */
  events: number;
  /** Whether the rebuilt view equals the incremental one (canonical JSON). */
  equal: boolean;
}

interface Slot {
  projection: Projection<unknown>;
  view: unknown;
  position: bigint | undefined;
}

/**
 * The one checkpointed runner: folds the ledger into every view and stores each view with the position
 * of the last event applied, in one transaction per page, so an event is never applied twice.
 * Events that are not domain events advance the position without changing a view; a stored domain
 * event that fails its schema stops the runner with toDomainEvent's ValidationFailed.
 */
export class ProjectionRunner {
  private readonly table: ViewTable;
  private readonly slots = new Map<string, Slot>();
  private readonly pageSize: number;

  constructor(
    private readonly store: EventStore,
    file: string,
    projections: readonly Projection<unknown>[],
    options: ProjectionRunnerOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 1000;
    for (const projection of projections)
      if (this.slots.has(projection.name))
        throw new FlashError('PROJECTION_NAME_TAKEN', `two projections are named ${projection.name}`);
      else this.slots.set(projection.name, { projection, view: projection.initial(), position: undefined });
    this.table = new ViewTable(file);
    for (const stored of this.table.load().values()) {
      const slot = this.slots.get(stored.name);
      if (slot) this.slots.set(stored.name, { ...slot, view: stored.body, position: stored.position });
    }
  }

  /**
   * Applies every event after the lowest stored position, page by page. Running it again is a no-op.
   * Throws LEDGER_SHRUNK, changing nothing, when the ledger no longer holds the last event a view saw.
   */
  async catchUp(): Promise<void> {
    const highest = this.highestPosition();
    if (highest !== undefined && (await this.store.readAll({ fromPosition: highest, limit: 1 })).length === 0)
      throw ledgerShrunk(this.store.location, undefined, viewsAt(this.table.file, highest));
    for await (const page of ledgerPagesAfter(this.store, this.lowestPosition(), this.pageSize))
      this.apply(page);
  }

  /**
   * Applies recorded events, in position order, to each view that has not seen them yet, then stores the
   * changed views with their positions in one transaction. Events at or before a view's position are
   * skipped for that view, so handing the same events in again changes nothing. When an event fails its
   * schema, the views are stored as they were just before it and its ValidationFailed is thrown.
   */
  apply(events: readonly RecordedEvent[]): void {
    const next = new Map<string, Slot>();
    try {
      for (const recorded of events) {
        let event: DomainEvent | undefined | null = null;
        for (const [name, slot] of this.slots) {
          const current = next.get(name) ?? slot;
          if (current.position !== undefined && recorded.position <= current.position) continue;
          if (event === null) event = toDomainEvent(recorded);
          next.set(name, {
            ...current,
            view: evolveWith(current.projection, current.view, recorded, event),
            position: recorded.position,
          });
        }
      }
    } finally {
      // An event that fails its schema stops the run; the views keep everything before it.
      this.commit(next);
    }
  }

  private commit(next: ReadonlyMap<string, Slot>): void {
    if (next.size === 0) return;
    this.table.save([...next].map(([name, slot]) => stored(name, slot)));
    for (const [name, slot] of next) this.slots.set(name, slot);
  }

  /**
   * The current view (what is stored, before a `catchUp`). Its type is the caller's word unless the
   * projection itself is passed. It is the runner's own object: read it, never change it.
   */
  view<V>(projection: Projection<V>): V;
  view<V = unknown>(name: string): V;
  view<V>(which: string | Projection<V>): V {
    const name = typeof which === 'string' ? which : which.name;
    const slot = this.slots.get(name);
    if (!slot) throw new FlashError('PROJECTION_NOT_FOUND', `no projection named ${name} in this runner`);
    // The view was made by this projection (or stored from it): its shape is V by construction.
    return slot.view as V;
  }

  /** The position of the last event applied to a view; undefined before the first. */
  position(name: string): bigint | undefined {
    return this.slots.get(name)?.position;
  }

  /**
   * Catches up, folds every view again from position 0 in memory up to the same position, compares it
   * with the incremental view, and stores the rebuilt one.
   */
  async rebuild(): Promise<RebuildReport[]> {
    await this.catchUp();
    const until = this.highestPosition();
    const fresh = [...this.slots.values()].map(({ projection }) => ({
      projection,
      view: projection.initial(),
      events: 0,
    }));
    if (until !== undefined)
      for await (const page of ledgerPagesAfter(this.store, undefined, this.pageSize)) {
        for (const recorded of page.filter((e) => e.position <= until)) {
          const event = toDomainEvent(recorded);
          for (const f of fresh) {
            if (event && f.projection.handles.includes(event.type)) f.events += 1;
            f.view = evolveWith(f.projection, f.view, recorded, event);
          }
        }
        if ((page.at(-1)?.position ?? until) >= until) break;
      }
    const report = fresh.map(({ projection, view, events }) => ({
      name: projection.name,
      events,
      equal: canonicalJson(view) === canonicalJson(this.slots.get(projection.name)?.view),
    }));
    this.commit(
      new Map(fresh.map(({ projection, view }) => [projection.name, { projection, view, position: until }])),
    );
    return report;
  }

  close(): void {
    this.table.close();
  }

  private lowestPosition(): bigint | undefined {
    let lowest: bigint | undefined;
    for (const { position } of this.slots.values()) {
      if (position === undefined) return undefined;
      if (lowest === undefined || position < lowest) lowest = position;
    }
    return lowest;
  }

  private highestPosition(): bigint | undefined {
    let highest: bigint | undefined;
    for (const { position } of this.slots.values())
      if (position !== undefined && (highest === undefined || position > highest)) highest = position;
    return highest;
  }
}

function evolveWith(
  projection: Projection<unknown>,
  view: unknown,
  recorded: RecordedEvent,
  event: DomainEvent | undefined,
): unknown {
  if (!event || !projection.handles.includes(event.type)) return view;
  const { id, stream, position, recordedAt, metadata } = recorded;
  const projected: ProjectedEvent = { event, id, stream, position, recordedAt, metadata };
  return projection.evolve(view, projected);
}

const stored = (name: string, slot: Slot): StoredView => ({ name, position: slot.position, body: slot.view });
