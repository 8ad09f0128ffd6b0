import { createCloud, type Cloud } from '../../emulator/cloud-app';
import { tempDir } from '../support/ledger-processes';

type Answer = { data: { saveEndpoint: { id: string } | null } | null; errors?: { message: string }[] };

const SAVE = `mutation save($input: EndpointInput!) { saveEndpoint(input: $input) { id name gpuIds gpuCount workersMax } }`;

describe('saveEndpoint takes only what RunPod accepts', () => {
  let cloud: Cloud;

  beforeAll(async () => {
    cloud = await createCloud({ home: tempDir('flash-cloud-') });
  });
  afterAll(async () => {
    await cloud?.close();
  });

  const save = async (input: Record<string, unknown>): Promise<Answer> => {
    const res = await cloud.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { authorization: `Bearer ${cloud.apiKey}`, 'content-type': 'application/json' },
      payload: { query: SAVE, variables: { input } },
    });
    return res.json<Answer>();
  };
  const gpu = (over: Record<string, unknown>) => ({
    name: 'gpu-worker',
    gpuIds: 'ADA_24,AMPERE_24,-NVIDIA GeForce RTX 3090',
    gpuCount: 1,
    workersMin: 0,
    workersMax: 3,
    idleTimeout: 60,
    scalerType: 'QUEUE_DELAY',
    scalerValue: 4,
    minCudaVersion: '12.8',
    allowedCudaVersions: '',
    executionTimeoutMs: 0,
    flashBootType: 'FLASHBOOT',
    locations: 'EU-RO-1,US-KS-2',
    template: { name: 't', imageName: 'runpod/flash:py3.12-latest', containerDiskInGb: 64, env: [] },
    ...over,
  });

  it("accepts Flash's own payloads, GPU and CPU", async () => {
    const ok = await save(gpu({}));
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.saveEndpoint).toMatchObject({ name: 'gpu-worker', gpuCount: 1, workersMax: 3 });
    const any = await save(gpu({ gpuIds: 'ANY' }));
    expect(any.errors).toBeUndefined();
    const cpu = await save({
      name: 'cpu-worker',
      type: 'LB',
      instanceIds: ['cpu3g-2-8'],
      workersMin: 0,
      workersMax: 1,
      scalerType: 'REQUEST_COUNT',
      scalerValue: 4,
      template: { name: 'c', imageName: 'x', containerDiskInGb: 20, env: [{ key: 'A', value: 'b' }] },
    });
    expect(cpu.errors).toBeUndefined();
  });

  it.each([
    ['gpuCount', { gpuCount: -5 }],
    ['gpuCount', { gpuCount: 0 }],
    ['gpuCount', { gpuCount: 9 }],
    ['scalerValue', { scalerValue: -1 }],
    ['scalerValue', { scalerValue: 0 }],
    ['workersMax', { workersMax: 2147483647 }],
    ['workersMax', { workersMax: 101 }],
    ['workersMin', { workersMin: -1 }],
    ['workersPFBTarget', { workersPFBTarget: -3 }],
    ['idleTimeout', { idleTimeout: 0 }],
    ['executionTimeoutMs', { executionTimeoutMs: -1 }],
    ['name', { name: '' }],
    ['name', { name: 'x'.repeat(192) }],
    ['name', { name: 'x'.repeat(1024 * 1024) }],
    ['gpuIds', { gpuIds: 'NO_SUCH_POOL' }],
    ['gpuIds', { gpuIds: 'ADA_24,HOPPER_999' }],
    ['gpuIds', { gpuIds: '-NVIDIA GeForce RTX 3090' }],
    ['instanceIds', { gpuIds: null, instanceIds: ['cpu9z-1-2'] }],
    ['minCudaVersion', { minCudaVersion: '99.9' }],
    ['flashBootType', { flashBootType: 'TURBO' }],
    ['type', { type: 'XL' }],
    ['scalerType', { scalerType: 'CPU_LOAD' }],
    [
      'template.containerDiskInGb',
      { template: { name: 't', imageName: 'x', containerDiskInGb: -1, env: [] } },
    ],
    ['template.imageName', { template: { name: 't', imageName: 'x'.repeat(100_000), env: [] } }],
  ])('refuses %s out of bounds with a coded GraphQL error, and saves nothing', async (field, over) => {
    const count = async () =>
      (
        await cloud.app.inject({
          method: 'POST',
          url: '/graphql',
          headers: { authorization: `Bearer ${cloud.apiKey}` },
          payload: { query: '{ myself { endpoints { id } } }' },
        })
      ).json<{ data: { myself: { endpoints: unknown[] } } }>().data.myself.endpoints.length;
    const had = await count();
    const answer = await save(gpu(over));
    expect(answer.data?.saveEndpoint ?? null).toBeNull();
    expect(answer.errors?.[0]?.message).toMatch(/^ENDPOINT_INPUT_INVALID: /);
    expect(answer.errors?.[0]?.message).toContain(field);
    expect(answer.errors?.[0]?.message.length).toBeLessThan(1000);
    expect(await count()).toBe(had);
  });
});
