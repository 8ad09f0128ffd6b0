import {
  decideEnvironment,
  environmentCommandSchema,
  environmentEventSchema,
  evolveEnvironment,
  initialEnvironment,
  type EnvironmentEvent,
} from '../../src/domain/environment/environment';
import { at, freshId, givenFor } from '../support/given';

const given = givenFor({
  decide: decideEnvironment,
  evolve: evolveEnvironment,
  initialState: initialEnvironment,
  events: environmentEventSchema,
  commands: environmentCommandSchema,
});

const locked = (deploymentId: string, version: number, second = 0): EnvironmentEvent => ({
  type: 'EnvironmentLocked',
  data: { deploymentId, version, by: 'user:alice@laptop', at: at(second) },
});

const released = (
  deploymentId: string,
  outcome: 'succeeded' | 'failed' | 'rejected' | 'abandoned' = 'succeeded',
  second = 60,
): EnvironmentEvent => ({ type: 'EnvironmentReleased', data: { deploymentId, outcome, at: at(second) } });

describe('the environment lock', () => {
  it('locks a free environment for its first deployment as version 1', () => {
    const first = freshId();
    const state = given()
      .when({ type: 'LockEnvironment', data: { deploymentId: first, by: 'user:alice@laptop', at: at(0) } })
      .then([locked(first, 1)]);
    expect(state).toEqual({
      version: 1,
      holder: { deploymentId: first, by: 'user:alice@laptop', since: at(0), version: 1 },
    });
  });

  it('counts deployments: the next one after a release gets the next version', () => {
    const [first, second, third] = [freshId(), freshId(), freshId()];
    const state = given([
      locked(first, 1),
      released(first),
      locked(second, 2, 100),
      released(second, 'failed', 160),
    ])
      .when({ type: 'LockEnvironment', data: { deploymentId: third, by: 'user:alice@laptop', at: at(200) } })
      .then([locked(third, 3, 200)]);
    expect(state.version).toBe(3);
  });

  it('refuses a second deployment while the first holds the lock, naming the holder', () => {
    const [holder, other] = [freshId(), freshId()];
    const error = given([locked(holder, 1)])
      .when({ type: 'LockEnvironment', data: { deploymentId: other, by: 'user:bob@desk', at: at(5) } })
      .thenFails('ENVIRONMENT_LOCKED');
    expect(error.details).toEqual({
      holder: { deploymentId: holder, by: 'user:alice@laptop', since: at(0), version: 1 },
    });
    expect(error.message).toContain(holder);
    expect(error.message).toContain('user:alice@laptop');
    expect(error.message).toContain(at(0));
  });

  it('takes over the lock of a holder whose deployment has ended, recording it as abandoned', () => {
    const [holder, next] = [freshId(), freshId()];
    const state = given([locked(holder, 1)])
      .when({
        type: 'LockEnvironment',
        data: { deploymentId: next, by: 'user:bob@desk', at: at(90), holderEnded: true },
      })
      .then([
        released(holder, 'abandoned', 90),
        {
          type: 'EnvironmentLocked',
          data: { deploymentId: next, version: 2, by: 'user:bob@desk', at: at(90) },
        },
      ]);
    expect(state.holder).toMatchObject({ deploymentId: next, version: 2 });
  });

  it('locks again for the deployment that holds it without recording anything', () => {
    const holder = freshId();
    given([locked(holder, 1)])
      .when({ type: 'LockEnvironment', data: { deploymentId: holder, by: 'user:alice@laptop', at: at(30) } })
      .then([]);
  });

  it('gives a resumed deployment back the version it had, without counting a new one', () => {
    const [resumed, later] = [freshId(), freshId()];
    const state = given([
      locked(resumed, 1),
      released(resumed, 'failed'),
      locked(later, 2, 100),
      released(later),
    ])
      .when({
        type: 'LockEnvironment',
        data: { deploymentId: resumed, by: 'user:alice@laptop', at: at(300), version: 1 },
      })
      .then([locked(resumed, 1, 300)]);
    expect(state).toEqual({
      version: 2,
      holder: { deploymentId: resumed, by: 'user:alice@laptop', since: at(300), version: 1 },
    });
  });

  it('is released by the deployment that holds it', () => {
    const holder = freshId();
    const state = given([locked(holder, 1)])
      .when({ type: 'ReleaseEnvironment', data: { deploymentId: holder, outcome: 'succeeded', at: at(60) } })
      .then([released(holder)]);
    expect(state).toEqual({ version: 1 });
  });

  it('is not released by a deployment that does not hold it', () => {
    const [holder, other] = [freshId(), freshId()];
    given([locked(holder, 1)])
      .when({ type: 'ReleaseEnvironment', data: { deploymentId: other, outcome: 'failed', at: at(60) } })
      .then([]);
  });

  it('releases nothing when nobody holds it', () => {
    given([])
      .when({ type: 'ReleaseEnvironment', data: { deploymentId: freshId(), outcome: 'failed', at: at(60) } })
      .then([]);
  });
});

describe('folding the environment', () => {
  it('keeps its holder when a release of another deployment is read', () => {
    const holder = freshId();
    const state = [locked(holder, 3), released(freshId())].reduce(evolveEnvironment, initialEnvironment);
    expect(state).toEqual({
      version: 3,
      holder: { deploymentId: holder, by: 'user:alice@laptop', since: at(0), version: 3 },
    });
  });
});
