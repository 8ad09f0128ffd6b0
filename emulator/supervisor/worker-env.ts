import type { EndpointRecord, EnvVar } from '../state/records';

/** Variables a worker inherits from the cloud's own environment; nothing else leaks in (no API key). */
const INHERITED = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR', 'SYSTEMROOT'];

export interface WorkerEnvInput {
  cloudUrl: string;
  endpoint: EndpointRecord;
  templateEnv: EnvVar[];
  workerId: string;
  appDir: string;
  ports?: { port: number; health: number };
  volumeDir?: string;
  pingIntervalMs: number;
  /** How long a stopped worker may finish the jobs it holds (`FLASH_STOP_GRACE_MS`). */
  stopGraceMs?: number;
}

/**
 * The environment RunPod gives a worker (docs/RUNPOD.md, "Worker environment") plus the endpoint's
 * template env. URLs point at this cloud; the job URLs already hold `?`.
 */
export function workerEnvironment(
  input: WorkerEnvInput,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const { cloudUrl, endpoint, workerId } = input;
  const env: NodeJS.ProcessEnv = {};
  for (const name of INHERITED) if (base[name] !== undefined) env[name] = base[name];
  for (const { key, value } of input.templateEnv) env[key] = value;
  const v2 = `${cloudUrl}/v2/${endpoint.id}`;
  Object.assign(env, {
    RUNPOD_ENDPOINT_ID: endpoint.id,
    RUNPOD_POD_ID: workerId,
    RUNPOD_POD_HOSTNAME: `${workerId}-local`,
    RUNPOD_AI_API_KEY: endpoint.aiKey,
    RUNPOD_WEBHOOK_GET_JOB: `${v2}/job-take/$ID?gpu=local`,
    RUNPOD_WEBHOOK_POST_OUTPUT: `${v2}/job-done/$RUNPOD_POD_ID/$ID?gpu=local`,
    RUNPOD_WEBHOOK_POST_STREAM: `${v2}/job-stream/$RUNPOD_POD_ID/$ID?gpu=local`,
    RUNPOD_WEBHOOK_PING: `${v2}/ping/$RUNPOD_POD_ID`,
    RUNPOD_PING_INTERVAL: String(input.pingIntervalMs),
    RUNPOD_API_BASE_URL: cloudUrl,
    RUNPOD_ENDPOINT_BASE_URL: `${cloudUrl}/v2`,
    RUNPOD_SKIP_GPU_CHECK: 'true',
    RUNPOD_SKIP_AUTO_SYSTEM_CHECKS: 'true',
    RUNPOD_GPU_COUNT: String(endpoint.gpuIds ? (endpoint.gpuCount ?? 1) : 0),
    FLASH_APP_DIR: input.appDir,
    FLASH_WORKER_HOST: '127.0.0.1',
    NODE_ENV: 'production',
    // the cloud holds the worker's stdin: its end means the cloud is gone (worker/runtime/cloud-lifeline.ts)
    FLASH_CLOUD_LIFELINE: 'stdin',
  });
  if (input.stopGraceMs !== undefined) env.FLASH_STOP_GRACE_MS = String(input.stopGraceMs);
  if (input.ports)
    Object.assign(env, { PORT: String(input.ports.port), PORT_HEALTH: String(input.ports.health) });
  if (input.volumeDir && endpoint.networkVolumeId) {
    // RunPod mounts the volume at /runpod-volume; locally it is a directory, named here.
    Object.assign(env, { RUNPOD_VOLUME_ID: endpoint.networkVolumeId, FLASH_VOLUME_PATH: input.volumeDir });
  }
  return env;
}
