import { hostname } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/adapters/eventstore/sqlite/sqlite-event-store';
import { createLedgerApp, type LedgerApp } from '../../src/app.module';
import type { BuildResult } from '../../src/build/build-app';
import { deployTarget, type DeployTarget } from '../../src/adapters/runpod/deploy-target';
import {
  deploymentRequest,
  driveDeployment,
  requestDeployment,
  type Progress,
} from '../../src/ledger/deploy-session';
import type { PreviousEndpoint } from '../../src/domain/deployment/deployment.events';
import type { Deployment } from '../../src/domain/deployment/deployment.state';
import type { PublishPolicy } from '../../src/reactors/publication.saga';
import {
  ALL_PROJECTIONS,
  ENDPOINT_INVENTORY,
  previousEndpoints,
  ProjectionRunner,
  type EndpointInventoryView,
} from '../../src/projections';
import { tempDir } from './ledger-processes';

export interface LedgerHarness {
  ledger: LedgerApp;
  target: DeployTarget;
  store: SqliteEventStore;
  views: ProjectionRunner;
  close(): Promise<void>;
}

/** The real Nest module on a fresh embedded store, deploying to the local cloud at `url`. */
export async function ledgerFor(
  url: string,
  apiKey: string | undefined,
  options: { dir?: string; publishPolicy?: PublishPolicy } = {},
): Promise<LedgerHarness> {
  const dir = options.dir ?? tempDir('flash-ledger-');
  const store = new SqliteEventStore(join(dir, 'ledger.db'));
  const views = new ProjectionRunner(store, join(dir, 'projections.db'), ALL_PROJECTIONS);
  const target = deployTarget({ kind: 'local', url, apiKey });
  const ledger = await createLedgerApp({
    store,
    target,
    publishPolicy: options.publishPolicy ?? { attempts: 3, baseMs: 20, capMs: 100 },
  });
  return {
    ledger,
    target,
    store,
    views,
    close: async () => {
      views.close();
      await ledger.close();
      await target.close();
      await store.close();
    },
  };
}

/** Requests and drives a deployment of `build` to the harness's target. */
export async function deployBuild(
  h: LedgerHarness,
  build: BuildResult,
  options: { environment?: string; previous?: Record<string, PreviousEndpoint>; progress?: Progress } = {},
): Promise<{
  outcome: Awaited<ReturnType<typeof requestDeployment>>;
  state?: Deployment;
  deploymentId: string;
}> {
  const app = build.manifest.project_name;
  const environment = options.environment ?? 'dev';
  await h.views.catchUp();
  const previous =
    options.previous ??
    previousEndpoints(h.views.view<EndpointInventoryView>(ENDPOINT_INVENTORY), app, environment);
  const request = await deploymentRequest({
    app,
    environment,
    target: h.target,
    manifest: build.manifest,
    artifact: { path: build.artifactPath, bytes: build.artifactBytes },
    previous,
    who: { requestedBy: 'user:test', host: hostname(), gitCommit: null },
  });
  const outcome = await requestDeployment(h.ledger, request);
  if (!outcome.ok) return { outcome, deploymentId: request.deploymentId };
  const state = await driveDeployment(h.ledger, request.deploymentId, options.progress);
  return { outcome, state, deploymentId: request.deploymentId };
}
