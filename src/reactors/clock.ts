/** Where the reactors and the door read the time they stamp on commands (the domain never reads a clock). */
export interface Clock {
  now(): Date;
}

/** Nest token for the process's clock; default the system clock. */
export const CLOCK = Symbol.for('flash-ledger.Clock');

export const systemClock: Clock = { now: () => new Date() };
