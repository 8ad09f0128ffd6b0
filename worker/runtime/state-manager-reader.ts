import type { Dispatcher } from 'undici';
import { undici } from './undici-lazy';
import { z } from 'zod';

const graphqlAnswer = z.object({
  data: z.record(z.string(), z.unknown()).nullable().optional(),
  errors: z.array(z.object({ message: z.string() })).optional(),
});
const environment = z.object({ id: z.string(), activeBuildId: z.string().nullable().optional() }).nullable();
const build = z.object({ id: z.string(), manifest: z.unknown() }).nullable();
const endpoints = z.object({ resources_endpoints: z.record(z.string(), z.string()).optional() }).loose();

export class StateManagerUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateManagerUnavailable';
  }
}

/** Reads `resources_endpoints` of an environment's active build (runpod-contract.md §1.6). */
export async function readResourcesEndpoints(options: {
  graphqlUrl: string;
  apiKey: string;
  environmentId: string;
  dispatcher: Dispatcher;
}): Promise<Record<string, string>> {
  const call = async (
    query: string,
    variables: Record<string, unknown>,
  ): Promise<Record<string, unknown>> => {
    let res;
    try {
      res = await undici().request(options.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.apiKey}` },
        body: JSON.stringify({ query, variables }),
        dispatcher: options.dispatcher,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
    } catch (error) {
      throw new StateManagerUnavailable(
        `the State Manager at ${options.graphqlUrl} did not answer (${(error as Error).message})`,
      );
    }
    const text = await res.body.text();
    const parsed = graphqlAnswer.safeParse(JSON.parse(text || '{}'));
    if (res.statusCode === 401)
      throw new StateManagerUnavailable('the State Manager refused RUNPOD_API_KEY (401)');
    if (!parsed.success || res.statusCode >= 400)
      throw new StateManagerUnavailable(`the State Manager answered ${res.statusCode}`);
    if (parsed.data.errors?.length)
      throw new StateManagerUnavailable(parsed.data.errors.map((e) => e.message).join('; '));
    return parsed.data.data ?? {};
  };
  const env = environment.parse(
    (
      await call(
        'query flashEnvironment($id: String!) { flashEnvironment(flashEnvironmentId: $id) { id activeBuildId } }',
        { id: options.environmentId },
      )
    ).flashEnvironment ?? null,
  );
  if (!env?.activeBuildId)
    throw new StateManagerUnavailable(`environment ${options.environmentId} has no active build yet`);
  const active = build.parse(
    (
      await call('query flashBuild($id: String!) { flashBuild(flashBuildId: $id) { id manifest } }', {
        id: env.activeBuildId,
      })
    ).flashBuild ?? null,
  );
  const manifest = endpoints.safeParse(active?.manifest);
  return manifest.success ? (manifest.data.resources_endpoints ?? {}) : {};
}
