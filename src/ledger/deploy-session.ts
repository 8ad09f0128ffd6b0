import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import type { RecordedEvent } from '../adapters/eventstore/eventstore.port';
import type { LedgerApp } from '../app.module';
import { fold } from '../domain/deployment/deployment.decider';
import type {
  DeploymentEvent,
  DeploymentRequestedData,
  PlannedResource,
  PreviousEndpoint,
} from '../domain/deployment/deployment.events';
import type { Deployment } from '../domain/deployment/deployment.state';
import { deploymentStream } from '../domain/streams';
import type { Manifest } from '../../worker/contract/manifest';
import { isDeploymentEvent, toDomainEvent } from '../domain/domain-events';
import {
  ExecuteDeploymentCommand,
  ReleaseEnvironmentCommand,
  RequestDeploymentCommand,
  ResumeDeploymentCommand,
  type RequestOutcome,
} from '../commands/deployment/deployment.messages';
import { keyFingerprint, type DeployTarget } from '../adapters/runpod/deploy-target';
import { ProvisioningReactor } from '../reactors/provisioning.reactor';
import { PublicationSaga } from '../reactors/publication.saga';
import { nowIso, sha256File } from '../reactors/reactor-context';

export interface Who {
  requestedBy: string;
  host: string;
  gitCommit: string | null;
}

/** A build's resources as a deployment plans them: what decides each endpoint, never its secrets. */
export function plannedResources(manifest: Manifest): PlannedResource[] {
  return Object.entries(manifest.resources).map(([name, r]) => ({
    name,
    isLoadBalanced: r.is_load_balanced,
    makesRemoteCalls: r.makes_remote_calls,
    configHash: r.config_hash,
    ...(r.code_fingerprint ? { codeFingerprint: r.code_fingerprint } : {}),
  }));
}

/** The request for deploying a build (or, with `manifest` undefined, for removing every endpoint). */
export async function deploymentRequest(input: {
  app: string;
  environment: string;
  target: DeployTarget;
  manifest?: Manifest;
  artifact?: { path: string; bytes: number };
  previous: Record<string, PreviousEndpoint>;
  who: Who;
  deploymentId?: string;
}): Promise<DeploymentRequestedData> {
  const { manifest, artifact } = input;
  const resources = manifest ? plannedResources(manifest) : [];
  return {
    deploymentId: input.deploymentId ?? randomUUID(),
    intent: manifest ? 'deploy' : 'undeploy',
    app: input.app,
    environment: input.environment,
    target: { kind: input.target.kind, url: input.target.url },
    manifest: manifest ? { ...manifest } : {},
    resources,
    previous: input.previous,
    artifact: artifact
      ? { path: artifact.path, bytes: artifact.bytes, sha256: await sha256File(artifact.path) }
      : { path: '', bytes: 0, sha256: '' },
    keyFingerprint: input.target.apiKey ? keyFingerprint(input.target.apiKey) : null,
    requestedBy: input.who.requestedBy,
    host: input.who.host,
    gitCommit: input.who.gitCommit,
    at: nowIso(),
  };
}

export type Progress = (event: DeploymentEvent, recorded: RecordedEvent) => void;

async function readDeployment(ledger: LedgerApp, deploymentId: string): Promise<RecordedEvent[]> {
  return ledger.store.read(deploymentStream(deploymentId));
}

/**
 * Runs the reactor and the saga for one deployment in this process until it ends (or `signal` aborts),
 * reporting each new event of the deployment as it is recorded. Answers the deployment's state then.
 */
export async function driveDeployment(
  ledger: LedgerApp,
  deploymentId: string,
  progress: Progress = () => undefined,
  signal?: AbortSignal,
): Promise<Deployment> {
  const seen = new Set((await readDeployment(ledger, deploymentId)).map((e) => e.id));
  const report = (recorded: RecordedEvent): void => {
    if (seen.has(recorded.id)) return;
    seen.add(recorded.id);
    const event = toDomainEvent(recorded);
    if (isDeploymentEvent(event)) progress(event, recorded);
  };
  const stream = deploymentStream(deploymentId);
  const watch = ledger.store.subscribeToAll({
    fromPosition:
      (await ledger.store.read(stream, { direction: 'backwards', limit: 1 }))[0]?.position ?? 'start',
  });
  const watching = (async () => {
    for await (const recorded of watch) if (recorded.stream === stream) report(recorded);
  })();
  const provisioning = ledger.app.get(ProvisioningReactor);
  const publication = ledger.app.get(PublicationSaga);
  // an abort (Ctrl-C) lets the steps in flight be recorded, then stops both
  const stop = (): void => {
    provisioning.stop();
    publication.stop();
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    if (!signal?.aborted) await Promise.all([provisioning.run(deploymentId), publication.run(deploymentId)]);
  } finally {
    signal?.removeEventListener('abort', stop);
    await watch.close();
    await watching.catch(() => undefined);
  }
  const events = await readDeployment(ledger, deploymentId);
  events.forEach(report);
  return fold(events.map(toDomainEvent).filter(isDeploymentEvent));
}

export function requestDeployment(
  ledger: LedgerApp,
  request: DeploymentRequestedData,
): Promise<RequestOutcome> {
  return ledger.app.get(CommandBus).execute(
    new RequestDeploymentCommand(request, {
      actor: request.requestedBy,
      correlationId: request.deploymentId,
    }),
  );
}

export function resumeDeployment(
  ledger: LedgerApp,
  deploymentId: string,
  by: string,
): Promise<RequestOutcome> {
  return ledger.app
    .get(CommandBus)
    .execute(
      new ResumeDeploymentCommand(deploymentId, by, nowIso(), { actor: by, correlationId: deploymentId }),
    );
}

/** What a deployment still had to do, in words, for the message of an interrupted deploy. */
export function workLeft(state: Deployment): string[] {
  if (state.status === 'none') return [];
  const left: string[] = [];
  for (const r of Object.values(state.resources))
    if (!r.endpointId) left.push(`provision ${r.planned.name}`);
    else if (!r.url) left.push(`collect the URL of ${r.planned.name}`);
  for (const [name, r] of Object.entries(state.removals)) if (!r.removed) left.push(`remove ${name}`);
  if (state.request.intent === 'deploy') {
    if (!state.build) left.unshift('upload and activate the build');
    if (!state.finalized) left.push('finalize the manifest');
    if (!state.published) left.push('publish the manifest');
  }
  if (left.length === 0 && state.status === 'active') left.push('record the outcome');
  return left;
}

/**
 * Ends a deployment that was stopped on purpose (Ctrl-C) while it ran: records DeploymentFailed with
 * DEPLOYMENT_INTERRUPTED and frees the environment, so `flash deploy --resume` can finish it later and
 * nobody waits for a lock that no process holds any more. Answers the state after.
 */
export async function interruptDeployment(
  ledger: LedgerApp,
  deploymentId: string,
  by: string,
): Promise<Deployment> {
  const state = fold(
    (await readDeployment(ledger, deploymentId)).map(toDomainEvent).filter(isDeploymentEvent),
  );
  if (state.status !== 'active') return state;
  const bus = ledger.app.get(CommandBus);
  const meta = { actor: by, correlationId: deploymentId };
  const left = workLeft(state);
  await bus.execute(
    new ExecuteDeploymentCommand(
      {
        type: 'FailDeployment',
        data: {
          deploymentId,
          code: 'DEPLOYMENT_INTERRUPTED',
          failedResources: [],
          message: `stopped by ${by} with ${left.length} step(s) left (${left.join(', ')}); run \`flash deploy --resume ${deploymentId}\` to finish it`,
          at: nowIso(),
        },
      },
      meta,
    ),
  );
  const { app, environment } = state.request;
  await bus.execute(new ReleaseEnvironmentCommand(app, environment, deploymentId, 'failed', nowIso(), meta));
  return fold((await readDeployment(ledger, deploymentId)).map(toDomainEvent).filter(isDeploymentEvent));
}
