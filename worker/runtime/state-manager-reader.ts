import type { Dispatcher } from 'undici';
import { GraphqlCallFailed } from '../contract/graphql-call';
import { readActiveBuild, resourcesEndpointsOf } from '../contract/state-manager-read';

export class StateManagerUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateManagerUnavailable';
  }
}

/** A failed State Manager read, said as this worker says it. */
function why(url: string, error: GraphqlCallFailed): string {
  switch (error.kind) {
    case 'unreachable':
      return `the State Manager at ${url} did not answer (${error.detail})`;
    case 'unauthorized':
      return error.extra.status === 401
        ? 'the State Manager refused RUNPOD_API_KEY (401)'
        : `the State Manager refused RUNPOD_API_KEY: ${error.detail}`;
    case 'http':
    case 'not_graphql':
      return `the State Manager answered ${error.extra.status ?? 'nothing usable'}`;
    default:
      return error.detail;
  }
}

/**
 * Reads `resources_endpoints` of an environment's active build (the State Manager read of
 * `contract/state-manager-read`; see docs/RUNPOD.md). Not retried here: the service registry keeps its
 * last map and asks again on the next call.
 */
export async function readResourcesEndpoints(options: {
  graphqlUrl: string;
  apiKey: string;
  environmentId: string;
  dispatcher: Dispatcher;
}): Promise<Record<string, string>> {
  let active;
  try {
    active = await readActiveBuild(
      { dispatcher: options.dispatcher, url: options.graphqlUrl, apiKey: options.apiKey, timeoutMs: 10_000 },
      options.environmentId,
    );
  } catch (error) {
    if (!(error instanceof GraphqlCallFailed)) throw error;
    throw new StateManagerUnavailable(why(options.graphqlUrl, error), { cause: error });
  }
  if (!active)
    throw new StateManagerUnavailable(`environment ${options.environmentId} has no active build yet`);
  return resourcesEndpointsOf(active.manifest);
}
