import { deploymentOf, given, started } from './deployment.fixtures';

describe('a provisioning failure', () => {
  it('is recorded while the resource has no endpoint', () => {
    const d = deploymentOf();
    const state = given([d.requested(), d.activated()])
      .when({ type: 'RecordProvisioningFailed', data: d.provisioningFailed('gpu').data })
      .then([d.provisioningFailed('gpu')]);
    expect(state).toMatchObject({ resources: { gpu: { failure: { code: 'UPSTREAM_FAILED' } } } });
  });

  it('is ignored once the endpoint is provisioned', () => {
    const d = deploymentOf();
    given([d.requested(), d.activated(), d.provisioned('gpu')])
      .when({ type: 'RecordProvisioningFailed', data: d.provisioningFailed('gpu').data })
      .then([]);
  });

  it('is cleared when the endpoint is provisioned after all', () => {
    const d = deploymentOf();
    const state = given([d.requested(), d.activated(), d.provisioningFailed('gpu')])
      .when({ type: 'RecordEndpointProvisioned', data: d.provisioned('gpu').data })
      .then([d.provisioned('gpu')]);
    expect(started(state).resources.gpu?.failure).toBeUndefined();
  });
});

describe('collecting URLs', () => {
  it('records the URL of a provisioned endpoint', () => {
    const d = deploymentOf();
    const state = given([d.requested(), d.activated(), d.provisioned('gpu')])
      .when({ type: 'RecordUrlCollected', data: d.urlCollected('gpu').data })
      .then([d.urlCollected('gpu')]);
    expect(state).toMatchObject({ resources: { gpu: { url: d.urlOf('gpu') } } });
  });

  it('refuses a URL for a resource whose endpoint is not provisioned', () => {
    const d = deploymentOf();
    given([d.requested(), d.activated()])
      .when({ type: 'RecordUrlCollected', data: d.urlCollected('gpu').data })
      .thenFails('ENDPOINT_NOT_PROVISIONED');
  });

  it('refuses a URL for another endpoint than the one provisioned', () => {
    const d = deploymentOf();
    given([d.requested(), d.activated(), d.provisioned('gpu', { endpointId: 'ep-other' })])
      .when({ type: 'RecordUrlCollected', data: d.urlCollected('gpu').data })
      .thenFails('ENDPOINT_NOT_PROVISIONED');
  });

  it('records the same URL once when it is collected again', () => {
    const d = deploymentOf();
    given([d.requested(), d.activated(), d.provisioned('gpu'), d.urlCollected('gpu')])
      .when({ type: 'RecordUrlCollected', data: d.urlCollected('gpu').data })
      .then([]);
  });
});

describe('removing endpoints of resources that left the app', () => {
  const previous = { old: { endpointId: 'ep-old', configHash: 'cfg-old', keyFingerprint: null } };

  it('records the removal of an endpoint whose resource left the app', () => {
    const d = deploymentOf({ previous });
    const state = given([d.requested(), d.activated()])
      .when({ type: 'RecordEndpointRemoved', data: d.removed('old').data })
      .then([d.removed('old')]);
    expect(state).toMatchObject({ removals: { old: { endpointId: 'ep-old', removed: true } } });
  });

  it('refuses to remove a resource that is still part of the app', () => {
    const d = deploymentOf({ previous });
    given([d.requested(), d.activated()])
      .when({ type: 'RecordEndpointRemoved', data: d.removed('gpu').data })
      .thenFails('UNKNOWN_REMOVAL');
  });

  it('refuses to remove a resource that never was in the environment', () => {
    const d = deploymentOf({ previous });
    given([d.requested(), d.activated()])
      .when({ type: 'RecordEndpointRemoved', data: d.removed('ghost').data })
      .thenFails('UNKNOWN_REMOVAL');
  });

  it('refuses to remove a resource whose name is an Object member but never was in the environment', () => {
    const d = deploymentOf({ previous });
    given([d.requested(), d.activated()])
      .when({ type: 'RecordEndpointRemoved', data: d.removed('toString').data })
      .thenFails('UNKNOWN_REMOVAL');
  });

  it('records a removal once when it is reported again', () => {
    const d = deploymentOf({ previous });
    given([d.requested(), d.activated(), d.removed('old')])
      .when({ type: 'RecordEndpointRemoved', data: d.removed('old').data })
      .then([]);
  });
});
