import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fail } from './resolver-errors';
import type { ResolverOptions } from './resolvers';

const MAX_ARTIFACT_BYTES = 1500 * 1024 * 1024;

/** How long a presigned artifact upload URL stays valid. */
const UPLOAD_VALID_MS = 3_600_000;

const manifestProblem = (manifest: unknown): boolean => typeof manifest !== 'object' || manifest === null;

/**
 * Resolvers of Flash builds: the artifact upload (a presigned URL, then its finalization into a build),
 * the build's manifest, and its deployment to an environment, which rolls out every endpoint there.
 */
export function flashBuildResolvers(o: ResolverOptions): Record<string, unknown> {
  const { state } = o;
  const app = (id: string) => state.get('app', id) ?? fail(`app not found: ${id}`);
  const build = (id: string) => state.get('build', id) ?? fail(`build ${id} not found`);
  return {
    flashBuild: ({ flashBuildId }: { flashBuildId: string }) => state.get('build', flashBuildId) ?? null,
    prepareFlashArtifactUpload: ({ input }: { input: { flashAppId: string; tarballSize: number } }) => {
      app(input.flashAppId);
      if (!(input.tarballSize > 0) || input.tarballSize > MAX_ARTIFACT_BYTES)
        fail(`tarballSize ${input.tarballSize} must be between 1 byte and 1500 MB`);
      const objectKey = `artifacts/${input.flashAppId}/${state.newId('uuid')}.tar.gz`;
      const token = randomBytes(16).toString('hex');
      const expiresAt = new Date(state.now().getTime() + UPLOAD_VALID_MS).toISOString();
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
      if (manifestProblem(input.manifest)) fail('manifest must be a JSON object');
      return state.save('build', {
        id: state.newId('uuid'),
        appId: input.flashAppId,
        objectKey: input.objectKey,
        manifest: input.manifest,
        createdAt: state.timestamp(),
      });
    },
    updateFlashBuildManifest: async ({ input }: { input: { flashBuildId: string; manifest: unknown } }) => {
      const current = build(input.flashBuildId);
      await o.faults.beforeStateManagerWrite();
      if (manifestProblem(input.manifest)) fail('manifest must be a JSON object');
      return state.save('build', { ...current, manifest: input.manifest });
    },
    deployBuildToEnvironment: ({
      input,
    }: {
      input: { flashEnvironmentId: string; flashBuildId: string };
    }) => {
      const environment =
        state.get('environment', input.flashEnvironmentId) ??
        fail(`environment not found: ${input.flashEnvironmentId}`);
      const deployed = build(input.flashBuildId);
      if (deployed.appId !== environment.appId) fail(`build ${deployed.id} belongs to another app`);
      state.save('environment', { ...environment, activeBuildId: deployed.id, state: 'DEPLOYED' });
      // a new build is a new version of each endpoint of the environment: their workers roll out
      for (const endpoint of state.endpointsOf(environment.id)) {
        state.save('endpoint', { ...endpoint, version: endpoint.version + 1 });
        o.onEndpointChange(endpoint.id);
      }
      return {
        id: environment.id,
        name: environment.name,
        activeArtifact: { objectKey: deployed.objectKey, ...o.artifactLinks.link(deployed.objectKey) },
      };
    },
  };
}
