import { deploymentOf, given } from './deployment.fixtures';

describe('activating the build', () => {
  it('records the activated build', () => {
    const d = deploymentOf();
    const state = given([d.requested()])
      .when({ type: 'RecordBuildActivated', data: d.activated().data })
      .then([d.activated()]);
    expect(state).toMatchObject({ build: { buildId: 'build-1', environmentId: 'env-1' } });
  });

  it('records the activation once when it is reported again', () => {
    const d = deploymentOf();
    given([d.requested(), d.activated()])
      .when({ type: 'RecordBuildActivated', data: d.activated().data })
      .then([]);
  });
});

describe('injecting the API key', () => {
  it('records the fingerprint of the key given to a resource that makes remote calls', () => {
    const d = deploymentOf();
    const state = given([d.requested(), d.activated()])
      .when({ type: 'RecordKeyInjected', data: d.keyInjected('api').data })
      .then([d.keyInjected('api')]);
    expect(state).toMatchObject({ resources: { api: { keyFingerprint: 'fp-1' } } });
  });

  it('refuses the key for a resource that makes no remote calls', () => {
    const d = deploymentOf();
    given([d.requested(), d.activated()])
      .when({ type: 'RecordKeyInjected', data: d.keyInjected('gpu').data })
      .thenFails('KEY_NOT_ALLOWED');
  });

  it('records the same key once when it is reported again', () => {
    const d = deploymentOf();
    given([d.requested(), d.activated(), d.keyInjected('api')])
      .when({ type: 'RecordKeyInjected', data: d.keyInjected('api').data })
      .then([]);
  });

  it('refuses the key for a resource that is not part of the deployment', () => {
    const d = deploymentOf();
    given([d.requested(), d.activated()])
      .when({ type: 'RecordKeyInjected', data: d.keyInjected('ghost').data })
      .thenFails('UNKNOWN_RESOURCE');
  });

  it('refuses the key for an unknown resource even when its name is an Object member', () => {
    const d = deploymentOf();
    given([d.requested(), d.activated()])
      .when({ type: 'RecordKeyInjected', data: d.keyInjected('toString').data })
      .thenFails('UNKNOWN_RESOURCE');
  });
});

describe('provisioning an endpoint', () => {
  it('cannot record an endpoint before the build is active', () => {
    const d = deploymentOf();
    given([d.requested()])
      .when({ type: 'RecordEndpointProvisioned', data: d.provisioned('gpu').data })
      .thenFails('BUILD_NOT_ACTIVE');
  });

  it('records the endpoint of a resource that makes no remote calls', () => {
    const d = deploymentOf();
    const state = given([d.requested(), d.activated()])
      .when({ type: 'RecordEndpointProvisioned', data: d.provisioned('gpu').data })
      .then([d.provisioned('gpu')]);
    expect(state).toMatchObject({ resources: { gpu: { endpointId: 'ep-gpu', action: 'created' } } });
  });

  it("cannot create a caller's endpoint before its key is recorded", () => {
    const d = deploymentOf();
    given([d.requested(), d.activated()])
      .when({ type: 'RecordEndpointProvisioned', data: d.provisioned('api').data })
      .thenFails('KEY_NOT_RECORDED');
  });

  it("cannot update a caller's endpoint before its key is recorded", () => {
    const d = deploymentOf();
    given([d.requested(), d.activated()])
      .when({ type: 'RecordEndpointProvisioned', data: d.provisioned('api', { action: 'updated' }).data })
      .thenFails('KEY_NOT_RECORDED');
  });

  it("records a caller's endpoint once its key is recorded", () => {
    const d = deploymentOf();
    given([d.requested(), d.activated(), d.keyInjected('api')])
      .when({ type: 'RecordEndpointProvisioned', data: d.provisioned('api').data })
      .then([d.provisioned('api')]);
  });

  it('needs no new KeyInjected for a caller whose endpoint is unchanged', () => {
    const d = deploymentOf();
    const unchanged = d.provisioned('api', { action: 'unchanged' });
    const state = given([d.requested(), d.activated()])
      .when({ type: 'RecordEndpointProvisioned', data: unchanged.data })
      .then([unchanged]);
    expect(state).toMatchObject({ resources: { api: { endpointId: 'ep-api', action: 'unchanged' } } });
  });

  it('refuses a key on the endpoint of a resource that makes no remote calls', () => {
    const d = deploymentOf();
    const keyed = d.provisioned('gpu');
    given([d.requested(), d.activated()])
      .when({ type: 'RecordEndpointProvisioned', data: { ...keyed.data, keyFingerprint: 'fp-1' } })
      .thenFails('KEY_NOT_ALLOWED');
  });

  it('refuses an endpoint recorded with secrets other than the planned ones', () => {
    const d = deploymentOf();
    const provisioned = d.provisioned('gpu');
    given([d.requested(), d.activated()])
      .when({
        type: 'RecordEndpointProvisioned',
        data: { ...provisioned.data, secretFingerprints: { HF_TOKEN: 'scrypt:other' } },
      })
      .thenFails('SECRET_MISMATCH');
  });

  it('refuses a second endpoint for a resource already provisioned as another', () => {
    const d = deploymentOf();
    given([d.requested(), d.activated(), d.provisioned('gpu')])
      .when({
        type: 'RecordEndpointProvisioned',
        data: d.provisioned('gpu', { endpointId: 'ep-other' }).data,
      })
      .thenFails('ENDPOINT_CONFLICT');
  });

  it('records the same endpoint once when it is reported again', () => {
    const d = deploymentOf();
    given([d.requested(), d.activated(), d.provisioned('gpu')])
      .when({ type: 'RecordEndpointProvisioned', data: d.provisioned('gpu').data })
      .then([]);
  });

  it('refuses an endpoint for a resource that is not part of the deployment', () => {
    const d = deploymentOf();
    given([d.requested(), d.activated()])
      .when({ type: 'RecordEndpointProvisioned', data: d.provisioned('ghost').data })
      .thenFails('UNKNOWN_RESOURCE');
  });
});
