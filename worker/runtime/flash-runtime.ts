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
  /** How peers are found: a key and the registry, or why this worker cannot call them (the error it throws). */
  peers:
    | { apiKey: string; registry: ServiceRegistry }
    | { ok: false; code: PeerUnavailable['code']; message: string };
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
      const peers = options.peers;
      if ('ok' in peers)
        throw new PeerUnavailable(peers.code, `${options.self} cannot call ${name}: ${peers.message}`);
      const url = await peers.registry.urlOf(name);
      // the peer-call client loads with the first call: most endpoints never make one, and start faster
      const { callQueueEndpoint } = await import('./remote-call');
      return callQueueEndpoint(
        {
          peer: name,
          url,
          apiKey: peers.apiKey,
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
