import { createCloud, type Cloud } from '../../emulator/cloud-app';
import { tempDir } from '../support/ledger-processes';

type Answer = { data: Record<string, unknown> | null; errors?: { message: string }[] };

// The queries Flash sends before deploying (docs/RUNPOD.md, "Capacity").
const GPU = `query gpu($ids: [String], $dc: String, $n: Int) { gpuTypes(input: { ids: $ids }) { id displayName memoryInGb
  lowestPrice(input: { dataCenterId: $dc, gpuCount: $n, secureCloud: true, includeAiApi: true, allowedCudaVersions: [], compliance: [] }) {
    stockStatus minimumBidPrice uncoveredPrice } } }`;
const CPU = `query cpu($f: String, $dc: String, $i: String) { cpuFlavors(input: { id: $f }) { id displayName
  specifics(input: { dataCenterId: $dc, instanceId: $i }) { stockStatus } } }`;

describe('the local cloud answers the capacity queries', () => {
  let cloud: Cloud;

  beforeAll(async () => {
    cloud = await createCloud({ home: tempDir('flash-cloud-'), faults: true });
  });
  afterAll(async () => {
    await cloud?.close();
  });
  afterEach(async () => {
    await cloud.app.inject({ method: 'POST', url: '/admin/faults', headers: auth(), payload: {} });
  });

  const auth = () => ({ authorization: `Bearer ${cloud.apiKey}`, 'content-type': 'application/json' });
  const ask = async (query: string, variables: Record<string, unknown>): Promise<Answer> =>
    (
      await cloud.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: auth(),
        payload: { query, variables },
      })
    ).json<Answer>();

  it('names a GPU type with its memory and stock in a data center it serves', async () => {
    const answer = await ask(GPU, { ids: ['NVIDIA GeForce RTX 4090'], dc: 'EU-RO-1', n: 1 });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.gpuTypes).toEqual([
      {
        id: 'NVIDIA GeForce RTX 4090',
        displayName: 'RTX 4090',
        memoryInGb: 24,
        lowestPrice: {
          stockStatus: 'High',
          minimumBidPrice: expect.any(Number),
          uncoveredPrice: expect.any(Number),
        },
      },
    ]);
  });

  it('reads lower stock for many GPUs, and none in a data center it does not know', async () => {
    const many = await ask(GPU, { ids: ['NVIDIA H200'], dc: 'US-KS-2', n: 8 });
    expect(many.data?.gpuTypes).toMatchObject([{ lowestPrice: { stockStatus: 'Low' } }]);
    const nowhere = await ask(GPU, { ids: ['NVIDIA H200'], dc: 'AP-JP-1', n: 1 });
    expect(nowhere.data?.gpuTypes).toMatchObject([
      { lowestPrice: { stockStatus: null, uncoveredPrice: null } },
    ]);
  });

  it('takes a pool out of stock in one data center when a test says so', async () => {
    const set = await cloud.app.inject({
      method: 'POST',
      url: '/admin/faults',
      headers: auth(),
      payload: { outOfStock: [{ id: 'ADA_24', dataCenterId: 'EU-RO-1' }] },
    });
    expect(set.json()).toMatchObject({ outOfStock: [{ id: 'ADA_24', dataCenterId: 'EU-RO-1' }] });
    const ro = await ask(GPU, { ids: ['NVIDIA GeForce RTX 4090', 'NVIDIA L4'], dc: 'EU-RO-1', n: 1 });
    expect(ro.data?.gpuTypes).toMatchObject([
      { id: 'NVIDIA GeForce RTX 4090', lowestPrice: { stockStatus: null } },
      { id: 'NVIDIA L4', lowestPrice: { stockStatus: 'High' } },
    ]);
    const ks = await ask(GPU, { ids: ['NVIDIA GeForce RTX 4090'], dc: 'US-KS-2', n: 1 });
    expect(ks.data?.gpuTypes).toMatchObject([{ lowestPrice: { stockStatus: 'High' } }]);
  });

  it('has CPU stock only in EU-RO-1, and none once a test takes the flavour away', async () => {
    const ro = await ask(CPU, { f: 'cpu3c', dc: 'EU-RO-1', i: 'cpu3c-2-4' });
    expect(ro.errors).toBeUndefined();
    expect(ro.data?.cpuFlavors).toEqual([
      { id: 'cpu3c', displayName: '3rd Gen Compute-Optimized', specifics: { stockStatus: 'High' } },
    ]);
    const ks = await ask(CPU, { f: 'cpu3c', dc: 'US-KS-2', i: 'cpu3c-2-4' });
    expect(ks.data?.cpuFlavors).toMatchObject([{ specifics: { stockStatus: null } }]);
    await cloud.app.inject({
      method: 'POST',
      url: '/admin/faults',
      headers: auth(),
      payload: { outOfStock: [{ id: 'cpu3c' }] },
    });
    const gone = await ask(CPU, { f: 'cpu3c', dc: 'EU-RO-1', i: 'cpu3c-2-4' });
    expect(gone.data?.cpuFlavors).toMatchObject([{ specifics: { stockStatus: null } }]);
  });
});
