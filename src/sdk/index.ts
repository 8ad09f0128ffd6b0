/**
 * flash-ledger's SDK: what an app imports to declare its endpoints.
 *
 *   import { Endpoint, z } from 'flash-ledger';
 *   export const preprocess = Endpoint.queue({ name: 'cpu_stage', cpu: 'cpu3c-1-2' }, async (input: { text: string }) => ...);
 *   export const api = Endpoint.loadBalanced({ name: 'api', cpu: 'cpu3c-1-2', workers: [1, 3] });
 *   api.post('/classify', async ({ body }) => preprocess(body));
 */
import { loadBalancedEndpoint } from './load-balanced-endpoint';
import { queueClassEndpoint } from './queue-class-endpoint';
import { queueEndpoint } from './queue-endpoint';

export const Endpoint = {
  /** A queue-based endpoint serving one function: one JSON argument in, one JSON result out. */
  queue: queueEndpoint,
  /** A queue-based endpoint served by a class, constructed once per worker. */
  queueClass: queueClassEndpoint,
  /** A load-balanced endpoint serving your own HTTP routes. */
  loadBalanced: loadBalancedEndpoint,
} as const;

export { z } from 'zod';
export { HttpError, ValidationError } from '../../worker/contract/errors';
export type { RouteRequest, HttpMethod } from '../../worker/contract/endpoint-definition';
export type { Reply } from '../../worker/contract/reply';
export { reply, InvalidReplyError } from './reply';
export type { EndpointConfig } from './config';
export type { QueueConfig, RemoteFunction } from './queue-endpoint';
export type { LoadBalancedEndpoint, RouteOptions } from './load-balanced-endpoint';
export type { GpuSpec, GpuPool, CpuFlavour } from './compute';
export { EndpointDeclarationError, NotJsonError } from './sdk-errors';
export { volumePath } from './volume';
export { secret, runpodSecret, type SecretRef } from './secrets';
export { reportProgress } from './progress';
