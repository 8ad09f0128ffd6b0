/** Control-plane records of the local cloud, in RunPod's vocabulary. */
export interface AppRecord {
  id: string;
  name: string;
  createdAt: string;
}

export interface EnvironmentRecord {
  id: string;
  appId: string;
  name: string;
  state: 'PENDING' | 'DEPLOYING' | 'DEPLOYED' | 'FAILED' | 'DELETING';
  activeBuildId: string | null;
  createdAt: string;
}

export interface BuildRecord {
  id: string;
  appId: string;
  objectKey: string;
  manifest: unknown;
  createdAt: string;
}

export interface UploadRecord {
  id: string;
  appId: string;
  token: string;
  size: number;
  path: string;
  received: boolean;
  expiresAt: string;
}

export interface EnvVar {
  key: string;
  value: string;
}

export interface TemplateRecord {
  id: string;
  name: string;
  imageName: string;
  containerDiskInGb: number;
  dockerArgs: string;
  env: EnvVar[];
  readme: string;
}

export interface EndpointRecord {
  id: string;
  name: string;
  type: 'QB' | 'LB';
  templateId: string;
  gpuIds: string | null;
  gpuCount: number | null;
  instanceIds: string[] | null;
  workersMin: number;
  workersMax: number;
  workersPFBTarget: number;
  idleTimeout: number;
  scalerType: 'QUEUE_DELAY' | 'REQUEST_COUNT';
  scalerValue: number;
  locations: string | null;
  networkVolumeId: string | null;
  flashEnvironmentId: string | null;
  executionTimeoutMs: number;
  minCudaVersion: string | null;
  allowedCudaVersions: string | null;
  flashBootType: string | null;
  aiKey: string;
  userId: string;
  version: number;
  createdAt: string;
}

export interface VolumeRecord {
  id: string;
  name: string;
  size: number;
  dataCenterId: string;
}

/**
 * An account secret (RunPod's REST v2 `/v2/account/secrets`). The value lives here and in the cloud's
 * database only: routes answer the metadata (`secretMetadata`), and workers get the value at boot.
 */
export interface SecretRecord {
  id: string;
  name: string;
  description: string | null;
  value: string;
  createdAt: string;
  updatedAt: string;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** RunPod-shaped ids: 14 lower-case alphanumerics for endpoints and workers, 10 for templates and volumes. */
export function shortId(length: number, random: (n: number) => Buffer): string {
  return [...random(length)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}
