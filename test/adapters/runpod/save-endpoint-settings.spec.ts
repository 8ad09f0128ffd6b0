import { MockAgent } from 'undici';
import { endpointSpec } from '../../../src/adapters/runpod/endpoint-spec';
import { GraphqlClient } from '../../../src/adapters/runpod/graphql-client';
import { RunpodControlPlane } from '../../../src/adapters/runpod/runpod-control-plane';
import { manifestResourceSchema } from '../../../worker/contract/manifest';

// What saveEndpoint sends RunPod for each endpoint setting; the local cloud's side runs in the e2e suites.
const base = {
  resource_type: 'ServerlessEndpoint',
  file_path: 'w.ts',
  local_path_prefix: '/w',
  module_path: 'w',
  config_variable: 'w',
  functions: [],
  is_load_balanced: false,
  is_live_resource: false,
  makes_remote_calls: false,
  gpuIds: 'ADA_24',
  gpuCount: 1,
  workersMin: 0,
  workersMax: 3,
  idleTimeout: 60,
  scalerType: 'QUEUE_DELAY',
  scalerValue: 4,
  template: { containerDiskInGb: 64 },
  config_hash: 'sha256:x',
};

async function sentInput(resource: Record<string, unknown>): Promise<Record<string, unknown>> {
  const mock = new MockAgent();
  mock.disableNetConnect();
  let body = '';
  mock
    .get('https://api.runpod.test')
    .intercept({
      path: '/graphql',
      method: 'POST',
      body: (b) => {
        body = b;
        return true;
      },
    })
    .reply(200, { data: { saveEndpoint: { id: 'ep-1', name: 'w' } } });
  const control = new RunpodControlPlane(
    new GraphqlClient({ baseUrl: 'https://api.runpod.test', apiKey: 'k', dispatcher: mock, backoffMs: 1 }),
  );
  const { spec } = endpointSpec({
    app: 'a',
    environment: 'prod',
    environmentId: 'env-1',
    resourceName: 'w',
    resource: manifestResourceSchema.parse(resource),
    sourceFingerprint: 'f',
    image: 'img',
  });
  await control.saveEndpoint(spec);
  mock.assertNoPendingInterceptors();
  const parsed = JSON.parse(body) as { variables: { i: Record<string, unknown> } };
  return parsed.variables.i;
}

describe('saveEndpoint input for endpoint settings', () => {
  it('sends Flash’s defaults when nothing is set: no timeout (0), FlashBoot on, QUEUE_DELAY 4', async () => {
    const input = await sentInput(base);
    expect(input).toMatchObject({
      executionTimeoutMs: 0,
      flashBootType: 'FLASHBOOT',
      scalerType: 'QUEUE_DELAY',
      scalerValue: 4,
      template: expect.objectContaining({ containerDiskInGb: 64 }),
    });
    expect(input).not.toHaveProperty('minCudaVersion');
    expect(input).not.toHaveProperty('locations');
  });

  it('sends each setting under the field name Flash uses', async () => {
    const input = await sentInput({
      ...base,
      executionTimeoutMs: 30_000,
      flashboot: false,
      scalerType: 'REQUEST_COUNT',
      scalerValue: 2,
      minCudaVersion: '12.8',
      locations: 'US-KS-2,EU-RO-1',
      workersMin: 1,
      workersMax: 5,
      template: { containerDiskInGb: 120 },
    });
    expect(input).toMatchObject({
      executionTimeoutMs: 30_000,
      flashBootType: 'OFF',
      scalerType: 'REQUEST_COUNT',
      scalerValue: 2,
      minCudaVersion: '12.8',
      locations: 'US-KS-2,EU-RO-1',
      workersMin: 1,
      workersMax: 5,
      template: expect.objectContaining({ containerDiskInGb: 120 }),
    });
  });

  it('leaves minCudaVersion off a CPU endpoint', async () => {
    const { gpuIds: _g, gpuCount: _c, ...cpu } = base;
    const input = await sentInput({
      ...cpu,
      resource_type: 'CpuServerlessEndpoint',
      instanceIds: ['cpu3c-1-2'],
      minCudaVersion: '12.8',
    });
    expect(input).not.toHaveProperty('minCudaVersion');
    expect(input).toMatchObject({ instanceIds: ['cpu3c-1-2'] });
  });
});
