import { endpointUnchanged, pendingWork, planChanges } from '../../src/domain/deployment/deployment.work';
import { caller, worker } from '../support/given';
import { deploymentOf, provisionedHistory, stateOf } from './deployment.fixtures';

const previous = { old: { endpointId: 'ep-old', configHash: 'cfg-old', keyFingerprint: null } };

describe('the work a deploy needs next', () => {
  it('activates the build before anything else', () => {
    const d = deploymentOf({ previous });
    expect(pendingWork(stateOf([d.requested()]))).toEqual([{ kind: 'activate-build' }]);
  });

  it('provisions every resource in parallel once the build is active', () => {
    const d = deploymentOf();
    expect(pendingWork(stateOf([d.requested(), d.activated()]))).toEqual([
      { kind: 'provision', resource: 'api' },
      { kind: 'provision', resource: 'gpu' },
    ]);
  });

  it('collects the URL of a provisioned endpoint while the others are still provisioned', () => {
    const d = deploymentOf();
    const state = stateOf([d.requested(), d.activated(), d.keyInjected(), d.provisioned('api')]);
    expect(pendingWork(state)).toEqual([
      { kind: 'collect-url', resource: 'api', endpointId: 'ep-api' },
      { kind: 'provision', resource: 'gpu' },
    ]);
  });

  it('removes the endpoints of resources that left the app', () => {
    const d = deploymentOf({ previous });
    expect(pendingWork(stateOf(provisionedHistory(d)))).toEqual([
      { kind: 'remove', resource: 'old', endpointId: 'ep-old' },
    ]);
  });

  it('waits for the other resources before failing on a failed one', () => {
    const d = deploymentOf();
    const state = stateOf([
      d.requested(),
      d.activated(),
      d.keyInjected(),
      d.provisioned('api'),
      d.provisioningFailed('gpu'),
    ]);
    expect(pendingWork(state)).toEqual([{ kind: 'collect-url', resource: 'api', endpointId: 'ep-api' }]);
  });

  it('fails the deployment, naming the failed resources, once nothing else is pending', () => {
    const d = deploymentOf();
    const state = stateOf([
      d.requested(),
      d.activated(),
      d.keyInjected(),
      d.provisioned('api'),
      d.urlCollected('api'),
      d.provisioningFailed('gpu'),
    ]);
    expect(pendingWork(state)).toEqual([{ kind: 'fail', failedResources: ['gpu'] }]);
  });

  it('finalizes the manifest once every URL is collected and every removal done', () => {
    const d = deploymentOf({ previous });
    expect(pendingWork(stateOf([...provisionedHistory(d), d.removed('old')]))).toEqual([
      { kind: 'finalize' },
    ]);
  });

  it('publishes the finalized manifest', () => {
    const d = deploymentOf();
    expect(pendingWork(stateOf([...provisionedHistory(d), d.finalized()]))).toEqual([{ kind: 'publish' }]);
  });

  it('keeps publishing after a failed attempt', () => {
    const d = deploymentOf();
    const state = stateOf([...provisionedHistory(d), d.finalized(), d.publishAttemptFailed()]);
    expect(pendingWork(state)).toEqual([{ kind: 'publish' }]);
  });

  it('completes the deployment once the manifest is published', () => {
    const d = deploymentOf();
    const state = stateOf([...provisionedHistory(d), d.finalized(), d.published()]);
    expect(pendingWork(state)).toEqual([{ kind: 'complete' }]);
  });

  it('provisions the failed resources of a resumed deployment again', () => {
    const d = deploymentOf();
    const state = stateOf([
      d.requested(),
      d.activated(),
      d.provisioned('gpu'),
      d.urlCollected('gpu'),
      d.provisioningFailed('api'),
      d.failed(['api']),
      d.resumed(),
    ]);
    expect(pendingWork(state)).toEqual([{ kind: 'provision', resource: 'api' }]);
  });
});

describe('the work an undeploy needs next', () => {
  const inventory = {
    api: { endpointId: 'ep-api', configHash: 'cfg-api', keyFingerprint: 'fp-1' },
    gpu: { endpointId: 'ep-gpu', configHash: 'cfg-gpu', keyFingerprint: null },
  };

  it('removes every endpoint of the environment, with no build to activate', () => {
    const d = deploymentOf({ intent: 'undeploy', resources: [], previous: inventory });
    expect(pendingWork(stateOf([d.requested()]))).toEqual([
      { kind: 'remove', resource: 'api', endpointId: 'ep-api' },
      { kind: 'remove', resource: 'gpu', endpointId: 'ep-gpu' },
    ]);
  });

  it('removes only the endpoints that are left', () => {
    const d = deploymentOf({ intent: 'undeploy', resources: [], previous: inventory });
    expect(pendingWork(stateOf([d.requested(), d.removed('api')]))).toEqual([
      { kind: 'remove', resource: 'gpu', endpointId: 'ep-gpu' },
    ]);
  });

  it('completes once every endpoint is removed, publishing nothing', () => {
    const d = deploymentOf({ intent: 'undeploy', resources: [], previous: inventory });
    expect(pendingWork(stateOf([d.requested(), d.removed('api'), d.removed('gpu')]))).toEqual([
      { kind: 'complete' },
    ]);
  });
});

describe('a deployment that is not running', () => {
  it('needs nothing when it was never requested', () => {
    expect(pendingWork(stateOf([]))).toEqual([]);
  });

  it('needs nothing once it succeeded', () => {
    const d = deploymentOf();
    const state = stateOf([...provisionedHistory(d), d.finalized(), d.published(), d.succeeded()]);
    expect(pendingWork(state)).toEqual([]);
  });

  it('needs nothing once it failed, until it is resumed', () => {
    const d = deploymentOf();
    expect(pendingWork(stateOf([d.requested(), d.activated(), d.failed()]))).toEqual([]);
  });

  it('needs nothing once it was rejected', () => {
    const d = deploymentOf();
    expect(pendingWork(stateOf([d.requested(), d.rejected()]))).toEqual([]);
  });
});

describe('planning the changes of a deploy', () => {
  const before = {
    api: { endpointId: 'ep-api', configHash: 'cfg-api', keyFingerprint: 'fp-1' },
    gpu: { endpointId: 'ep-gpu', configHash: 'cfg-gpu', keyFingerprint: null },
  };

  it('creates the endpoint of a resource new to the environment', () => {
    expect(planChanges([caller(), worker()], {}, 'fp-1')).toEqual({
      actions: { api: 'created', gpu: 'created' },
      reasons: {},
      removed: [],
    });
  });

  it('leaves a resource unchanged when its config and its key are the same', () => {
    expect(planChanges([caller(), worker()], before, 'fp-1')).toEqual({
      actions: { api: 'unchanged', gpu: 'unchanged' },
      reasons: {},
      removed: [],
    });
  });

  it('updates a resource whose config changed', () => {
    const changed = { ...worker(), configHash: 'cfg-gpu-2' };
    expect(planChanges([caller(), changed], before, 'fp-1').actions).toEqual({
      api: 'unchanged',
      gpu: 'updated',
    });
  });

  it('updates a caller when the API key changed, and leaves a resource without the key alone', () => {
    expect(planChanges([caller(), worker()], before, 'fp-2').actions).toEqual({
      api: 'updated',
      gpu: 'unchanged',
    });
  });

  it('removes the resources that left the app', () => {
    expect(planChanges([caller()], before, 'fp-1')).toEqual({
      actions: { api: 'unchanged' },
      reasons: {},
      removed: ['gpu'],
    });
  });

  it('says what changed in each updated resource, a secret by name', () => {
    const keyed = { ...before, gpu: { ...before.gpu, secretFingerprints: { HF_TOKEN: 'scrypt:1' } } };
    const rotated = { ...worker(), secretFingerprints: { HF_TOKEN: 'scrypt:2', DB: 'scrypt:3' } };
    expect(planChanges([caller(), rotated], keyed, 'fp-2')).toEqual({
      actions: { api: 'updated', gpu: 'updated' },
      reasons: { api: ['key'], gpu: ['secret DB', 'secret HF_TOKEN'] },
      removed: [],
    });
    const same = { ...worker(), secretFingerprints: { HF_TOKEN: 'scrypt:1' } };
    expect(planChanges([caller(), same], keyed, 'fp-1').actions).toEqual({
      api: 'unchanged',
      gpu: 'unchanged',
    });
    // a secret removed from the config rolls the endpoint too (its workers still have the value)
    expect(planChanges([caller(), worker()], keyed, 'fp-1').reasons).toEqual({ gpu: ['secret HF_TOKEN'] });
  });
});

describe('an endpoint a deploy leaves unchanged', () => {
  const before = (overrides = {}) => ({
    endpointId: 'ep-api',
    configHash: 'cfg-api',
    keyFingerprint: 'fp-1',
    codeFingerprint: 'code-1',
    ...overrides,
  });
  const api = { ...caller(), codeFingerprint: 'code-1' };

  it('is one with the same config hash, code fingerprint and key', () => {
    expect(endpointUnchanged(before(), api, 'fp-1')).toBe(true);
  });

  it('changes with its config', () => {
    expect(endpointUnchanged(before({ configHash: 'cfg-api-2' }), api, 'fp-1')).toBe(false);
  });

  it('changes with its code, even when the config is the same', () => {
    expect(endpointUnchanged(before({ codeFingerprint: 'code-2' }), api, 'fp-1')).toBe(false);
    expect(endpointUnchanged(before({ codeFingerprint: undefined }), api, 'fp-1')).toBe(false);
  });

  it('changes for a caller when the API key changed, or is no longer available', () => {
    expect(endpointUnchanged(before(), api, 'fp-2')).toBe(false);
    expect(endpointUnchanged(before(), api, null)).toBe(false);
  });

  it('ignores the key for a resource that makes no remote calls: it never gets one', () => {
    const gpu = worker();
    const held = { endpointId: 'ep-gpu', configHash: 'cfg-gpu', keyFingerprint: null };
    expect(endpointUnchanged(held, gpu, 'fp-2')).toBe(true);
    expect(endpointUnchanged({ ...held, keyFingerprint: 'fp-1' }, gpu, 'fp-1')).toBe(false);
  });
});
