import { z } from 'zod';

/** The data shape version every deployment event is written with; bump it only with an upcaster. */
export const DEPLOYMENT_EVENTS_VERSION = 1;

const id = z.string().min(1);
const at = z.iso.datetime();

/** One resource of the app as the deploy sees it: what decides its endpoint, never its secrets. */
export const plannedResourceSchema = z.object({
  name: id,
  isLoadBalanced: z.boolean(),
  makesRemoteCalls: z.boolean(),
  configHash: id,
  /** Hash of the code it runs; a change rolls its workers even when the config is the same. */
  codeFingerprint: z.string().optional(),
  /** The worker image its endpoint runs (FLASH_WORKER_IMAGE); a change rolls its workers. */
  image: z.string().optional(),
  /** Variable → one-way fingerprint of the deployer's secret it gets (never the value); a change rolls it. */
  secretFingerprints: z.record(z.string(), z.string()).optional(),
});
export type PlannedResource = z.infer<typeof plannedResourceSchema>;

/** What the environment held before this deployment, per resource (from the endpoint inventory). */
export const previousEndpointSchema = z.object({
  endpointId: id,
  configHash: id,
  keyFingerprint: z.string().nullable(),
  codeFingerprint: z.string().optional(),
  /** Absent for endpoints recorded before images were. */
  image: z.string().optional(),
  secretFingerprints: z.record(z.string(), z.string()).optional(),
  /** Drift a refresh or webhook recorded and no deployment has repaired yet. */
  drift: z.enum(['deleted', 'changed', 'unmanaged']).optional(),
});
export type PreviousEndpoint = z.infer<typeof previousEndpointSchema>;

export const targetSchema = z.object({ kind: z.enum(['local', 'runpod']), url: z.string().min(1) });
export type Target = z.infer<typeof targetSchema>;

export const deploymentRequested = z.object({
  type: z.literal('DeploymentRequested'),
  data: z.object({
    deploymentId: id,
    /** `undeploy` removes every endpoint of the environment; it has no resources and publishes nothing. */
    intent: z.enum(['deploy', 'undeploy']).default('deploy'),
    app: id,
    environment: id,
    target: targetSchema,
    /** The build's manifest, without secrets and without `resources_endpoints`. */
    manifest: z.record(z.string(), z.unknown()),
    resources: z.array(plannedResourceSchema),
    previous: z.record(z.string(), previousEndpointSchema),
    artifact: z.object({ path: z.string(), sha256: z.string(), bytes: z.number().int().nonnegative() }),
    /** Fingerprint of the API key that callers get; null when none is available. */
    keyFingerprint: z.string().nullable(),
    /** Set when this deployment puts back an earlier version's manifest and artifact (`flash rollback`). */
    rollbackOf: z.object({ version: z.number().int().min(1), deploymentId: id }).optional(),
    /** What outside the CLI asked for it: a push to a mapped branch, or drift under the `heal` policy. */
    trigger: z
      .discriminatedUnion('kind', [
        z.object({
          kind: z.literal('push'),
          eventId: id,
          repository: id,
          branch: id,
          commit: z.string(),
        }),
        z.object({ kind: z.literal('heal'), eventId: id }),
      ])
      .optional(),
    requestedBy: z.string(),
    host: z.string(),
    gitCommit: z.string().nullable(),
    at,
  }),
});

export const deploymentRejected = z.object({
  type: z.literal('DeploymentRejected'),
  data: z.object({
    deploymentId: id,
    code: id,
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
    at,
  }),
});

export const buildActivated = z.object({
  type: z.literal('BuildActivated'),
  data: z.object({ deploymentId: id, appId: id, environmentId: id, buildId: id, at }),
});

export const keyInjected = z.object({
  type: z.literal('KeyInjected'),
  data: z.object({ deploymentId: id, resource: id, envVar: id, fingerprint: id }),
});

export const endpointProvisioned = z.object({
  type: z.literal('EndpointProvisioned'),
  data: z.object({
    deploymentId: id,
    resource: id,
    endpointId: id,
    action: z.enum(['created', 'updated', 'unchanged']),
    configHash: id,
    keyFingerprint: z.string().nullable(),
    codeFingerprint: z.string().optional(),
    image: z.string().optional(),
    /** The fingerprints of the secrets its workers got: the planned ones. */
    secretFingerprints: z.record(z.string(), z.string()).optional(),
    at,
  }),
});

export const endpointProvisioningFailed = z.object({
  type: z.literal('EndpointProvisioningFailed'),
  data: z.object({ deploymentId: id, resource: id, code: id, message: z.string(), at }),
});

export const urlCollected = z.object({
  type: z.literal('UrlCollected'),
  data: z.object({ deploymentId: id, resource: id, endpointId: id, url: z.string().min(1) }),
});

export const endpointRemoved = z.object({
  type: z.literal('EndpointRemoved'),
  data: z.object({ deploymentId: id, resource: id, endpointId: id, at }),
});

export const manifestFinalized = z.object({
  type: z.literal('ManifestFinalized'),
  data: z.object({
    deploymentId: id,
    resourcesEndpoints: z.record(z.string(), z.string()),
    manifestHash: id,
  }),
});

export const manifestPublishAttemptFailed = z.object({
  type: z.literal('ManifestPublishAttemptFailed'),
  data: z.object({
    deploymentId: id,
    attempt: z.number().int().positive(),
    code: id,
    message: z.string(),
    /** Milliseconds until the next attempt; null when the budget is spent. */
    nextRetryInMs: z.number().int().nonnegative().nullable(),
    at,
  }),
});

export const manifestPublished = z.object({
  type: z.literal('ManifestPublished'),
  data: z.object({
    deploymentId: id,
    buildId: id,
    manifestHash: id,
    attempt: z.number().int().positive(),
    at,
  }),
});

export const deploymentSucceeded = z.object({
  type: z.literal('DeploymentSucceeded'),
  data: z.object({ deploymentId: id, at }),
});

export const deploymentFailed = z.object({
  type: z.literal('DeploymentFailed'),
  data: z.object({
    deploymentId: id,
    code: id,
    failedResources: z.array(z.string()),
    message: z.string(),
    at,
  }),
});

export const deploymentResumed = z.object({
  type: z.literal('DeploymentResumed'),
  data: z.object({ deploymentId: id, by: z.string(), at }),
});

export const deploymentEventSchema = z.discriminatedUnion('type', [
  deploymentRequested,
  deploymentRejected,
  buildActivated,
  keyInjected,
  endpointProvisioned,
  endpointProvisioningFailed,
  urlCollected,
  endpointRemoved,
  manifestFinalized,
  manifestPublishAttemptFailed,
  manifestPublished,
  deploymentSucceeded,
  deploymentFailed,
  deploymentResumed,
]);
export type DeploymentEvent = z.infer<typeof deploymentEventSchema>;
export type DeploymentEventType = DeploymentEvent['type'];
export type EventOf<T extends DeploymentEventType> = Extract<DeploymentEvent, { type: T }>;
export type DeploymentRequestedData = EventOf<'DeploymentRequested'>['data'];

export const DEPLOYMENT_EVENT_TYPES: readonly DeploymentEventType[] = deploymentEventSchema.options.map(
  (o) => o.shape.type.value,
);
