import { MockAgent } from 'undici';
import { GraphqlClient } from '../../src/adapters/runpod/graphql-client';
import { RunpodControlPlane } from '../../src/adapters/runpod/runpod-control-plane';
import { warnUnavailable } from '../../src/ledger/availability';
import type { Progress } from '../../src/ledger/progress';
import { manifestSchema } from '../../worker/contract/manifest';

function resource(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    resource_type: 'ServerlessEndpoint',
    file_path: 'workers.ts',
    local_path_prefix: '/workers',
    module_path: 'workers',
    config_variable: 'echo',
    functions: [],
    is_load_balanced: false,
    is_live_resource: false,
    workersMin: 0,
    workersMax: 1,
    idleTimeout: 5,
    scalerType: 'QUEUE_DELAY',
    scalerValue: 4,
    config_hash: 'h',
    ...fields,
  };
}

// Passed through the production schema, as a manifest read back from a build would be.
const manifest = manifestSchema.parse({
  version: '1.0',
  generated_at: '2026-01-01T00:00:00.000Z',
  project_name: 'stock',
  node_version: '22',
  resources: {
    echo: resource({ gpuIds: 'AMPERE_24,-NVIDIA L4', gpuCount: 1, locations: 'EU-RO-1' }),
    roaming: resource({ gpuIds: 'ADA_24', gpuCount: 1 }),
  },
  function_registry: {},
  source_fingerprint: 'f',
  bundle: 'bundle.js',
});

function recorder(): { progress: Progress; lines: string[] } {
  const lines: string[] = [];
  const progress: Progress = {
    step: () => undefined,
    line: (t) => lines.push(t),
    done: () => undefined,
    fail: () => undefined,
  };
  return { progress, lines };
}

function control(mock: MockAgent): RunpodControlPlane {
  return new RunpodControlPlane(
    new GraphqlClient({ baseUrl: 'http://runpod.test', apiKey: 'k', dispatcher: mock, backoffMs: 1 }),
  );
}

describe('warning before a deploy when the chosen hardware has no stock', () => {
  it("warns when none of a pinned resource's GPU types has stock, and leaves unpinned ones alone", async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock
      .get('http://runpod.test')
      .intercept({ path: '/graphql', method: 'POST' })
      .reply(200, {
        data: {
          gpuTypes: [
            { id: 'NVIDIA RTX A5000', lowestPrice: { stockStatus: null } },
            { id: 'NVIDIA GeForce RTX 3090', lowestPrice: null },
          ],
        },
      });
    const { progress, lines } = recorder();
    await warnUnavailable(control(mock), manifest, progress);
    expect(lines).toEqual([
      expect.stringMatching(/^WARNING: echo: no stock for AMPERE_24,-NVIDIA L4 in EU-RO-1; deploying anyway/),
    ]);
    mock.assertNoPendingInterceptors();
  });

  it('says so, and goes on, when the availability query fails', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock
      .get('http://runpod.test')
      .intercept({ path: '/graphql', method: 'POST' })
      .reply(200, { data: null, errors: [{ message: 'Cannot query field "gpuTypes"' }] });
    const { progress, lines } = recorder();
    await expect(warnUnavailable(control(mock), manifest, progress)).resolves.toBeUndefined();
    expect(lines).toEqual([expect.stringMatching(/^could not check the availability of echo: /)]);
    mock.assertNoPendingInterceptors();
  });
});
