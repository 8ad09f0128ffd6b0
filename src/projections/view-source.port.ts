import type { Projection } from './projection';

/**
 * Views caught up with the ledger, as the query handlers read them. The checkpointed runner that stores
 * them (`src/adapters/views/`) implements it.
 */
export interface ViewSource {
  /** Folds the events recorded since the views' last position. */
  catchUp(): Promise<void>;
  /** The view a projection has folded so far. */
  view<V>(projection: Projection<V>): V;
}

/** Nest token for the process's view source (views in `$FLASH_HOME/projections.db` by default). */
export const PROJECTION_RUNNER = Symbol.for('flash-ledger.ProjectionRunner');
