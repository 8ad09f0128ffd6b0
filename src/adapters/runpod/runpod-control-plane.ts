import { z } from 'zod';
import { readActiveBuild, type ActiveBuild } from '../../../worker/contract/state-manager-read';
import { UpstreamFailed } from '../../domain/errors';
import { stockOf, type CapacityQuery, type Stock } from './capacity';
import type { EndpointSpec } from './endpoint-spec';
import type { GraphqlClient } from './graphql-client';

export type { EndpointSpec, EnvVar } from './endpoint-spec';
export type { CapacityQuery, Stock } from './capacity';

const ENDPOINT_FIELDS = `aiKey gpuIds id idleTimeout locations name networkVolumeId networkVolumeIds{networkVolumeId dataCenterId}
  flashEnvironmentId scalerType scalerValue templateId type userId version workersMax workersMin workersStandby
  workersPFBTarget gpuCount allowedCudaVersions minCudaVersion executionTimeoutMs instanceIds activeBuildid idePodId flashBootType`;

export const endpointSchema = z.looseObject({
  id: z.string(),
  name: z.string().nullable(),
  type: z.string().nullable().optional(),
  aiKey: z.string().nullable().optional(),
  templateId: z.string().nullable().optional(),
  version: z.number().nullable().optional(),
  workersMin: z.number().nullable().optional(),
  workersMax: z.number().nullable().optional(),
  flashEnvironmentId: z.string().nullable().optional(),
});
export type RunpodEndpoint = z.infer<typeof endpointSchema>;

const environmentSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  activeBuildId: z.string().nullable().optional(),
  endpoints: z.array(z.object({ id: z.string(), name: z.string().nullable() })).optional(),
});
const appSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  flashEnvironments: z.array(environmentSchema).optional(),
});
const buildSchema = z.looseObject({ id: z.string() });
const uploadSchema = z.object({ uploadUrl: z.string(), objectKey: z.string(), expiresAt: z.string() });

function pick<T>(data: Record<string, unknown>, key: string, schema: z.ZodType<T>, what: string): T {
  const parsed = schema.safeParse(data[key]);
  if (!parsed.success)
    throw new UpstreamFailed(
      'RUNPOD_BAD_RESPONSE',
      `the control plane answered ${what} in an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  return parsed.data;
}

/**
 * RunPod's control plane and State Manager operations that a deploy needs, typed and parsed (RunPod's
 * GraphQL API: https://docs.runpod.io/api-reference/overview; see docs/RUNPOD.md).
 */
export class RunpodControlPlane {
  constructor(readonly graphql: GraphqlClient) {}

  // Operation: flashAppByName; undefined on "app not found".
  async findApp(
    name: string,
  ): Promise<{ id: string; environments: { id: string; name: string }[] } | undefined> {
    try {
      const data = await this.graphql.request(
        `query app($n: String!) { flashAppByName(flashAppName: $n) { id name flashEnvironments { id name activeBuildId } } }`,
        { n: name },
      );
      const app = pick(data, 'flashAppByName', appSchema, 'flashAppByName');
      return {
        id: app.id,
        environments: (app.flashEnvironments ?? []).map((e) => ({ id: e.id, name: e.name })),
      };
    } catch (error) {
      if (error instanceof UpstreamFailed && /app not found/i.test(error.message)) return undefined;
      throw error;
    }
  }

  // Operation: flashAppByName, then createFlashApp on "app not found".
  async ensureApp(name: string): Promise<{ id: string; environments: { id: string; name: string }[] }> {
    const found = await this.findApp(name);
    if (found) return found;
    const data = await this.graphql.request(
      `mutation create($i: CreateFlashAppInput!) { createFlashApp(input: $i) { id name } }`,
      { i: { name } },
    );
    return { id: pick(data, 'createFlashApp', appSchema, 'createFlashApp').id, environments: [] };
  }

  // Operation: createFlashEnvironment when the app lacks it.
  async ensureEnvironment(
    appName: string,
    environment: string,
  ): Promise<{ appId: string; environmentId: string }> {
    const app = await this.ensureApp(appName);
    const known = app.environments.find((e) => e.name === environment);
    if (known) return { appId: app.id, environmentId: known.id };
    const data = await this.graphql.request(
      `mutation env($i: CreateFlashEnvironmentInput!) { createFlashEnvironment(input: $i) { id name } }`,
      { i: { flashAppId: app.id, name: environment } },
    );
    return {
      appId: app.id,
      environmentId: pick(data, 'createFlashEnvironment', environmentSchema, 'createFlashEnvironment').id,
    };
  }

  // Operation: prepareFlashArtifactUpload.
  async prepareUpload(appId: string, bytes: number): Promise<z.infer<typeof uploadSchema>> {
    const data = await this.graphql.request(
      `mutation prep($i: PrepareFlashArtifactUploadInput!) { prepareFlashArtifactUpload(input: $i) { uploadUrl objectKey expiresAt } }`,
      { i: { flashAppId: appId, tarballSize: bytes } },
    );
    return pick(data, 'prepareFlashArtifactUpload', uploadSchema, 'prepareFlashArtifactUpload');
  }

  // Operation: finalizeFlashArtifactUpload; returns the new build id.
  async finalizeUpload(appId: string, objectKey: string, manifest: unknown): Promise<string> {
    const data = await this.graphql.request(
      `mutation fin($i: FinalizeFlashArtifactUploadInput!) { finalizeFlashArtifactUpload(input: $i) { id } }`,
      { i: { flashAppId: appId, objectKey, manifest } },
    );
    return pick(data, 'finalizeFlashArtifactUpload', buildSchema, 'finalizeFlashArtifactUpload').id;
  }

  // Operation: deployBuildToEnvironment.
  async deployBuild(environmentId: string, buildId: string): Promise<void> {
    await this.graphql.request(
      `mutation dep($i: DeployBuildToEnvironmentInput!) { deployBuildToEnvironment(input: $i) { id name } }`,
      { i: { flashEnvironmentId: environmentId, flashBuildId: buildId } },
    );
  }

  // Operation: flashEnvironment → flashBuild(activeBuildId).manifest (the State Manager read).
  readManifest(environmentId: string): Promise<ActiveBuild | undefined> {
    return this.graphql.read((transport) => readActiveBuild(transport, environmentId));
  }

  // Operation: updateFlashBuildManifest (the State Manager write; a mutation, never retried here).
  async writeManifest(buildId: string, manifest: unknown): Promise<void> {
    await this.graphql.request(
      `mutation upd($i: UpdateFlashBuildManifestInput!) { updateFlashBuildManifest(input: $i) { id } }`,
      { i: { flashBuildId: buildId, manifest } },
    );
  }

  // Operation: saveEndpoint (create, or full replace with id); then saveTemplate for the env on updates.
  async saveEndpoint(spec: EndpointSpec): Promise<RunpodEndpoint> {
    const { template, templateId, ...fields } = spec;
    const input = templateId
      ? { ...fields, templateId }
      : {
          ...fields,
          template: {
            ...template,
            dockerArgs: '',
            ports: '',
            startScript: '',
            advancedStart: false,
            containerRegistryAuthId: '',
            config: {},
          },
        };
    const data = await this.graphql.request(
      `mutation save($i: EndpointInput!) { saveEndpoint(input: $i) { ${ENDPOINT_FIELDS} } }`,
      { i: input },
    );
    const endpoint = pick(data, 'saveEndpoint', endpointSchema, 'saveEndpoint');
    if (templateId) {
      await this.graphql.request(`mutation tpl($i: SaveTemplateInput) { saveTemplate(input: $i) { id } }`, {
        i: {
          id: templateId,
          name: template.name,
          imageName: template.imageName,
          containerDiskInGb: template.containerDiskInGb,
          dockerArgs: '',
          env: template.env,
          volumeInGb: 0,
        },
      });
    }
    return endpoint;
  }

  // Operation: deleteEndpoint; "not found" counts as deleted (Flash does the same).
  async deleteEndpoint(id: string): Promise<void> {
    try {
      await this.graphql.request(`mutation del($id: String!) { deleteEndpoint(id: $id) }`, { id });
    } catch (error) {
      if (!(error instanceof UpstreamFailed) || error.code !== 'RUNPOD_NOT_FOUND') throw error;
    }
  }

  // Operation: myself { endpoints }.
  async listEndpoints(): Promise<RunpodEndpoint[]> {
    const data = await this.graphql.request(`query { myself { endpoints { ${ENDPOINT_FIELDS} } } }`);
    return pick(data, 'myself', z.object({ endpoints: z.array(endpointSchema) }), 'myself').endpoints;
  }

  // Operations: gpuTypes { lowestPrice } and cpuFlavors { specifics } (see capacity.ts).
  availability(query: CapacityQuery): Promise<Stock[]> {
    return stockOf(this.graphql, query);
  }
}
