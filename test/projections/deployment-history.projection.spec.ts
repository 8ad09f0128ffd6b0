import {
  deploymentHistoryProjection,
  type DeploymentRecord,
} from '../../src/projections/deployment-history/deployment-history.projection';
import {
  ALICE,
  at,
  BOB,
  failed,
  locked,
  provisioned,
  provisioningFailed,
  rejected,
  removed,
  requested,
  resumed,
  succeeded,
} from './facts';
import { projecting } from './support';

const { given } = projecting(deploymentHistoryProjection);

/** The record of a deployment of shop.prod requested by Alice at 10:00, overridden where it matters. */
const record = (deploymentId: string, changes: Partial<DeploymentRecord> = {}): DeploymentRecord => ({
  deploymentId,
  app: 'shop',
  environment: 'prod',
  version: null,
  target: 'local',
  requestedBy: ALICE,
  host: 'laptop',
  gitCommit: '4e1f0c2a9b7d',
  requestedAt: at('10:00'),
  status: 'in_progress',
  endedAt: null,
  durationMs: null,
  failure: null,
  rejection: null,
  resumedBy: null,
  resumedAt: null,
  artifactSha256: 'a1b2c3',
  resources: {},
  actions: { created: 0, updated: 0, unchanged: 0, removed: 0 },
  ...changes,
});

describe('deployment-history', () => {
  it('lists a requested deployment as in progress, with who asked, from where, which commit and its version', () => {
    given(requested('d1'), locked('d1', 7, ALICE, at('10:00'))).then({
      order: ['d1'],
      deployments: { d1: record('d1', { version: 7 }) },
    });
  });

  it('counts the resources of a succeeded deployment by action and measures how long it took', () => {
    given(
      requested('d1', { resources: ['api', 'worker', 'cache'] }),
      locked('d1', 2, ALICE, at('10:00')),
      provisioned('d1', 'api', 'ep-api', 'created', at('10:01')),
      provisioned('d1', 'worker', 'ep-worker', 'updated', at('10:01')),
      provisioned('d1', 'cache', 'ep-cache', 'unchanged', at('10:01')),
      removed('d1', 'legacy', 'ep-legacy', at('10:02')),
      succeeded('d1', at('10:04')),
    ).then({
      order: ['d1'],
      deployments: {
        d1: record('d1', {
          version: 2,
          status: 'succeeded',
          endedAt: at('10:04'),
          durationMs: 4 * 60_000,
          resources: { api: 'created', worker: 'updated', cache: 'unchanged', legacy: 'removed' },
          actions: { created: 1, updated: 1, unchanged: 1, removed: 1 },
        }),
      },
    });
  });

  it('records why a deployment was rejected', () => {
    const { view } = given(
      requested('d1'),
      rejected('d1', 'ENVIRONMENT_LOCKED', 'deployment d0 holds shop.prod', at('10:00')),
    );
    expect(view.deployments.d1).toEqual(
      record('d1', {
        status: 'rejected',
        endedAt: at('10:00'),
        durationMs: 0,
        rejection: { code: 'ENVIRONMENT_LOCKED', message: 'deployment d0 holds shop.prod' },
      }),
    );
  });

  it('records the failure of a failed deployment', () => {
    const { view } = given(
      requested('d1'),
      provisioned('d1', 'api', 'ep-api', 'created', at('10:01')),
      provisioningFailed('d1', 'worker', 'GPU_UNAVAILABLE', 'no GPUs', at('10:01')),
      failed('d1', ['worker'], 'could not provision worker: no GPUs', at('10:02')),
    );
    expect(view.deployments.d1).toMatchObject({
      status: 'failed',
      endedAt: at('10:02'),
      durationMs: 2 * 60_000,
      failure: {
        code: 'PROVISIONING_FAILED',
        message: 'could not provision worker: no GPUs',
        failedResources: ['worker'],
      },
      actions: { created: 1, updated: 0, unchanged: 0, removed: 0 },
    });
  });

  it('puts a resumed deployment back in progress with who resumed it, then ends it when it succeeds', () => {
    const facts = [
      requested('d1'),
      provisioned('d1', 'api', 'ep-api', 'created', at('10:01')),
      failed('d1', ['worker'], 'could not provision worker', at('10:02')),
      resumed('d1', BOB, at('10:30')),
    ];
    expect(given(...facts).view.deployments.d1).toMatchObject({
      status: 'in_progress',
      endedAt: null,
      durationMs: null,
      failure: null,
      resumedBy: BOB,
      resumedAt: at('10:30'),
    });
    expect(
      given(
        ...facts,
        provisioned('d1', 'worker', 'ep-worker', 'created', at('10:31')),
        succeeded('d1', at('10:35')),
      ).view.deployments.d1,
    ).toMatchObject({
      status: 'succeeded',
      endedAt: at('10:35'),
      durationMs: 35 * 60_000,
      resumedBy: BOB,
      actions: { created: 2, updated: 0, unchanged: 0, removed: 0 },
    });
  });

  it('orders deployments by the time they were requested, arrivals with equal times in arrival order', () => {
    const { view } = given(
      requested('late', { at: at('12:00') }),
      requested('early', { environment: 'staging', at: at('09:00') }),
      requested('noon', { environment: 'dev', at: at('12:00') }),
      requested('middle', { environment: 'qa', at: at('10:30') }),
    );
    expect(view.order).toEqual(['early', 'middle', 'late', 'noon']);
  });

  it('ignores events of deployments it never saw requested', () => {
    given(succeeded('ghost', at('10:00')), locked('ghost', 1, ALICE, at('10:00'))).then({
      order: [],
      deployments: {},
    });
  });
});
