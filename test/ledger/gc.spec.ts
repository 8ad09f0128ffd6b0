import { wantedArtifacts } from '../../src/ledger/gc';
import type {
  DeploymentHistoryView,
  DeploymentRecord,
} from '../../src/projections/deployment-history/deployment-history.projection';

function record(id: string, change: Partial<DeploymentRecord>): DeploymentRecord {
  return {
    deploymentId: id,
    app: 'app',
    environment: 'prod',
    version: null,
    target: 'local',
    requestedBy: 'user:me',
    host: 'h',
    gitCommit: null,
    requestedAt: '2026-12-01T00:00:00.000Z',
    status: 'succeeded',
    endedAt: null,
    durationMs: null,
    failure: null,
    rejection: null,
    resumedBy: null,
    resumedAt: null,
    resources: {},
    actions: { created: 0, updated: 0, unchanged: 0, removed: 0 },
    ...change,
  };
}

function view(records: DeploymentRecord[]): DeploymentHistoryView {
  return {
    order: records.map((r) => r.deploymentId),
    deployments: Object.fromEntries(records.map((r) => [r.deploymentId, r])),
  };
}

describe('the artifacts flash gc keeps', () => {
  it("keeps each environment's latest versions, whatever their status, and every deployment in progress", () => {
    const history = view([
      record('a', { version: 1, artifactSha256: 'sha-1' }),
      record('b', { version: 2, artifactSha256: 'sha-2', status: 'failed' }),
      record('c', { version: 3, artifactSha256: 'sha-3' }),
      record('d', { version: 1, artifactSha256: 'sha-staging', environment: 'staging' }),
      record('e', { version: 1, artifactSha256: 'sha-runpod', target: 'runpod' }),
      record('f', { version: null, artifactSha256: 'sha-running', status: 'in_progress' }),
      record('g', { version: null, artifactSha256: 'sha-rejected', status: 'rejected' }),
      record('h', { version: 4 }), // an undeploy: no artifact
    ]);
    expect([...wantedArtifacts(history, 2)].sort()).toEqual(
      ['sha-2', 'sha-3', 'sha-runpod', 'sha-running', 'sha-staging'].sort(),
    );
    expect([...wantedArtifacts(history, 1)].sort()).toEqual(
      ['sha-3', 'sha-runpod', 'sha-running', 'sha-staging'].sort(),
    );
  });
});
