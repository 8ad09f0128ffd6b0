import { hostname } from 'node:os';
import type { EventStore } from '../../src/adapters/eventstore/eventstore.port';
import { deployTarget, type DeployTarget } from '../../src/ledger/target';
import { Ledger, type OnEvent, type PublishPolicy, type RequestOutcome } from '../../src/ledger/ledger';
import { deploymentRequest } from '../../src/ledger/request';
import type { BuildResult } from '../../src/ledger/build';
import type { PreviousEndpoint } from '../../src/domain/deployment/deployment.events';
import type { Deployment } from '../../src/domain/deployment/deployment.state';
import { ENDPOINT_INVENTORY, previousEndpoints, type EndpointInventoryView } from '../../src/projections';
import { tempDir } from './ledger-processes';

export interface LedgerHarness {
  ledger: Ledger;
  target: DeployTarget;
  store: EventStore;
  close(): Promise<void>;
}

/** The door (the real Nest module inside) on a fresh embedded store, deploying to the local cloud at `url`. */
export async function ledgerFor(
  url: string,
  apiKey: string | undefined,
  options: { dir?: string; publishPolicy?: PublishPolicy } = {},
): Promise<LedgerHarness> {
  const dir = options.dir ?? tempDir('flash-ledger-');
  const target = deployTarget({ kind: 'local', url, apiKey });
  const ledger = await Ledger.open({
    home: dir,
    target,
    publishPolicy: options.publishPolicy ?? { attempts: 3, baseMs: 20, capMs: 100 },
  });
  return {
    ledger,
    target,
    store: ledger.store,
    close: async () => {
      await ledger.close();
      await target.close();
    },
  };
}

/** Requests and drives a deployment of `build` to the harness's target. */
export async function deployBuild(
  h: LedgerHarness,
  build: BuildResult,
  options: { environment?: string; previous?: Record<string, PreviousEndpoint>; progress?: OnEvent } = {},
): Promise<{ outcome: RequestOutcome; state?: Deployment; deploymentId: string }> {
  const app = build.manifest.project_name;
  const environment = options.environment ?? 'dev';
  await h.ledger.views.catchUp();
  const previous =
    options.previous ??
    previousEndpoints(h.ledger.views.view<EndpointInventoryView>(ENDPOINT_INVENTORY), app, environment);
  const request = await deploymentRequest({
    app,
    environment,
    target: h.target,
    manifest: build.manifest,
    artifact: { path: build.artifactPath, bytes: build.artifactBytes },
    previous,
    who: { requestedBy: 'user:test', host: hostname(), gitCommit: null },
    at: h.ledger.now(),
  });
  const outcome = await h.ledger.request(request);
  if (!outcome.ok) return { outcome, deploymentId: request.deploymentId };
  const state = await h.ledger.drive(request.deploymentId, options.progress);
  return { outcome, state, deploymentId: request.deploymentId };
}
