import { currentJob } from '../qb/job-context';
import type { Dispatcher } from 'undici';
import {
  FLASH_RUNTIME,
  type FlashRuntime,
  type QueueEndpointDefinition,
} from '../contract/endpoint-definition';
import type { Manifest } from '../contract/manifest';
import { PeerUnavailable, type ServiceRegistry } from './service-registry';

export interface RuntimeOptions {
  self: string;
  manifest: Manifest;
  /** This worker's own QB endpoint, run in-process when code calls it. */
  own?: QueueEndpointDefinition;
  /** Present only when the endpoint was deployed with RUNPOD_API_KEY (it makes remote calls). */
  apiKey?: string;
  registry?: ServiceRegistry;
  /** Made on first remote call. */
  dispatcher: () => Dispatcher;
  callTimeoutMs?: number;
}

/** Routes calls from user code: its own endpoint in-process, peers over HTTP with JSON only. */
export function createRuntime(options: RuntimeOptions): FlashRuntime {
  return {
    progress: (update) => currentJob.getStore()?.progress(update),
    callQueue: async (name, input) => {
      if (name === options.self && options.own) {
        const copy: unknown = JSON.parse(JSON.stringify((await options.own.invoke(input)) ?? null));
        return copy;
      }
      if (!options.manifest.resources[name]) {
        throw new PeerUnavailable(
          'PEER_NOT_DEPLOYED',
          `${options.self} cannot call ${name}: it is not an endpoint of this app's manifest; rebuild and redeploy`,
        );
      }
      if (!options.apiKey || !options.registry) {
        throw new PeerUnavailable(
          'REMOTE_CALLS_NOT_ALLOWED',
          `${options.self} cannot call ${name}: this endpoint was deployed without RUNPOD_API_KEY because its build found no remote calls (makes_remote_calls: false); rebuild so the scanner sees the call, then redeploy`,
        );
      }
      const url = await options.registry.urlOf(name);
      // the peer-call client loads with the first call: most endpoints never make one, and start faster
      const { callQueueEndpoint } = await import('./remote-call');
      return callQueueEndpoint(
        {
          peer: name,
          url,
          apiKey: options.apiKey,
          dispatcher: options.dispatcher(),
          timeoutMs: options.callTimeoutMs,
        },
        input,
      );
    },
  };
}

/** Installs the runtime where the SDK looks for it. */
export function installRuntime(runtime: FlashRuntime): void {
  Object.assign(globalThis, { [FLASH_RUNTIME]: runtime });
}
