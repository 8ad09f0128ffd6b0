import { MockAgent } from 'undici';
import { GraphqlClient } from '../../../src/adapters/runpod/graphql-client';
import { RunpodControlPlane } from '../../../src/adapters/runpod/runpod-control-plane';

// RunPod's own answers (capitalised stock, null where a data center has none); the local cloud's run in
// test/emulator/capacity.int.spec.ts.
function setup(): { mock: MockAgent; control: RunpodControlPlane; bodies: Record<string, unknown>[] } {
  const mock = new MockAgent();
  mock.disableNetConnect();
  const bodies: Record<string, unknown>[] = [];
  const graphql = new GraphqlClient({
    baseUrl: 'http://runpod.test',
    apiKey: 'k',
    dispatcher: mock,
    backoffMs: 1,
  });
  return { mock, control: new RunpodControlPlane(graphql), bodies };
}

// Records each request body as it is answered (a body matcher may run more than once per request).
const answer =
  (bodies: Record<string, unknown>[], data: object) =>
  (opts: { body?: unknown }): { statusCode: number; data: object } => {
    bodies.push(JSON.parse(String(opts.body)) as Record<string, unknown>);
    return { statusCode: 200, data };
  };

describe('asking RunPod for capacity', () => {
  it('asks gpuTypes once per data center, with the GPU count, and reads each type', async () => {
    const { mock, control, bodies } = setup();
    const pool = mock.get('http://runpod.test');
    pool.intercept({ path: '/graphql', method: 'POST' }).reply(
      answer(bodies, {
        data: {
          gpuTypes: [
            { id: 'NVIDIA RTX A5000', lowestPrice: { stockStatus: 'Low' } },
            { id: 'NVIDIA L4', lowestPrice: { stockStatus: null } },
          ],
        },
      }),
    );
    pool
      .intercept({ path: '/graphql', method: 'POST' })
      .reply(answer(bodies, { data: { gpuTypes: [{ id: 'NVIDIA RTX A5000', lowestPrice: null }] } }));
    const stock = await control.availability({
      kind: 'gpu',
      gpuTypeIds: ['NVIDIA RTX A5000', 'NVIDIA L4'],
      gpuCount: 2,
      dataCenterIds: ['EU-RO-1', 'US-KS-2'],
    });
    expect(stock).toEqual([
      { id: 'NVIDIA RTX A5000', dataCenterId: 'EU-RO-1', stockStatus: 'Low', inStock: true },
      { id: 'NVIDIA L4', dataCenterId: 'EU-RO-1', stockStatus: null, inStock: false },
      { id: 'NVIDIA RTX A5000', dataCenterId: 'US-KS-2', stockStatus: null, inStock: false },
      { id: 'NVIDIA L4', dataCenterId: 'US-KS-2', stockStatus: null, inStock: false },
    ]);
    expect(bodies.map((b) => b.variables)).toEqual([
      { ids: ['NVIDIA RTX A5000', 'NVIDIA L4'], dc: 'EU-RO-1', n: 2 },
      { ids: ['NVIDIA RTX A5000', 'NVIDIA L4'], dc: 'US-KS-2', n: 2 },
    ]);
    expect(String(bodies[0]?.query)).toMatch(/secureCloud: true, includeAiApi: true/);
    mock.assertNoPendingInterceptors();
  });

  it("asks cpuFlavors by the instance's family and counts any stock level as available", async () => {
    const { mock, control, bodies } = setup();
    mock
      .get('http://runpod.test')
      .intercept({ path: '/graphql', method: 'POST' })
      .reply(
        answer(bodies, { data: { cpuFlavors: [{ id: 'cpu3c', specifics: { stockStatus: 'MEDIUM' } }] } }),
      );
    const stock = await control.availability({
      kind: 'cpu',
      instanceIds: ['cpu3c-2-4'],
      dataCenterIds: ['EU-RO-1'],
    });
    expect(stock).toEqual([
      { id: 'cpu3c-2-4', dataCenterId: 'EU-RO-1', stockStatus: 'MEDIUM', inStock: true },
    ]);
    expect(bodies[0]?.variables).toEqual({ f: 'cpu3c', dc: 'EU-RO-1', i: 'cpu3c-2-4' });
    mock.assertNoPendingInterceptors();
  });

  it('refuses an answer in an unexpected shape with RUNPOD_BAD_RESPONSE', async () => {
    const { mock, control } = setup();
    mock
      .get('http://runpod.test')
      .intercept({ path: '/graphql', method: 'POST' })
      .reply(200, { data: { gpuTypes: { id: 'not a list' } } });
    await expect(
      control.availability({
        kind: 'gpu',
        gpuTypeIds: ['NVIDIA L4'],
        gpuCount: 1,
        dataCenterIds: ['EU-RO-1'],
      }),
    ).rejects.toMatchObject({ code: 'RUNPOD_BAD_RESPONSE' });
    mock.assertNoPendingInterceptors();
  });
});
