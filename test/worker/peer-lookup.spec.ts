import { peerLookupFrom, RUNPOD_API_BASE_URL } from '../../worker/runtime/peer-lookup';
import { createRuntime } from '../../worker/runtime/flash-runtime';
import { PeerUnavailable } from '../../worker/runtime/service-registry';
import type { Manifest } from '../../worker/contract/manifest';

/** What RunPod sets on a serverless worker, plus the template env a deploy gives a caller: nothing of the local cloud. */
const RUNPOD_ONLY = {
  RUNPOD_ENDPOINT_ID: 'ep1',
  RUNPOD_POD_ID: 'pod1',
  RUNPOD_AI_API_KEY: 'ai-key',
  RUNPOD_WEBHOOK_GET_JOB: 'https://api.runpod.ai/v2/ep1/job-take/$RUNPOD_POD_ID',
  RUNPOD_API_KEY: 'deployer-key',
  FLASH_ENVIRONMENT_ID: 'env-1',
};

describe("a worker's peer lookup", () => {
  it("needs only RunPod's variables: the API base defaults to RunPod's public one", () => {
    expect(peerLookupFrom(RUNPOD_ONLY)).toEqual({
      ok: true,
      graphqlUrl: `${RUNPOD_API_BASE_URL}/graphql`,
      apiKey: 'deployer-key',
      environmentId: 'env-1',
    });
  });

  it('follows RUNPOD_API_BASE_URL when it is set (the local cloud sets it to itself)', () => {
    const lookup = peerLookupFrom({ ...RUNPOD_ONLY, RUNPOD_API_BASE_URL: 'http://127.0.0.1:7711/' });
    expect(lookup).toMatchObject({ ok: true, graphqlUrl: 'http://127.0.0.1:7711/graphql' });
  });

  it('without the key, says the build found no remote calls', () => {
    const { RUNPOD_API_KEY: _key, ...env } = RUNPOD_ONLY;
    expect(peerLookupFrom(env)).toMatchObject({ ok: false, code: 'REMOTE_CALLS_NOT_ALLOWED' });
  });

  it('with the key but no environment id, names the missing variable instead of blaming the key', () => {
    const { FLASH_ENVIRONMENT_ID: _id, ...env } = RUNPOD_ONLY;
    const lookup = peerLookupFrom(env);
    expect(lookup).toMatchObject({ ok: false, code: 'PEER_LOOKUP_UNCONFIGURED' });
    expect(lookup.ok ? '' : lookup.message).toContain('FLASH_ENVIRONMENT_ID');
  });

  it("turns a lookup that cannot work into the call's error, with its code", async () => {
    const { FLASH_ENVIRONMENT_ID: _id, ...env } = RUNPOD_ONLY;
    const lookup = peerLookupFrom(env);
    if (lookup.ok) throw new Error('expected no lookup');
    const manifest = { resources: { gpu: {} } } as unknown as Manifest;
    const runtime = createRuntime({
      self: 'api',
      manifest,
      peers: lookup,
      dispatcher: () => {
        throw new Error('no call expected');
      },
    });
    const error = await runtime.callQueue('gpu', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeerUnavailable);
    expect(error).toMatchObject({ code: 'PEER_LOOKUP_UNCONFIGURED' });
    expect((error as Error).message).toMatch(/^api cannot call gpu: .*FLASH_ENVIRONMENT_ID/);
  });
});
