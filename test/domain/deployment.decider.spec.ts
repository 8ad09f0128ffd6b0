import { at, caller, worker } from '../support/given';
import { deploymentOf, given, provisionedHistory, started } from './deployment.fixtures';

describe('requesting a deployment', () => {
  it('records the request of an app with endpoints', () => {
    const d = deploymentOf();
    given().when({ type: 'RequestDeployment', data: d.request }).then([d.requested()]);
  });

  it('accepts a request without an API key when no resource makes remote calls', () => {
    const d = deploymentOf({ resources: [worker()], keyFingerprint: null });
    given().when({ type: 'RequestDeployment', data: d.request }).then([d.requested()]);
  });

  it('records and at once rejects a request without an API key, naming the resources that make remote calls', () => {
    const d = deploymentOf({ resources: [caller('api'), worker('gpu')], keyFingerprint: null });
    const state = given()
      .when({ type: 'RequestDeployment', data: d.request })
      .then([
        d.requested(),
        {
          type: 'DeploymentRejected',
          data: {
            deploymentId: d.deploymentId,
            code: 'API_KEY_REQUIRED',
            message:
              'RUNPOD_API_KEY is required: api makes remote calls and gets the key; set RUNPOD_API_KEY and deploy again (nothing was provisioned)',
            details: { resources: ['api'] },
            at: at(0),
          },
        },
      ]);
    expect(state).toMatchObject({ status: 'rejected', rejection: { code: 'API_KEY_REQUIRED' } });
  });

  it('names every caller when several need the key', () => {
    const d = deploymentOf({ resources: [caller('api'), caller('relay'), worker()], keyFingerprint: null });
    const state = given()
      .when({ type: 'RequestDeployment', data: d.request })
      .then([
        d.requested(),
        {
          type: 'DeploymentRejected',
          data: {
            deploymentId: d.deploymentId,
            code: 'API_KEY_REQUIRED',
            message:
              'RUNPOD_API_KEY is required: api, relay make remote calls and get the key; set RUNPOD_API_KEY and deploy again (nothing was provisioned)',
            details: { resources: ['api', 'relay'] },
            at: at(0),
          },
        },
      ]);
    expect(state.status).toBe('rejected');
  });

  it('refuses a deploy of an app without endpoints: there is nothing to deploy', () => {
    const d = deploymentOf({ resources: [] });
    given().when({ type: 'RequestDeployment', data: d.request }).thenFails('NO_RESOURCES');
  });

  it('records an undeploy that removes every endpoint of the environment', () => {
    const d = deploymentOf({
      intent: 'undeploy',
      resources: [],
      previous: { api: { endpointId: 'ep-api', configHash: 'cfg-api', keyFingerprint: 'fp-1' } },
    });
    const state = given().when({ type: 'RequestDeployment', data: d.request }).then([d.requested()]);
    expect(state).toMatchObject({ removals: { api: { endpointId: 'ep-api', removed: false } } });
  });

  it('refuses an undeploy that names resources to provision', () => {
    const d = deploymentOf({ intent: 'undeploy' });
    given().when({ type: 'RequestDeployment', data: d.request }).thenFails('UNDEPLOY_WITH_RESOURCES');
  });

  it('refuses to request a deployment id twice', () => {
    const d = deploymentOf();
    given([d.requested()])
      .when({ type: 'RequestDeployment', data: d.request })
      .thenFails('DEPLOYMENT_EXISTS');
  });
});

describe('a deployment that was never requested or has ended', () => {
  it('records no step of a deployment that was never requested', () => {
    const d = deploymentOf();
    given()
      .when({ type: 'RecordBuildActivated', data: d.activated().data })
      .thenFails('DEPLOYMENT_NOT_FOUND');
  });

  it('records nothing more once the deployment succeeded', () => {
    const d = deploymentOf();
    given([...provisionedHistory(d), d.finalized(), d.published(), d.succeeded()])
      .when({ type: 'FailDeployment', data: d.failed().data })
      .thenFails('DEPLOYMENT_FINISHED');
  });

  it('records nothing more on a failed deployment until it is resumed', () => {
    const d = deploymentOf();
    given([d.requested(), d.activated(), d.failed()])
      .when({ type: 'RecordKeyInjected', data: d.keyInjected().data })
      .thenFails('DEPLOYMENT_FINISHED');
  });

  it('records nothing more once the deployment was rejected', () => {
    const d = deploymentOf();
    given([d.requested(), d.rejected()])
      .when({ type: 'RecordBuildActivated', data: d.activated().data })
      .thenFails('DEPLOYMENT_FINISHED');
  });
});

describe('rejecting a deployment', () => {
  it('rejects a deployment before its build is activated', () => {
    const d = deploymentOf();
    const state = given([d.requested()])
      .when({ type: 'RejectDeployment', data: d.rejected().data })
      .then([d.rejected()]);
    expect(state).toMatchObject({ status: 'rejected', endedAt: at(1) });
  });

  it('cannot reject a deployment whose build is active: it already started', () => {
    const d = deploymentOf();
    given([d.requested(), d.activated()])
      .when({ type: 'RejectDeployment', data: d.rejected().data })
      .thenFails('DEPLOYMENT_STARTED');
  });
});

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

describe('finalizing the manifest', () => {
  it('waits for the URL of every resource, naming the missing ones', () => {
    const d = deploymentOf();
    const error = given([
      d.requested(),
      d.activated(),
      d.keyInjected(),
      d.provisioned('api'),
      d.provisioned('gpu'),
      d.urlCollected('gpu'),
    ])
      .when({ type: 'FinalizeManifest', data: { deploymentId: d.deploymentId, manifestHash: 'mh-1' } })
      .thenFails('URLS_MISSING');
    expect(error.details).toEqual({ missing: ['api'] });
  });

  it('waits until the resources that left the app are removed', () => {
    const d = deploymentOf({
      previous: { old: { endpointId: 'ep-old', configHash: 'cfg-old', keyFingerprint: null } },
    });
    const error = given(provisionedHistory(d))
      .when({ type: 'FinalizeManifest', data: { deploymentId: d.deploymentId, manifestHash: 'mh-1' } })
      .thenFails('REMOVALS_PENDING');
    expect(error.details).toEqual({ pending: ['old'] });
  });

  it('carries the URL of every resource', () => {
    const d = deploymentOf();
    const state = given(provisionedHistory(d))
      .when({ type: 'FinalizeManifest', data: { deploymentId: d.deploymentId, manifestHash: 'mh-1' } })
      .then([
        {
          type: 'ManifestFinalized',
          data: {
            deploymentId: d.deploymentId,
            resourcesEndpoints: { api: d.urlOf('api'), gpu: d.urlOf('gpu') },
            manifestHash: 'mh-1',
          },
        },
      ]);
    expect(state).toMatchObject({ finalized: { manifestHash: 'mh-1' } });
  });

  it('finalizes once when asked again', () => {
    const d = deploymentOf();
    given([...provisionedHistory(d), d.finalized()])
      .when({ type: 'FinalizeManifest', data: { deploymentId: d.deploymentId, manifestHash: 'mh-1' } })
      .then([]);
  });
});

describe('publishing the manifest', () => {
  it('cannot count a publish attempt before the manifest is final', () => {
    const d = deploymentOf();
    given(provisionedHistory(d))
      .when({ type: 'RecordPublishAttemptFailed', data: d.publishAttemptFailed().data })
      .thenFails('MANIFEST_NOT_FINALIZED');
  });

  it('cannot record a publication before the manifest is final', () => {
    const d = deploymentOf();
    given(provisionedHistory(d))
      .when({ type: 'RecordManifestPublished', data: d.published().data })
      .thenFails('MANIFEST_NOT_FINALIZED');
  });

  it('counts a failed publish attempt', () => {
    const d = deploymentOf();
    const state = given([...provisionedHistory(d), d.finalized(), d.publishAttemptFailed(1)])
      .when({ type: 'RecordPublishAttemptFailed', data: d.publishAttemptFailed(2).data })
      .then([d.publishAttemptFailed(2)]);
    expect(state).toMatchObject({ publishAttempts: 2 });
  });

  it('refuses a publication of another manifest than the finalized one', () => {
    const d = deploymentOf();
    given([...provisionedHistory(d), d.finalized()])
      .when({ type: 'RecordManifestPublished', data: d.published('mh-other').data })
      .thenFails('MANIFEST_MISMATCH');
  });

  it('records the publication of the finalized manifest', () => {
    const d = deploymentOf();
    const state = given([...provisionedHistory(d), d.finalized()])
      .when({ type: 'RecordManifestPublished', data: d.published().data })
      .then([d.published()]);
    expect(state).toMatchObject({ published: { buildId: 'build-1', manifestHash: 'mh-1' } });
  });

  it('records the publication once when it is reported again', () => {
    const d = deploymentOf();
    given([...provisionedHistory(d), d.finalized(), d.published()])
      .when({ type: 'RecordManifestPublished', data: d.published().data })
      .then([]);
  });

  it('ignores a failed attempt reported after the manifest was published', () => {
    const d = deploymentOf();
    given([...provisionedHistory(d), d.finalized(), d.published()])
      .when({ type: 'RecordPublishAttemptFailed', data: d.publishAttemptFailed().data })
      .then([]);
  });
});

describe('completing a deployment', () => {
  it('cannot succeed before its manifest is published', () => {
    const d = deploymentOf();
    given([...provisionedHistory(d), d.finalized()])
      .when({ type: 'CompleteDeployment', data: { deploymentId: d.deploymentId, at: at(60) } })
      .thenFails('MANIFEST_NOT_PUBLISHED');
  });

  it('succeeds once the manifest is published', () => {
    const d = deploymentOf();
    const state = given([...provisionedHistory(d), d.finalized(), d.published()])
      .when({ type: 'CompleteDeployment', data: { deploymentId: d.deploymentId, at: at(60) } })
      .then([d.succeeded()]);
    expect(state).toMatchObject({ status: 'succeeded', endedAt: at(60) });
  });

  it('never says success for a deploy whose resources have no endpoint', () => {
    const d = deploymentOf();
    given([d.requested(), d.activated(), d.finalized(), d.published()])
      .when({ type: 'CompleteDeployment', data: { deploymentId: d.deploymentId, at: at(60) } })
      .thenFails('NOTHING_PROVISIONED');
  });

  const previous = {
    api: { endpointId: 'ep-api', configHash: 'cfg-api', keyFingerprint: 'fp-1' },
    gpu: { endpointId: 'ep-gpu', configHash: 'cfg-gpu', keyFingerprint: null },
  };

  it('completes an undeploy once every endpoint is removed', () => {
    const d = deploymentOf({ intent: 'undeploy', resources: [], previous });
    given([d.requested(), d.removed('api'), d.removed('gpu')])
      .when({ type: 'CompleteDeployment', data: { deploymentId: d.deploymentId, at: at(60) } })
      .then([d.succeeded()]);
  });

  it('cannot complete an undeploy while endpoints remain', () => {
    const d = deploymentOf({ intent: 'undeploy', resources: [], previous });
    given([d.requested(), d.removed('api')])
      .when({ type: 'CompleteDeployment', data: { deploymentId: d.deploymentId, at: at(60) } })
      .thenFails('REMOVALS_PENDING');
  });
});

describe('failing a deployment', () => {
  it('records the failure of an active deployment with its failed resources', () => {
    const d = deploymentOf();
    const state = given([d.requested(), d.activated(), d.provisioningFailed('gpu')])
      .when({ type: 'FailDeployment', data: d.failed(['gpu']).data })
      .then([d.failed(['gpu'])]);
    expect(state).toMatchObject({
      status: 'failed',
      failure: { code: 'PROVISIONING_FAILED', failedResources: ['gpu'] },
      endedAt: at(60),
    });
  });
});

describe('resuming a deployment', () => {
  it('makes a failed deployment active again, clearing its failures and starting publish attempts over', () => {
    const d = deploymentOf();
    const state = given([
      ...provisionedHistory(d),
      d.finalized(),
      d.publishAttemptFailed(1),
      d.publishAttemptFailed(2),
      d.failed(['gpu']),
    ])
      .when({ type: 'ResumeDeployment', data: d.resumed().data })
      .then([d.resumed()]);
    const resumed = started(state);
    expect(resumed).toMatchObject({ status: 'active', publishAttempts: 0 });
    expect(resumed.failure).toBeUndefined();
    expect(resumed.endedAt).toBeUndefined();
  });

  it('clears the failure of every resource so it is provisioned again', () => {
    const d = deploymentOf();
    const state = given([d.requested(), d.activated(), d.provisioningFailed('gpu'), d.failed(['gpu'])])
      .when({ type: 'ResumeDeployment', data: d.resumed().data })
      .then([d.resumed()]);
    expect(started(state).resources.gpu?.failure).toBeUndefined();
  });

  it('picks up an interrupted deployment that is still active', () => {
    const d = deploymentOf();
    given([d.requested(), d.activated()])
      .when({ type: 'ResumeDeployment', data: d.resumed().data })
      .then([d.resumed()]);
  });

  it('cannot resume a deployment that succeeded', () => {
    const d = deploymentOf();
    given([...provisionedHistory(d), d.finalized(), d.published(), d.succeeded()])
      .when({ type: 'ResumeDeployment', data: d.resumed().data })
      .thenFails('DEPLOYMENT_SUCCEEDED');
  });

  it('cannot resume a rejected deployment: it is deployed again instead', () => {
    const d = deploymentOf();
    given([d.requested(), d.rejected()])
      .when({ type: 'ResumeDeployment', data: d.resumed().data })
      .thenFails('DEPLOYMENT_REJECTED');
  });

  it('cannot resume a deployment that was never requested', () => {
    const d = deploymentOf();
    given().when({ type: 'ResumeDeployment', data: d.resumed().data }).thenFails('DEPLOYMENT_NOT_FOUND');
  });
});
