import { MockAgent } from 'undici';
import { GraphqlClient } from '../../../src/adapters/runpod/graphql-client';
import { RunpodControlPlane } from '../../../src/adapters/runpod/runpod-control-plane';
import { readResourcesEndpoints } from '../../../worker/runtime/state-manager-reader';

// One State Manager read (worker/contract/state-manager-read), used by the deployer and by a worker.
function agent(): MockAgent {
  const mock = new MockAgent();
  mock.disableNetConnect();
  return mock;
}

const environment = { data: { flashEnvironment: { id: 'env1', activeBuildId: 'b1' } } };
const build = {
  data: { flashBuild: { id: 'b1', manifest: { resources_endpoints: { gpu: 'http://x/v2/a' } } } },
};

function answers(mock: MockAgent, ...bodies: [number, object][]): void {
  const pool = mock.get('http://runpod.test');
  for (const [status, body] of bodies)
    pool
      .intercept({ path: '/graphql', method: 'POST', headers: { authorization: 'Bearer k' } })
      .reply(status, body);
}

describe('the State Manager read', () => {
  it("gives the deployer the active build's manifest, retrying a query answered 503", async () => {
    const mock = agent();
    answers(mock, [200, environment], [503, {}], [200, build]);
    const control = new RunpodControlPlane(
      new GraphqlClient({ baseUrl: 'http://runpod.test', apiKey: 'k', dispatcher: mock, backoffMs: 1 }),
    );
    expect(await control.readManifest('env1')).toEqual({
      buildId: 'b1',
      manifest: { resources_endpoints: { gpu: 'http://x/v2/a' } },
    });
    mock.assertNoPendingInterceptors();
  });

  it('tells the deployer when the environment has no active build, and maps a bad shape', async () => {
    const mock = agent();
    answers(mock, [200, { data: { flashEnvironment: { id: 'env1', activeBuildId: null } } }]);
    answers(mock, [200, { data: { flashEnvironment: { id: 7 } } }]);
    const control = new RunpodControlPlane(
      new GraphqlClient({ baseUrl: 'http://runpod.test', apiKey: 'k', dispatcher: mock, backoffMs: 1 }),
    );
    expect(await control.readManifest('env1')).toBeUndefined();
    await expect(control.readManifest('env1')).rejects.toMatchObject({ code: 'RUNPOD_BAD_RESPONSE' });
    mock.assertNoPendingInterceptors();
  });

  const read = (mock: MockAgent) =>
    readResourcesEndpoints({
      graphqlUrl: 'http://runpod.test/graphql',
      apiKey: 'k',
      environmentId: 'env1',
      dispatcher: mock,
    });

  it("gives a worker its peers' URLs", async () => {
    const mock = agent();
    answers(mock, [200, environment], [200, build]);
    expect(await read(mock)).toEqual({ gpu: 'http://x/v2/a' });
    mock.assertNoPendingInterceptors();
  });

  const failures: [[number, object], string][] = [
    [[401, {}], 'refused RUNPOD_API_KEY (401)'],
    [[503, {}], 'answered 503'],
    [[200, { data: null, errors: [{ message: 'try again later' }] }], 'try again later'],
    [[200, { data: { flashEnvironment: null } }], 'environment env1 has no active build yet'],
  ];

  it.each(failures)(
    'tells a worker why it could not read (%j), without retrying',
    async (answer, message) => {
      const mock = agent();
      answers(mock, answer);
      await expect(read(mock)).rejects.toMatchObject({
        name: 'StateManagerUnavailable',
        message: expect.stringContaining(message),
      });
      mock.assertNoPendingInterceptors();
    },
  );

  it('tells a worker when the State Manager does not answer', async () => {
    const mock = agent();
    mock
      .get('http://runpod.test')
      .intercept({ path: '/graphql', method: 'POST' })
      .replyWithError(Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' }));
    await expect(read(mock)).rejects.toThrow(
      'the State Manager at http://runpod.test/graphql did not answer (connect refused)',
    );
  });
});
