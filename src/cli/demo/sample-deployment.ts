import { createHash, randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '../../adapters/eventstore/eventstore.port';

/** A fingerprint of a key, never the key: what KeyInjected records. */
function fingerprint(key: string): string {
  return `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

const resources = [
  { name: 'api', is_load_balanced: true, makes_remote_calls: true, configHash: 'sha256:3f1a9c0e' },
  { name: 'gpu_worker', is_load_balanced: false, makes_remote_calls: false, configHash: 'sha256:b72d41aa' },
];

/**
 * Records the events of one sample deployment of a two-endpoint app (an LB `api` that calls a QB
 * `gpu_worker`), appending each step as its actor would, with expected revisions and causation.
 */
export async function recordSampleDeployment(store: EventStore, requestedBy: string): Promise<string> {
  const deploymentId = randomUUID();
  const stream = `deployment-${deploymentId}`;
  const cloud = 'http://127.0.0.1:7711';
  const endpoints = { api: `ep-${deploymentId.slice(0, 8)}a`, gpu_worker: `ep-${deploymentId.slice(0, 8)}g` };
  const urls = { api: `${cloud}/lb/${endpoints.api}`, gpu_worker: `${cloud}/v2/${endpoints.gpu_worker}` };
  let revision: bigint | 'no_stream' = 'no_stream';
  let cause: string = deploymentId;
  const step = async (actor: string, events: Omit<NewEvent, 'metadata'>[]): Promise<void> => {
    const withIds = events.map((e) => ({ ...e, id: e.id ?? randomUUID() }));
    const result = await store.append(
      stream,
      withIds.map((e) => ({ ...e, metadata: { actor, correlationId: deploymentId, causationId: cause } })),
      { expectedRevision: revision },
    );
    revision = result.nextRevision;
    cause = withIds[withIds.length - 1]?.id ?? cause;
  };

  await step(requestedBy, [
    {
      id: deploymentId,
      type: 'DeploymentRequested',
      data: {
        deploymentId,
        app: 'demo_app',
        env: 'dev',
        target: 'local',
        resources,
        requestedBy,
        gitCommit: null,
      },
    },
  ]);
  await step('reactor:provisioning', [
    {
      type: 'KeyInjected',
      data: { resource: 'api', envVar: 'RUNPOD_API_KEY', keyFingerprint: fingerprint('demo-key-not-stored') },
    },
    {
      type: 'EndpointProvisioned',
      data: { resource: 'api', endpointId: endpoints.api, action: 'created', configHash: 'sha256:3f1a9c0e' },
    },
    {
      type: 'EndpointProvisioned',
      data: {
        resource: 'gpu_worker',
        endpointId: endpoints.gpu_worker,
        action: 'created',
        configHash: 'sha256:b72d41aa',
      },
    },
  ]);
  await step('reactor:provisioning', [
    {
      type: 'UrlCollected',
      data: { resource: 'gpu_worker', endpointId: endpoints.gpu_worker, url: urls.gpu_worker },
    },
    { type: 'UrlCollected', data: { resource: 'api', endpointId: endpoints.api, url: urls.api } },
  ]);
  await step('saga:publication', [
    { type: 'ManifestFinalized', data: { resources_endpoints: urls, manifestHash: 'sha256:5e0c2d19' } },
  ]);
  await step('saga:publication', [
    { type: 'ManifestPublished', data: { stateManager: `${cloud}/graphql`, attempt: 1 } },
  ]);
  await step('saga:publication', [{ type: 'DeploymentSucceeded', data: { deploymentId, version: 1 } }]);
  return stream;
}
