/** Nest token for the process's ProjectionRunner (views in `$FLASH_HOME/projections.db` by default). */
export const PROJECTION_RUNNER = Symbol.for('flash-ledger.ProjectionRunner');
