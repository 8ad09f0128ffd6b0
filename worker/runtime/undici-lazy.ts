import type * as Undici from 'undici';

/**
 * undici, loaded on first use: an LB worker that calls no peer never needs it, and not loading it
 * saves about a tenth of a second of cold start.
 */
export function undici(): typeof Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('undici') as typeof Undici;
}
