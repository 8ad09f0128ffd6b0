import { randomUUID } from 'node:crypto';
import { sha256OfFile } from '../build/artifact';
import type {
  DeploymentRequestedData,
  PlannedResource,
  PreviousEndpoint,
} from '../domain/deployment/deployment.events';
import type { Manifest } from '../../worker/contract/manifest';

export interface Who {
  requestedBy: string;
  host: string;
  gitCommit: string | null;
}

/**
 * A build's resources as a deployment plans them: what decides each endpoint, the worker image its
 * endpoint runs, and its secrets' fingerprints (never their values).
 */
export function plannedResources(
  manifest: Manifest,
  image?: string,
  secrets: Readonly<Record<string, Record<string, string>>> = {},
): PlannedResource[] {
  return Object.entries(manifest.resources).map(([name, r]) => ({
    name,
    isLoadBalanced: r.is_load_balanced,
    makesRemoteCalls: r.makes_remote_calls,
    configHash: r.config_hash,
    ...(r.code_fingerprint ? { codeFingerprint: r.code_fingerprint } : {}),
    ...(image ? { image } : {}),
    ...(secrets[name] ? { secretFingerprints: secrets[name] } : {}),
  }));
}

/** The request for deploying a build (or, with `manifest` undefined, for removing every endpoint). */
export async function deploymentRequest(input: {
  app: string;
  environment: string;
  target: { kind: 'local' | 'runpod'; url: string; keyFingerprint: string | null };
  manifest?: Manifest;
  /** The worker image every endpoint runs (worker-image.ts). */
  image?: string;
  /** Per resource, the fingerprints of its secrets (secrets.ts): never the values. */
  secretFingerprints?: Record<string, Record<string, string>>;
  artifact?: { path: string; bytes: number };
  previous: Record<string, PreviousEndpoint>;
  /** The version a rollback restores. */
  rollbackOf?: { version: number; deploymentId: string };
  /** What outside the CLI asked for it (a push, a heal). */
  trigger?: DeploymentRequestedData['trigger'];
  who: Who;
  at: string;
  deploymentId?: string;
}): Promise<DeploymentRequestedData> {
  const { manifest, artifact } = input;
  return {
    deploymentId: input.deploymentId ?? randomUUID(),
    intent: manifest ? 'deploy' : 'undeploy',
    app: input.app,
    environment: input.environment,
    target: { kind: input.target.kind, url: input.target.url },
    manifest: manifest ? { ...manifest } : {},
    resources: manifest ? plannedResources(manifest, input.image, input.secretFingerprints) : [],
    previous: input.previous,
    artifact: artifact
      ? { path: artifact.path, bytes: artifact.bytes, sha256: await sha256OfFile(artifact.path) }
      : { path: '', bytes: 0, sha256: '' },
    keyFingerprint: input.target.keyFingerprint,
    ...(input.rollbackOf ? { rollbackOf: input.rollbackOf } : {}),
    ...(input.trigger ? { trigger: input.trigger } : {}),
    requestedBy: input.who.requestedBy,
    host: input.who.host,
    gitCommit: input.who.gitCommit,
    at: input.at,
  };
}
