import { z } from 'zod';
import { graphqlCall, pickField, type GraphqlTransport } from './graphql-call';

/**
 * The State Manager read: an environment's published manifest is the `manifest` of its active build
 * (`flashEnvironment` → `activeBuildId` → `flashBuild.manifest`), read over RunPod's GraphQL API. The
 * deployer reads it to check a publication, a worker to find its peers' URLs (`resources_endpoints`).
 * See docs/RUNPOD.md. Failures are GraphqlCallFailed; retries are the transport dispatcher's.
 */

const ENVIRONMENT_QUERY =
  'query flashEnvironment($id: String!) { flashEnvironment(flashEnvironmentId: $id) { id activeBuildId } }';
const BUILD_QUERY = 'query flashBuild($id: String!) { flashBuild(flashBuildId: $id) { id manifest } }';

const environmentSchema = z
  .looseObject({ id: z.string(), activeBuildId: z.string().nullable().optional() })
  .nullable();
const buildSchema = z.looseObject({ id: z.string(), manifest: z.unknown().optional() }).nullable();
const endpointsSchema = z.looseObject({
  resources_endpoints: z.record(z.string(), z.string()).optional(),
});

export interface ActiveBuild {
  buildId: string;
  manifest: unknown;
}

/** The active build of `environmentId` and its manifest; undefined when the environment has none yet. */
export async function readActiveBuild(
  transport: GraphqlTransport,
  environmentId: string,
): Promise<ActiveBuild | undefined> {
  const environment = pickField(
    await graphqlCall(transport, ENVIRONMENT_QUERY, { id: environmentId }),
    'flashEnvironment',
    environmentSchema,
  );
  if (!environment?.activeBuildId) return undefined;
  const build = pickField(
    await graphqlCall(transport, BUILD_QUERY, { id: environment.activeBuildId }),
    'flashBuild',
    buildSchema,
  );
  return build ? { buildId: build.id, manifest: build.manifest } : undefined;
}

/** The resource → URL map a published manifest carries; empty when it has none. */
export function resourcesEndpointsOf(manifest: unknown): Record<string, string> {
  const parsed = endpointsSchema.safeParse(manifest);
  return parsed.success ? (parsed.data.resources_endpoints ?? {}) : {};
}
