import { buildSchema, getOperationAST, parse, validate } from 'graphql';
import { createCloud, type Cloud } from '../../emulator/cloud-app';
import { SCHEMA_SDL } from '../../emulator/control-plane/schema.graphql';
import { tempDir } from '../support/ledger-processes';
import { FLASH_DOCUMENTS, type FlashOperation } from './flash-119-documents';

type Json = Record<string, unknown>;
type Answer = { data: Json | null; errors?: { message: string; extensions?: { code?: string } }[] };

/**
 * Every GraphQL operation RunPod Flash 1.19.0 sends, by operation name. This list mirrors the client in
 * runpod/flash v1.19.0 `src/runpod_flash/core/api/runpod.py`, in its order; a new Flash operation goes
 * here first, and the tests below fail until the local cloud serves it.
 */
const FLASH_119_OPERATIONS: readonly FlashOperation[] = [
  'getTemplate',
  'saveTemplate',
  'saveEndpoint',
  'ServerlessGpuTypes',
  'SecureCpuTypes',
  'deleteEndpoint',
  'getFlashApps',
  'PrepareArtifactUpload',
  'FinalizeArtifactUpload',
  'getFlashApp',
  'getFlashAppByName',
  'getFlashEnvironment',
  'getFlashEnvironmentByName',
  'updateFlashBuildManifest',
  'deployBuildToEnvironment',
  'createFlashApp',
  'createFlashEnvironment',
  'getFlashBuild',
  'listFlashBuilds',
  'listFlashEnvironments',
  'deleteFlashApp',
  'deleteFlashEnvironment',
  'getEndpoint',
  'createFlashAuthRequest',
  'flashAuthRequestStatus',
];

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('the local cloud serves every GraphQL operation Flash 1.19 sends', () => {
  let cloud: Cloud;
  const sent = new Set<FlashOperation>();
  // what the operations made, for the ones after them (jest runs a file's tests in order)
  const made: Record<'app' | 'env' | 'volume' | 'objectKey' | 'build' | 'endpoint' | 'template', string> = {
    app: '',
    env: '',
    volume: '',
    objectKey: '',
    build: '',
    endpoint: '',
    template: '',
  };

  beforeAll(async () => {
    cloud = await createCloud({ home: tempDir('flash-cloud-ops-') });
    const volume = await cloud.app.inject({
      method: 'POST',
      url: '/v1/networkvolumes',
      headers: { authorization: `Bearer ${cloud.apiKey}` },
      payload: { name: 'models', size: 20, dataCenterId: 'EU-RO-1' },
    });
    made.volume = volume.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await cloud?.close();
  });

  /** Sends one of Flash's documents as Flash does: `{query, variables}`, with the key unless it logs in. */
  const ask = async (op: FlashOperation, variables: Json = {}, withKey = true): Promise<Answer> => {
    sent.add(op);
    const res = await cloud.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: {
        'content-type': 'application/json',
        ...(withKey ? { authorization: `Bearer ${cloud.apiKey}` } : {}),
      },
      payload: { query: FLASH_DOCUMENTS[op], variables },
    });
    return res.json<Answer>();
  };
  /** The answer's data, failing the test on any error. */
  const data = async (op: FlashOperation, variables: Json = {}, withKey = true): Promise<Json> => {
    const answer = await ask(op, variables, withKey);
    expect(answer.errors).toBeUndefined();
    return answer.data ?? {};
  };

  it('has one document per listed operation, each valid against the local schema', () => {
    expect(Object.keys(FLASH_DOCUMENTS).sort()).toEqual([...FLASH_119_OPERATIONS].sort());
    const schema = buildSchema(SCHEMA_SDL);
    for (const op of FLASH_119_OPERATIONS) {
      const document = parse(FLASH_DOCUMENTS[op]);
      expect(getOperationAST(document)?.name?.value).toBe(op);
      expect({ op, errors: validate(schema, document).map((e) => e.message) }).toEqual({ op, errors: [] });
    }
  });

  it('logs in without a key: createFlashAuthRequest, then flashAuthRequestStatus until approved', async () => {
    const { createFlashAuthRequest: request } = (await data('createFlashAuthRequest', {}, false)) as {
      createFlashAuthRequest: { id: string; status: string; expiresAt: string };
    };
    expect(request).toEqual({
      id: expect.stringMatching(UUID),
      status: 'PENDING',
      expiresAt: expect.any(String),
    });
    expect(Date.parse(request.expiresAt)).toBeGreaterThan(Date.now());
    const pending = await data('flashAuthRequestStatus', { flashAuthRequestId: request.id }, false);
    expect(pending.flashAuthRequestStatus).toMatchObject({ status: 'PENDING', apiKey: null });
    await cloud.app.inject({
      method: 'POST',
      url: `/login/${request.id}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'decision=approve',
    });
    const approved = await data('flashAuthRequestStatus', { flashAuthRequestId: request.id }, false);
    expect(approved.flashAuthRequestStatus).toEqual({
      id: request.id,
      status: 'APPROVED',
      expiresAt: request.expiresAt,
      apiKey: cloud.apiKey,
    });
  });

  it('answers the capacity queries Flash sends for a pinned GPU type and CPU instance', async () => {
    const gpu = await data('ServerlessGpuTypes', {
      gpuTypesInput: { ids: ['NVIDIA GeForce RTX 4090'] },
      lowestPriceInput: {
        dataCenterId: 'EU-RO-1',
        gpuCount: 1,
        secureCloud: true,
        includeAiApi: true,
        allowedCudaVersions: [],
        compliance: [],
      },
    });
    expect(gpu.gpuTypes).toEqual([{ lowestPrice: { stockStatus: 'High' } }]);
    const cpu = await data('SecureCpuTypes', {
      cpuFlavorInput: { id: 'cpu3c' },
      specificsInput: { dataCenterId: 'EU-RO-1', instanceId: 'cpu3c-2-4' },
    });
    expect(cpu.cpuFlavors).toEqual([{ specifics: { stockStatus: 'High' } }]);
  });

  it('creates an app and an environment, and finds them by name', async () => {
    const app = (await data('createFlashApp', { input: { name: 'ops-app' } })).createFlashApp as Json;
    expect(app).toEqual({ id: expect.stringMatching(UUID), name: 'ops-app' });
    made.app = app.id as string;
    const byName = await data('getFlashAppByName', { flashAppName: 'ops-app' });
    expect(byName.flashAppByName).toEqual({
      id: made.app,
      name: 'ops-app',
      flashEnvironments: [],
      flashBuilds: [],
    });
    const env = (
      await data('createFlashEnvironment', { input: { flashAppId: made.app, name: 'production' } })
    ).createFlashEnvironment as Json;
    expect(env).toEqual({ id: expect.stringMatching(UUID), name: 'production' });
    made.env = env.id as string;
    const envByName = await data('getFlashEnvironmentByName', {
      input: { flashAppId: made.app, name: 'production' },
    });
    expect(envByName.flashEnvironmentByName).toEqual({
      id: made.env,
      name: 'production',
      state: 'PENDING',
      activeBuildId: null,
      endpoints: [],
      networkVolumes: [],
    });
  });

  it('says "app not found" for an unknown app name, which Flash reads as "create it"', async () => {
    const answer = await ask('getFlashAppByName', { flashAppName: 'no-such-app' });
    expect(answer.errors?.[0]?.message.toLowerCase()).toContain('app not found');
  });

  it('uploads an artifact: a presigned URL, the PUT, then a build with its manifest', async () => {
    const tarball = Buffer.from('\x1f\x8b flash build artifact');
    const upload = (
      await data('PrepareArtifactUpload', { input: { flashAppId: made.app, tarballSize: tarball.length } })
    ).prepareFlashArtifactUpload as { uploadUrl: string; objectKey: string; expiresAt: string };
    expect(upload.objectKey).toMatch(new RegExp(`^artifacts/${made.app}/[0-9a-f-]+\\.tar\\.gz$`));
    expect(Date.parse(upload.expiresAt)).toBeGreaterThan(Date.now());
    const url = new URL(upload.uploadUrl);
    expect(url.searchParams.get('token')).toMatch(/^[0-9a-f]{32}$/);
    const put = await cloud.app.inject({
      method: 'PUT',
      url: `${url.pathname}${url.search}`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: tarball,
    });
    expect(put.statusCode).toBe(200);
    made.objectKey = upload.objectKey;
    const manifest = {
      version: '1.0',
      project_name: 'ops-app',
      resources: { gpu_worker: { functions: [] } },
    };
    const build = (
      await data('FinalizeArtifactUpload', {
        input: { flashAppId: made.app, objectKey: upload.objectKey, manifest },
      })
    ).finalizeFlashArtifactUpload as Json;
    expect(build).toEqual({ id: expect.stringMatching(UUID), manifest });
    made.build = build.id as string;
  });

  it('replaces a build manifest and reads it back', async () => {
    const manifest = {
      version: '1.0',
      project_name: 'ops-app',
      resources_endpoints: { gpu_worker: 'pending' },
    };
    const updated = await data('updateFlashBuildManifest', { input: { flashBuildId: made.build, manifest } });
    expect(updated.updateFlashBuildManifest).toEqual({ id: made.build, manifest });
    const read = await data('getFlashBuild', { input: made.build });
    expect(read.flashBuild).toEqual({ id: made.build, manifest });
  });

  it('creates an endpoint from the payload Flash builds, with its inline template', async () => {
    const saved = (await data('saveEndpoint', { input: flashEndpointPayload(made.env, made.volume) }))
      .saveEndpoint as Json;
    expect(saved).toEqual({
      aiKey: expect.any(String),
      gpuIds: 'ADA_24',
      id: expect.stringMatching(/^[a-z0-9]{14}$/),
      idleTimeout: 60,
      locations: 'EU-RO-1',
      name: 'ops-app-production-gpu_worker',
      networkVolumeId: made.volume,
      networkVolumeIds: [{ networkVolumeId: made.volume, dataCenterId: 'EU-RO-1' }],
      flashEnvironmentId: made.env,
      scalerType: 'QUEUE_DELAY',
      scalerValue: 4,
      templateId: expect.stringMatching(/^[a-z0-9]{10}$/),
      type: 'QB',
      userId: 'user_local',
      version: 1,
      workersMax: 3,
      workersMin: 0,
      workersStandby: 0,
      workersPFBTarget: 0,
      gpuCount: 1,
      allowedCudaVersions: '',
      minCudaVersion: '12.8',
      executionTimeoutMs: 0,
      instanceIds: null,
      activeBuildid: null,
      idePodId: null,
      flashBootType: 'FLASHBOOT',
    });
    made.endpoint = saved.id as string;
    made.template = saved.templateId as string;
    const exists = await data('getEndpoint', { id: made.endpoint });
    expect(exists.myself).toEqual({ endpoint: { id: made.endpoint } });
    const missing = await data('getEndpoint', { id: 'zzzzzzzzzzzzzz' });
    expect(missing.myself).toEqual({ endpoint: null });
  });

  it('reads the endpoint template, updates the endpoint by id, then saves its template as Flash does', async () => {
    const template = (await data('getTemplate', { id: made.template })).podTemplate as Json;
    expect(template).toEqual({
      id: made.template,
      containerDiskInGb: 64,
      dockerArgs: '',
      env: [{ key: 'LOG_LEVEL', value: 'INFO' }],
      imageName: 'runpod/flash:1.19.0',
      name: 'gpu_worker__7f3a9c',
      readme: '',
    });
    const { template: _inline, ...rest } = flashEndpointPayload(made.env, made.volume);
    const update = { ...rest, id: made.endpoint, templateId: made.template, workersMax: 5 };
    const updated = (await data('saveEndpoint', { input: update })).saveEndpoint as Json;
    expect(updated).toMatchObject({
      id: made.endpoint,
      templateId: made.template,
      workersMax: 5,
      version: 1,
    });
    const saved = await data('saveTemplate', {
      input: {
        name: 'gpu_worker__7f3a9c',
        imageName: 'runpod/flash:1.19.0',
        containerDiskInGb: 64,
        dockerArgs: '',
        env: [{ key: 'LOG_LEVEL', value: 'DEBUG' }],
        volumeInGb: 0,
        id: made.template,
      },
    });
    expect(saved.saveTemplate).toMatchObject({
      id: made.template,
      env: [{ key: 'LOG_LEVEL', value: 'DEBUG' }],
    });
  });

  it('deploys the build to the environment, with a link to its artifact', async () => {
    const deployed = (
      await data('deployBuildToEnvironment', {
        input: { flashEnvironmentId: made.env, flashBuildId: made.build },
      })
    ).deployBuildToEnvironment as { id: string; name: string; activeArtifact: Json };
    expect(deployed).toMatchObject({ id: made.env, name: 'production' });
    expect(deployed.activeArtifact).toEqual({
      objectKey: made.objectKey,
      downloadUrl: expect.any(String),
      expiresAt: expect.stringMatching(ISO),
    });
    const download = new URL(deployed.activeArtifact.downloadUrl as string);
    const fetched = await cloud.app.inject({ method: 'GET', url: `${download.pathname}${download.search}` });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.rawPayload.toString()).toBe('\x1f\x8b flash build artifact');
    // the signature is the credential: a changed one, or the same link for another key, opens nothing
    const forged = new URL(download);
    forged.searchParams.set('signature', '0'.repeat(64));
    const other = `/download/${encodeURIComponent('artifacts/other.tar.gz')}${download.search}`;
    for (const url of [`${forged.pathname}${forged.search}`, other]) {
      const refused = await cloud.app.inject({ method: 'GET', url });
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ error: { code: 'DOWNLOAD_URL_INVALID' } });
    }
  });

  it('reads the environment, the app and the account after the deploy', async () => {
    const env = await data('getFlashEnvironment', { flashEnvironmentId: made.env });
    expect(env.flashEnvironment).toEqual({
      id: made.env,
      name: 'production',
      state: 'DEPLOYED',
      activeBuildId: made.build,
      createdAt: expect.stringMatching(ISO),
      endpoints: [{ id: made.endpoint, name: 'ops-app-production-gpu_worker' }],
      networkVolumes: [{ id: made.volume, name: 'models' }],
    });
    const app = await data('getFlashApp', { input: made.app });
    expect(app.flashApp).toEqual({
      id: made.app,
      name: 'ops-app',
      flashEnvironments: [{ id: made.env, name: 'production', state: 'DEPLOYED' }],
      flashBuilds: [{ id: made.build, objectKey: made.objectKey, createdAt: expect.stringMatching(ISO) }],
    });
    const apps = await data('getFlashApps');
    expect(apps.myself).toEqual({
      flashApps: [
        {
          id: made.app,
          name: 'ops-app',
          flashEnvironments: [
            {
              id: made.env,
              name: 'production',
              state: 'DEPLOYED',
              createdAt: expect.stringMatching(ISO),
              activeBuildId: made.build,
            },
          ],
          flashBuilds: [{ id: made.build, createdAt: expect.stringMatching(ISO) }],
        },
      ],
    });
  });

  it('lists the app builds and environments by app id', async () => {
    const builds = await data('listFlashBuilds', { flashAppId: made.app });
    expect(builds.flashApp).toEqual({
      flashBuilds: [{ id: made.build, objectKey: made.objectKey, createdAt: expect.stringMatching(ISO) }],
    });
    const envs = await data('listFlashEnvironments', { flashAppId: made.app });
    expect(envs.flashApp).toEqual({
      flashEnvironments: [
        {
          id: made.env,
          name: 'production',
          state: 'DEPLOYED',
          activeBuildId: made.build,
          createdAt: expect.stringMatching(ISO),
        },
      ],
    });
  });

  it('deletes the endpoint, the environment and the app, each answering null', async () => {
    expect(await data('deleteEndpoint', { id: made.endpoint })).toEqual({ deleteEndpoint: null });
    expect((await data('getEndpoint', { id: made.endpoint })).myself).toEqual({ endpoint: null });
    expect(await data('deleteFlashEnvironment', { flashEnvironmentId: made.env })).toEqual({
      deleteFlashEnvironment: null,
    });
    expect((await data('listFlashEnvironments', { flashAppId: made.app })).flashApp).toEqual({
      flashEnvironments: [],
    });
    expect(await data('deleteFlashApp', { flashAppId: made.app })).toEqual({ deleteFlashApp: null });
    const gone = await ask('getFlashAppByName', { flashAppName: 'ops-app' });
    expect(gone.errors?.[0]?.message).toContain('app not found');
  });

  it('sent every operation on the list', () => {
    expect([...sent].sort()).toEqual([...FLASH_119_OPERATIONS].sort());
  });
});

/**
 * A `saveEndpoint` input as Flash 1.19 builds it for a GPU queue endpoint: the model's fields with
 * input-only ones left out, its defaults (idleTimeout 60, minCudaVersion 12.8, FlashBoot on) and an
 * inline template whose name carries the resource's hash.
 */
function flashEndpointPayload(environmentId: string, volumeId: string): Json {
  return {
    executionTimeoutMs: 0,
    gpuCount: 1,
    idleTimeout: 60,
    minCudaVersion: '12.8',
    locations: 'EU-RO-1',
    name: 'ops-app-production-gpu_worker',
    networkVolumeId: volumeId,
    flashEnvironmentId: environmentId,
    scalerType: 'QUEUE_DELAY',
    scalerValue: 4,
    type: 'QB',
    workersMax: 3,
    workersMin: 0,
    workersPFBTarget: 0,
    allowedCudaVersions: '',
    gpuIds: 'ADA_24',
    flashBootType: 'FLASHBOOT',
    template: {
      advancedStart: false,
      config: {},
      containerDiskInGb: 64,
      containerRegistryAuthId: '',
      dockerArgs: '',
      env: [{ key: 'LOG_LEVEL', value: 'INFO' }],
      imageName: 'runpod/flash:1.19.0',
      name: 'gpu_worker__7f3a9c',
      ports: '',
      startScript: '',
    },
  };
}
