import { at } from '../support/given';
import { deploymentOf, given, provisionedHistory, started } from './deployment.fixtures';

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
    expect(resumed).not.toHaveProperty('failure');
    expect(resumed).not.toHaveProperty('endedAt');
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
    const refusal = given([...provisionedHistory(d), d.finalized(), d.published(), d.succeeded()])
      .when({ type: 'ResumeDeployment', data: d.resumed().data })
      .thenFails('DEPLOYMENT_SUCCEEDED');
    expect(refusal.message).toBe(
      `deployment ${d.deploymentId} already succeeded: there is nothing to resume`,
    );
  });

  it('cannot resume a rejected deployment: it is deployed again instead, as the refusal says with its code', () => {
    const d = deploymentOf();
    const refusal = given([d.requested(), d.rejected()])
      .when({ type: 'ResumeDeployment', data: d.resumed().data })
      .thenFails('DEPLOYMENT_REJECTED');
    expect(refusal.message).toBe(
      `deployment ${d.deploymentId} was rejected (ENVIRONMENT_LOCKED): deploy again instead`,
    );
  });

  it('cannot resume a deployment that was never requested', () => {
    const d = deploymentOf();
    const refusal = given()
      .when({ type: 'ResumeDeployment', data: d.resumed().data })
      .thenFails('DEPLOYMENT_NOT_FOUND');
    expect(refusal.message).toBe(`no deployment ${d.deploymentId} was requested`);
  });
});
