import { at, caller, worker } from '../support/given';
import { deploymentOf, given, provisionedHistory } from './deployment.fixtures';

describe('requesting a deployment', () => {
  it('records the request of an app with endpoints', () => {
    const d = deploymentOf();
    given().when({ type: 'RequestDeployment', data: d.request }).then([d.requested()]);
  });

  it('accepts a request without an API key when no resource makes remote calls', () => {
    const d = deploymentOf({ resources: [worker()], keyFingerprint: null });
    given().when({ type: 'RequestDeployment', data: d.request }).then([d.requested()]);
  });

  it.each([
    {
      why: 'records and at once rejects a request without an API key, naming the resources that make remote calls',
      resources: [caller('api'), worker('gpu')],
      callers: ['api'],
      named: 'api makes remote calls and gets the key',
    },
    {
      why: 'names every caller when several need the key',
      resources: [caller('api'), caller('relay'), worker()],
      callers: ['api', 'relay'],
      named: 'api, relay make remote calls and get the key',
    },
  ])('$why', ({ resources, callers, named }) => {
    const d = deploymentOf({ resources, keyFingerprint: null });
    const state = given()
      .when({ type: 'RequestDeployment', data: d.request })
      .then([
        d.requested(),
        {
          type: 'DeploymentRejected',
          data: {
            deploymentId: d.deploymentId,
            code: 'API_KEY_REQUIRED',
            message: `RUNPOD_API_KEY is required: ${named}; set RUNPOD_API_KEY or run \`flash login\`, and deploy again (nothing was provisioned)`,
            details: { resources: callers },
            at: at(0),
          },
        },
      ]);
    expect(state).toMatchObject({ status: 'rejected', rejection: { code: 'API_KEY_REQUIRED' } });
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
