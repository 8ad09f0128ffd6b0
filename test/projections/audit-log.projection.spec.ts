import { auditLogProjection } from '../../src/projections/audit-log/audit-log.projection';
import {
  ALICE,
  at,
  failed,
  finalized,
  KEY_FP,
  keyInjected,
  locked,
  provisioned,
  provisioningFailed,
  publishFailed,
  published,
  rejected,
  released,
  removed,
  requested,
  resumed,
  succeeded,
  urlCollected,
} from './facts';
import { projecting, recordedAtOf } from './support';

const { given } = projecting(auditLogProjection);

describe('audit-log', () => {
  it('records every deployment and environment event with its actor, correlation and causation', () => {
    given(requested('d1'), locked('d1', 3, ALICE, at('10:00')), keyInjected('d1', 'api')).then({
      entries: [
        {
          position: '1',
          at: recordedAtOf(1),
          stream: 'deployment-d1',
          type: 'DeploymentRequested',
          eventId: 'evt-1',
          deploymentId: 'd1',
          actor: ALICE,
          correlationId: 'corr-d1',
          causationId: 'evt-1',
          summary: `deploy of shop.prod (2 resources) to local requested by ${ALICE} on laptop at commit 4e1f0c2a9b7d`,
        },
        {
          position: '2',
          at: recordedAtOf(2),
          stream: 'environment-shop.prod',
          type: 'EnvironmentLocked',
          eventId: 'evt-2',
          deploymentId: 'd1',
          actor: ALICE,
          correlationId: 'corr-d1',
          causationId: 'evt-1',
          summary: `environment locked by ${ALICE} for deployment d1 (version 3)`,
        },
        {
          position: '3',
          at: recordedAtOf(3),
          stream: 'deployment-d1',
          type: 'KeyInjected',
          eventId: 'evt-3',
          deploymentId: 'd1',
          actor: 'reactor:provisioning',
          correlationId: 'corr-d1',
          causationId: 'evt-2',
          summary: `key RUNPOD_API_KEY injected into api (${KEY_FP})`,
        },
      ],
    });
  });

  it('says in one line what each step of a deployment did', () => {
    const { view } = given(
      requested('d1', { gitCommit: null, resources: ['api'] }),
      provisioned('d1', 'api', 'ep-123', 'created', at('10:01')),
      provisioningFailed('d1', 'worker', 'GPU_UNAVAILABLE', 'no GPUs free', at('10:01')),
      urlCollected('d1', 'api', 'ep-123'),
      removed('d1', 'legacy', 'ep-9', at('10:02')),
      finalized('d1', { api: 'ep-123' }),
      publishFailed('d1', 2, 1000, at('10:03')),
      publishFailed('d1', 5, null, at('10:04')),
      published('d1', 3, at('10:05')),
      failed('d1', ['worker'], 'could not provision worker', at('10:06')),
      resumed('d1', 'user:bob@desk', at('10:07')),
      succeeded('d1', at('10:08')),
      released('d1', 'succeeded', at('10:08')),
      rejected('d1', 'RUNPOD_API_KEY_MISSING', 'api makes remote calls', at('10:09')),
    );
    expect(view.entries.map((e) => e.summary)).toEqual([
      `deploy of shop.prod (1 resource) to local requested by ${ALICE} on laptop`,
      'api provisioned (created) as ep-123',
      'worker could not be provisioned: GPU_UNAVAILABLE: no GPUs free',
      'api answers at http://127.0.0.1:7711/lb/ep-123',
      'legacy removed (ep-9)',
      'manifest finalized with 1 endpoint (sha256:manifest-d1)',
      'publish attempt 2 failed: STATE_MANAGER_UNAVAILABLE: the State Manager answered 503 (next in 1000 ms)',
      'publish attempt 5 failed: STATE_MANAGER_UNAVAILABLE: the State Manager answered 503 (no attempts left)',
      'manifest published to build build-d1 on attempt 3',
      'deployment failed (worker): PROVISIONING_FAILED: could not provision worker',
      'deployment resumed by user:bob@desk',
      'deployment succeeded',
      'environment released by deployment d1 (succeeded)',
      'deployment rejected: RUNPOD_API_KEY_MISSING: api makes remote calls',
    ]);
  });
});
