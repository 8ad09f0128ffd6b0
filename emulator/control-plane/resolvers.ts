import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { GraphQLError } from 'graphql';
import type { ControlState } from '../state/control-state';
import type { AppRecord, BuildRecord, EnvironmentRecord, EnvVar } from '../state/records';
import { endpointView, saveEndpoint, type EndpointInput } from './endpoint-resolvers';
import type { Faults } from './faults';
import { nameProblem } from '../../worker/contract/names';

export interface ResolverOptions {
  state: ControlState;
  home: string;
  cloudUrl: () => string;
  faults: Faults;
  /** An endpoint was created, changed or removed: bring its workers in line. */
  onEndpointChange: (id: string) => void;
}

const MAX_ARTIFACT_BYTES = 1500 * 1024 * 1024;
const fail = (message: string): never => {
  throw new GraphQLError(message);
};

/** Resolvers for schema.graphql.ts, as graphql-js root values. */
export function createResolvers(o: ResolverOptions): Record<string, unknown> {
  const { state } = o;
  const envView = (e: EnvironmentRecord) => ({
    ...e,
    endpoints: state.endpointsOf(e.id).map((x) => ({ id: x.id, name: x.name })),
    networkVolumes: [
      ...new Set(
        state
          .endpointsOf(e.id)
          .map((x) => x.networkVolumeId)
          .filter((v): v is string => !!v),
      ),
    ].map((id) => ({ id, name: state.get('volume', id)?.name ?? id })),
  });
  const buildView = (b: BuildRecord) => b;
  const appView = (a: AppRecord) => ({
    ...a,
    flashEnvironments: state.environmentsOf(a.id).map(envView),
    flashBuilds: state.buildsOf(a.id).map(buildView),
  });
  const app = (id: string) => state.get('app', id) ?? fail(`app not found: ${id}`);
  const bumpEnvironment = (environmentId: string) => {
    for (const endpoint of state.endpointsOf(environmentId)) {
      state.save('endpoint', { ...endpoint, version: endpoint.version + 1 });
      o.onEndpointChange(endpoint.id);
    }
  };

  return {
    myself: () => ({
      id: 'user_local',
      endpoints: () => state.list('endpoint').map((e) => endpointView(state, e)),
      endpoint: ({ id }: { id: string }) => {
        const e = state.get('endpoint', id);
        return e ? endpointView(state, e) : null;
      },
      flashApps: () => state.list('app').map(appView),
    }),
    podTemplate: ({ id }: { id: string }) => state.get('template', id) ?? null,
    flashAppByName: ({ flashAppName }: { flashAppName: string }) =>
      appView(state.appByName(flashAppName) ?? fail(`app not found: ${flashAppName}`)),
    flashApp: ({ flashAppId }: { flashAppId: string }) => appView(app(flashAppId)),
    flashEnvironment: ({ flashEnvironmentId }: { flashEnvironmentId: string }) => {
      const e = state.get('environment', flashEnvironmentId);
      return e ? envView(e) : null;
    },
    flashEnvironmentByName: ({ input }: { input: { flashAppId: string; name: string } }) => {
      const e = state.environmentsOf(input.flashAppId).find((x) => x.name === input.name);
      return e ? envView(e) : null;
    },
    flashBuild: ({ flashBuildId }: { flashBuildId: string }) => state.get('build', flashBuildId) ?? null,

    saveTemplate: ({
      input,
    }: {
      input: {
        id?: string;
        name?: string;
        imageName?: string;
        containerDiskInGb?: number;
        dockerArgs?: string;
        env: EnvVar[];
        readme?: string;
      };
    }) => {
      const existing = input.id
        ? (state.get('template', input.id) ?? fail(`template ${input.id} not found`))
        : undefined;
      const template = state.save('template', {
        id: existing?.id ?? state.newId('template'),
        name: input.name ?? existing?.name ?? 'template',
        imageName: input.imageName ?? existing?.imageName ?? 'flash-ledger/worker:local',
        containerDiskInGb: input.containerDiskInGb ?? existing?.containerDiskInGb ?? 64,
        dockerArgs: input.dockerArgs ?? existing?.dockerArgs ?? '',
        env: input.env,
        readme: input.readme ?? existing?.readme ?? '',
      });
      for (const endpoint of state.list('endpoint').filter((e) => e.templateId === template.id)) {
        state.save('endpoint', { ...endpoint, version: endpoint.version + 1 });
        o.onEndpointChange(endpoint.id);
      }
      return template;
    },
    saveEndpoint: ({ input }: { input: EndpointInput }) => {
      o.faults.beforeEndpointSave();
      return endpointView(state, saveEndpoint(state, input, o.onEndpointChange));
    },
    deleteEndpoint: ({ id }: { id: string }) => {
      if (!state.remove('endpoint', id)) fail(`endpoint ${id} not found`);
      o.onEndpointChange(id);
      return null;
    },

    createFlashApp: ({ input }: { input: { name: string } }) => {
      const badApp = nameProblem('app', input.name);
      if (badApp) fail(badApp);
      if (state.appByName(input.name)) fail(`app ${input.name} already exists`);
      return appView(
        state.save('app', { id: state.newId('uuid'), name: input.name, createdAt: state.timestamp() }),
      );
    },
    deleteFlashApp: ({ flashAppId }: { flashAppId: string }) => {
      app(flashAppId);
      for (const e of state.environmentsOf(flashAppId)) state.remove('environment', e.id);
      for (const b of state.buildsOf(flashAppId)) state.remove('build', b.id);
      state.remove('app', flashAppId);
      return null;
    },
    createFlashEnvironment: ({ input }: { input: { flashAppId: string; name: string } }) => {
      app(input.flashAppId);
      const badEnv = nameProblem('environment', input.name);
      if (badEnv) fail(badEnv);
      if (state.environmentsOf(input.flashAppId).some((e) => e.name === input.name))
        fail(`environment ${input.name} already exists`);
      return envView(
        state.save('environment', {
          id: state.newId('uuid'),
          appId: input.flashAppId,
          name: input.name,
          state: 'PENDING',
          activeBuildId: null,
          createdAt: state.timestamp(),
        }),
      );
    },
    deleteFlashEnvironment: ({ flashEnvironmentId }: { flashEnvironmentId: string }) => {
      if (!state.remove('environment', flashEnvironmentId))
        fail(`environment not found: ${flashEnvironmentId}`);
      return null;
    },
    prepareFlashArtifactUpload: ({ input }: { input: { flashAppId: string; tarballSize: number } }) => {
      app(input.flashAppId);
      if (!(input.tarballSize > 0) || input.tarballSize > MAX_ARTIFACT_BYTES)
        fail(`tarballSize ${input.tarballSize} must be between 1 byte and 1500 MB`);
      const objectKey = `artifacts/${input.flashAppId}/${state.newId('uuid')}.tar.gz`;
      const token = randomBytes(16).toString('hex');
      const expiresAt = new Date(state.now().getTime() + 3_600_000).toISOString();
      state.save('upload', {
        id: objectKey,
        appId: input.flashAppId,
        token,
        size: input.tarballSize,
        path: join(o.home, objectKey),
        received: false,
        expiresAt,
      });
      return {
        uploadUrl: `${o.cloudUrl()}/upload/${encodeURIComponent(objectKey)}?token=${token}`,
        objectKey,
        expiresAt,
      };
    },
    finalizeFlashArtifactUpload: ({
      input,
    }: {
      input: { flashAppId: string; objectKey: string; manifest: unknown };
    }) => {
      const upload = state.get('upload', input.objectKey);
      if (!upload || upload.appId !== input.flashAppId)
        fail(`upload ${input.objectKey} not found for app ${input.flashAppId}`);
      if (!upload?.received)
        fail(`upload ${input.objectKey} has not been received: PUT the artifact to its uploadUrl first`);
      if (typeof input.manifest !== 'object' || input.manifest === null)
        fail('manifest must be a JSON object');
      return buildView(
        state.save('build', {
          id: state.newId('uuid'),
          appId: input.flashAppId,
          objectKey: input.objectKey,
          manifest: input.manifest,
          createdAt: state.timestamp(),
        }),
      );
    },
    updateFlashBuildManifest: async ({ input }: { input: { flashBuildId: string; manifest: unknown } }) => {
      const build = state.get('build', input.flashBuildId) ?? fail(`build ${input.flashBuildId} not found`);
      await o.faults.beforeStateManagerWrite();
      if (typeof input.manifest !== 'object' || input.manifest === null)
        fail('manifest must be a JSON object');
      return state.save('build', { ...build, manifest: input.manifest });
    },
    deployBuildToEnvironment: ({
      input,
    }: {
      input: { flashEnvironmentId: string; flashBuildId: string };
    }) => {
      const environment =
        state.get('environment', input.flashEnvironmentId) ??
        fail(`environment not found: ${input.flashEnvironmentId}`);
      const build = state.get('build', input.flashBuildId) ?? fail(`build ${input.flashBuildId} not found`);
      if (build.appId !== environment.appId) fail(`build ${build.id} belongs to another app`);
      state.save('environment', { ...environment, activeBuildId: build.id, state: 'DEPLOYED' });
      bumpEnvironment(environment.id);
      return {
        id: environment.id,
        name: environment.name,
        activeArtifact: { objectKey: build.objectKey, downloadUrl: null, expiresAt: null },
      };
    },
  };
}
