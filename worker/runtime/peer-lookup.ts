/** RunPod's public control plane, where the State Manager answers (docs/RUNPOD.md#state-manager). */
export const RUNPOD_API_BASE_URL = 'https://api.runpod.io';

/** Where and how this worker looks up its peers' URLs, or why it cannot. */
export type PeerLookup =
  | { ok: true; graphqlUrl: string; apiKey: string; environmentId: string }
  | { ok: false; code: 'REMOTE_CALLS_NOT_ALLOWED' | 'PEER_LOOKUP_UNCONFIGURED'; message: string };

/**
 * Reads the peer lookup from the worker's environment. RunPod gives a worker neither the API's base URL
 * nor anything the local cloud adds, so the base defaults to RunPod's public one; `RUNPOD_API_BASE_URL`
 * overrides it, as RunPod's own SDKs read it (the local cloud sets it to itself). The key and the
 * environment id come from the endpoint's template, which the deploy fills only for endpoints that make
 * remote calls.
 */
export function peerLookupFrom(env: NodeJS.ProcessEnv): PeerLookup {
  const apiKey = env.RUNPOD_API_KEY?.trim();
  if (!apiKey)
    return {
      ok: false,
      code: 'REMOTE_CALLS_NOT_ALLOWED',
      message: `this endpoint was deployed without RUNPOD_API_KEY because its build found no remote calls (makes_remote_calls: false); rebuild so the scanner sees the call, then redeploy`,
    };
  const environmentId = env.FLASH_ENVIRONMENT_ID?.trim();
  if (!environmentId)
    return {
      ok: false,
      code: 'PEER_LOOKUP_UNCONFIGURED',
      message: `this endpoint has RUNPOD_API_KEY but no FLASH_ENVIRONMENT_ID, so it cannot look up its peers; deploy it with flash deploy, which sets both`,
    };
  const base = (env.RUNPOD_API_BASE_URL?.trim() || RUNPOD_API_BASE_URL).replace(/\/+$/, '');
  return { ok: true, graphqlUrl: `${base}/graphql`, apiKey, environmentId };
}
