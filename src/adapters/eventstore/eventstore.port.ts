/**
 * The ledger's event store. Two implementations keep the same semantics: the embedded SQLite store
 * (the default, `$FLASH_HOME/ledger.db`) and EventStoreDB (`FLASH_LEDGER=esdb://...`).
 */

/** What an append expects of the stream first: whatever state, no stream yet, some stream, or this exact last revision. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/** Metadata recorded with every event. */
export interface EventMetadata {
  /** The id shared by every event of one user action. Default: the event's own id. */
  correlationId: string;
  /** The id of the event or command that caused this one. Default: the event's own id. */
  causationId: string;
  /** Who caused it: a user (`user:alice@host`), a reactor (`reactor:provisioning`), a system. */
  actor: string;
  /** The version of the event's data shape, for upcasters. Default 1. */
  schemaVersion: number;
}

/** An event to append. */
export interface NewEvent {
  /** A uuid. Appending the same ids again writes nothing twice (idempotent retry). Default: a fresh uuid. */
  id?: string;
  /** A permanent, past-tense PascalCase name such as `EndpointProvisioned`. */
  type: string;
  /** A JSON object. */
  data: Record<string, unknown>;
  metadata: Partial<EventMetadata> & Pick<EventMetadata, 'actor'>;
}

/** An event as stored, with where and when. */
export interface RecordedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  stream: string;
  /** 0-based position of the event in its stream. */
  revision: bigint;
  /** Position in the whole ledger: increasing; gap-free in the embedded store. */
  position: bigint;
  /** ISO 8601 time the store recorded it. */
  recordedAt: string;
}

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** The revision of the stream's last event: pass it as `expectedRevision` next time. */
  nextRevision: bigint;
  /** The ledger position of the last event written. */
  position: bigint;
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive). Default: `'start'` forwards, `'end'` backwards. */
  from?: bigint | 'start' | 'end';
  /** Default `'forwards'`. */
  direction?: 'forwards' | 'backwards';
  /** Most events to return. Default: all. */
  limit?: number;
}

export interface ReadAllOptions {
  /** First ledger position to read (inclusive), as in EventStoreDB. Default `'start'`. */
  fromPosition?: bigint | 'start';
  /** Most events to return. Default 1000. A shorter page does not by itself mean the end. */
  limit?: number;
}

export interface SubscribeOptions {
  /**
   * A checkpoint: the position of the last event already handled. The subscription yields the events
   * after it (exclusive, as in EventStoreDB). Default `'start'`: every event.
   */
  fromPosition?: bigint | 'start';
}

/** Catches up from the checkpoint, then follows live appends, including other processes'. */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  /** Ends the iteration; a pending `next()` resolves as done. */
  close(): Promise<void>;
}

/** Where a subscriber got to, saved after it handled an event. */
export interface CheckpointStore {
  /** The saved position, or undefined when the subscriber never saved one. */
  load(subscriber: string): Promise<bigint | undefined>;
  save(subscriber: string, position: bigint): Promise<void>;
}

export interface EventStore {
  /** Where the ledger lives, for messages (a file path or a redacted connection string). */
  readonly location: string;
  readonly checkpoints: CheckpointStore;
  /**
   * Appends all events or none. Throws `ConcurrencyConflict` when `expectedRevision` does not hold,
   * `ValidationFailed` when an event fails its schema, `LedgerError` when the store cannot be used.
   */
  append(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /** A stream's events; `[]` when the stream does not exist. */
  read(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** The whole ledger in position order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  close(): Promise<void>;
}

/** Nest injection token for the configured store. */
export const EVENT_STORE = Symbol.for('flash-ledger.EventStore');
