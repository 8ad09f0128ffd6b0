import { MockAgent } from 'undici';
import {
  deleteFlashApp,
  deleteFlashEnvironment,
  listFlashApps,
} from '../../../src/adapters/runpod/flash-apps';
import { GraphqlClient } from '../../../src/adapters/runpod/graphql-client';
import { RunpodControlPlane } from '../../../src/adapters/runpod/runpod-control-plane';

// RunPod's answers to the Flash app operations `flash app` and `flash env` use, in the shapes the contract
// documents; the local cloud's side runs in test/cli/apps.e2e.spec.ts.
function controlAnswering(answer: Record<string, unknown>): {
  control: RunpodControlPlane;
  sent: () => { query: string; variables: Record<string, unknown> };
  mock: MockAgent;
} {
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
    .reply(200, answer);
  const control = new RunpodControlPlane(
    new GraphqlClient({ baseUrl: 'https://api.runpod.test', apiKey: 'k', dispatcher: mock, backoffMs: 1 }),
  );
  return {
    control,
    mock,
    sent: () => JSON.parse(body) as { query: string; variables: Record<string, unknown> },
  };
}

describe('the Flash app operations of the RunPod adapter', () => {
  it('lists the apps with their environments, filling what RunPod leaves out with null', async () => {
    const { control, mock, sent } = controlAnswering({
      data: {
        myself: {
          flashApps: [
            {
              id: 'app-1',
              name: 'fleet',
              flashEnvironments: [{ id: 'env-1', name: 'main', state: 'DEPLOYED', activeBuildId: 'b-1' }],
            },
            { id: 'app-2', name: 'empty', flashEnvironments: null },
          ],
        },
      },
    });
    expect(await listFlashApps(control)).toEqual([
      {
        id: 'app-1',
        name: 'fleet',
        environments: [
          { id: 'env-1', name: 'main', state: 'DEPLOYED', activeBuildId: 'b-1', createdAt: null },
        ],
      },
      { id: 'app-2', name: 'empty', environments: [] },
    ]);
    expect(sent().query).toContain('myself { flashApps');
    mock.assertNoPendingInterceptors();
  });

  it('refuses an answer in another shape with RUNPOD_BAD_RESPONSE', async () => {
    const { control } = controlAnswering({ data: { myself: { flashApps: [{ id: 1 }] } } });
    await expect(listFlashApps(control)).rejects.toMatchObject({ code: 'RUNPOD_BAD_RESPONSE' });
  });

  it('deletes an environment and an app by id, and counts "not found" as deleted', async () => {
    const env = controlAnswering({ data: { deleteFlashEnvironment: null } });
    await deleteFlashEnvironment(env.control, 'env-1');
    expect(env.sent()).toMatchObject({ variables: { id: 'env-1' } });
    expect(env.sent().query).toContain('deleteFlashEnvironment(flashEnvironmentId: $id)');

    const gone = controlAnswering({ data: null, errors: [{ message: 'app not found: app-1' }] });
    await expect(deleteFlashApp(gone.control, 'app-1')).resolves.toBeUndefined();
    expect(gone.sent().query).toContain('deleteFlashApp(flashAppId: $id)');

    const refused = controlAnswering({ data: null, errors: [{ message: 'permission denied' }] });
    await expect(deleteFlashApp(refused.control, 'app-1')).rejects.toMatchObject({ code: 'RUNPOD_REJECTED' });
  });
});
