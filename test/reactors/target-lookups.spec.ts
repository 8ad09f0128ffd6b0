import { MockAgent } from 'undici';
import { deployTarget } from '../../src/adapters/runpod/deploy-target';
import { TargetLookups } from '../../src/reactors/target-lookups';

// Where a deploy creates a network volume: the data center the manifest names, else the target's default.
function runpod(mock: MockAgent) {
  return deployTarget({
    kind: 'runpod',
    url: 'https://api.runpod.test',
    restUrl: 'https://rest.runpod.test/v1',
    apiKey: 'k',
    dispatcher: mock,
    backoffMs: 1,
  });
}

/** The POST matches only with exactly this body: a volume created elsewhere finds no answer and fails. */
function expectVolumeCreated(mock: MockAgent, body: Record<string, unknown>, id: string): void {
  const rest = mock.get('https://rest.runpod.test');
  rest.intercept({ path: '/v1/networkvolumes', method: 'GET' }).reply(200, []);
  rest
    .intercept({
      path: '/v1/networkvolumes',
      method: 'POST',
      body: (b) => JSON.stringify(JSON.parse(b)) === JSON.stringify(body),
    })
    .reply(200, { id, name: 'models', size: 50 });
}

describe('network volume lookups', () => {
  it("creates a volume in the data center its endpoint's manifest names", async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    expectVolumeCreated(mock, { name: 'models', size: 50, dataCenterId: 'US-KS-2' }, 'vol-ks');
    const id = await new TargetLookups(runpod(mock)).volume('d1', 'models', 50, 'US-KS-2');
    expect(id).toBe('vol-ks');
    mock.assertNoPendingInterceptors();
  });

  it('creates it in EU-RO-1 when the manifest names none', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    expectVolumeCreated(mock, { name: 'models', size: 50, dataCenterId: 'EU-RO-1' }, 'vol-ro');
    expect(await new TargetLookups(runpod(mock)).volume('d1', 'models', 50)).toBe('vol-ro');
    mock.assertNoPendingInterceptors();
  });
});
