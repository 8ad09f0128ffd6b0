import { resumable } from '../../src/domain/deployment/deployment.decider';
import { evolve, initialState } from '../../src/domain/deployment/deployment.state';
import { DomainError, unreachable } from '../../src/domain/errors';
import { at } from '../support/given';
import { deploymentOf, provisionedHistory, stateOf } from './deployment.fixtures';

describe('the phases of a deployment', () => {
  it('is none until it is requested, whatever else is recorded for it', () => {
    const d = deploymentOf();
    expect(evolve(initialState, d.activated())).toEqual({ status: 'none' });
  });

  it('is active once requested, with no end, failure or rejection', () => {
    const state = stateOf([deploymentOf().requested()]);
    expect(state).toMatchObject({ status: 'active', publishAttempts: 0, startedAt: at(0) });
    for (const field of ['endedAt', 'failure', 'rejection']) expect(state).not.toHaveProperty(field);
  });

  it('keeps its progress and gets its end once it succeeded', () => {
    const d = deploymentOf();
    const state = stateOf([...provisionedHistory(d), d.finalized(), d.published(), d.succeeded()]);
    expect(state).toMatchObject({
      status: 'succeeded',
      endedAt: at(60),
      published: { buildId: 'build-1', manifestHash: 'mh-1' },
    });
    expect(state).not.toHaveProperty('failure');
  });

  it('has a failure, and no rejection, once it failed', () => {
    const d = deploymentOf();
    const state = stateOf([d.requested(), d.activated(), d.failed(['gpu'])]);
    expect(state).toMatchObject({ status: 'failed', failure: { failedResources: ['gpu'] }, endedAt: at(60) });
    expect(state).not.toHaveProperty('rejection');
  });

  it('has a rejection, and no failure, once it was rejected', () => {
    const d = deploymentOf();
    const state = stateOf([d.requested(), d.rejected()]);
    expect(state).toMatchObject({ status: 'rejected', rejection: { code: 'ENVIRONMENT_LOCKED' } });
    expect(state).not.toHaveProperty('failure');
  });

  it('is active again once resumed, keeping its build and endpoints but no longer its failure', () => {
    const d = deploymentOf();
    const state = stateOf([...provisionedHistory(d), d.finalized(), d.failed(), d.resumed()]);
    expect(state).toMatchObject({
      status: 'active',
      build: { buildId: 'build-1' },
      finalized: { manifestHash: 'mh-1' },
      resources: { api: { endpointId: 'ep-api' }, gpu: { url: d.urlOf('gpu') } },
    });
    for (const field of ['endedAt', 'failure']) expect(state).not.toHaveProperty(field);
  });

  it('drops the failure of a resource once its endpoint is provisioned', () => {
    const d = deploymentOf();
    const state = stateOf([d.requested(), d.activated(), d.provisioningFailed('gpu'), d.provisioned('gpu')]);
    expect(state).toMatchObject({ resources: { gpu: { endpointId: 'ep-gpu', action: 'created' } } });
    expect(state).not.toHaveProperty('resources.gpu.failure');
  });
});

describe('who may resume a deployment', () => {
  const refusalOf = (run: () => unknown): DomainError => {
    try {
      run();
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('expected a refusal');
  };

  it('answers the deployment when it is interrupted or failed', () => {
    const d = deploymentOf();
    expect(resumable(stateOf([d.requested(), d.activated()]), d.deploymentId)).toMatchObject({
      status: 'active',
    });
    expect(resumable(stateOf([d.requested(), d.failed()]), d.deploymentId)).toMatchObject({
      status: 'failed',
    });
  });

  it('refuses, with one message each, what was never requested, succeeded or was rejected', () => {
    const d = deploymentOf();
    const succeeded = stateOf([...provisionedHistory(d), d.finalized(), d.published(), d.succeeded()]);
    const refusals = [
      refusalOf(() => resumable(initialState, d.deploymentId)),
      refusalOf(() => resumable(succeeded, d.deploymentId)),
      refusalOf(() => resumable(stateOf([d.requested(), d.rejected('API_KEY_REQUIRED')]), d.deploymentId)),
    ];
    expect(refusals.map((e) => [e.code, e.message])).toEqual([
      ['DEPLOYMENT_NOT_FOUND', `no deployment ${d.deploymentId} was requested`],
      ['DEPLOYMENT_SUCCEEDED', `deployment ${d.deploymentId} already succeeded: there is nothing to resume`],
      [
        'DEPLOYMENT_REJECTED',
        `deployment ${d.deploymentId} was rejected (API_KEY_REQUIRED): deploy again instead`,
      ],
    ]);
  });
});

describe('a switch over a union', () => {
  it('throws on a value its types say cannot arrive', () => {
    expect(() => unreachable({ type: 'Unknown' } as never)).toThrow('unreachable: {"type":"Unknown"}');
  });
});
