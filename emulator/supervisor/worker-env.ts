import type { EndpointRecord, EnvVar } from '../state/records';
import {
  baseUrlVariables,
  PROCESS_BASICS,
  runpodWorkerVariables,
  type PROCESS_RUNTIME_ONLY,
} from './runpod-env';

export interface WorkerEnvInput {
  cloudUrl: string;
  endpoint: EndpointRecord;
  templateEnv: EnvVar[];
  workerId: string;
  ports?: { port: number; health: number };
  pingIntervalMs: number;
}

/** What a worker process has instead of RunPod's fixed paths (runpod-env.ts, `PROCESS_RUNTIME_ONLY`). */
export interface ProcessPlaces {
  /** None for a live worker (flash dev): it runs the code each request ships. */
  artifactPath?: string;
  appDir: string;
  tmpDir: string;
  volumeDir?: string;
}

/**
 * The environment of a worker on RunPod: its template's env, then the variables RunPod sets (they win,
 * as the platform's `PORT` replaces a template's `80`), then the two base URLs pointing at this cloud.
 * The container runtime gives a worker exactly this, on top of its image's own environment.
 */
export function runpodEnvironment(input: WorkerEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { key, value } of input.templateEnv) env[key] = value;
  return { ...env, ...runpodWorkerVariables(input), ...baseUrlVariables(input.cloudUrl) };
}

/**
 * The environment of a worker process: the process basics from the cloud's own environment (nothing
 * else of it, no API key), RunPod's environment, and the process runtime's places, which win.
 */
export function processEnvironment(
  input: WorkerEnvInput,
  places: ProcessPlaces,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of PROCESS_BASICS) if (base[name] !== undefined) env[name] = base[name];
  const only: Record<keyof typeof PROCESS_RUNTIME_ONLY, string | undefined> = {
    FLASH_BUILD_ARTIFACT_PATH: places.artifactPath,
    FLASH_APP_DIR: places.appDir,
    FLASH_VOLUME_PATH: input.endpoint.networkVolumeId ? places.volumeDir : undefined,
    FLASH_WORKER_HOST: '127.0.0.1',
    FLASH_CLOUD_LIFELINE: 'stdin',
    TMPDIR: places.tmpDir,
  };
  Object.assign(env, runpodEnvironment(input));
  // the places win over a template's values: the worker must unpack where its cloud can clean up
  for (const [key, value] of Object.entries(only)) if (value !== undefined) env[key] = value;
  return env;
}
