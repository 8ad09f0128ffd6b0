/**
 * The worker runtime's entry for hosts that run endpoints in their own process (`flash dev`): the
 * load-balanced HTTP app, the logger and the loader of a bundle. Everything else in `worker/` is internal.
 */
export { createLbApp } from './lb/lb-app';
export { createLogger } from './logger';
export { loadBundle } from './live/load-bundle';
