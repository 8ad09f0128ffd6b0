import type { EndpointRecord } from '../state/records';

/**
 * Every variable RunPod sets on a serverless worker, with where it is documented. A worker of this cloud
 * gets these, its template's env, the process basics and the two base URLs below; nothing else, except
 * in the process runtime, which differs from RunPod in the one place named `PROCESS_RUNTIME_ONLY`.
 */
export const RUNPOD_WORKER_VARIABLES = {
  RUNPOD_WEBHOOK_GET_JOB:
    'job-take URL, `$ID` = worker id (runpod-python serverless/modules/rp_job.py; docs.runpod.io/serverless/workers)',
  RUNPOD_WEBHOOK_POST_OUTPUT: 'job-done URL (runpod-python serverless/modules/rp_http.py)',
  RUNPOD_WEBHOOK_POST_STREAM: 'stream URL (runpod-python serverless/modules/rp_http.py)',
  RUNPOD_WEBHOOK_PING: 'heartbeat URL (runpod-python serverless/modules/rp_ping.py)',
  RUNPOD_PING_INTERVAL: 'heartbeat period in ms (runpod-python serverless/modules/rp_ping.py)',
  RUNPOD_AI_API_KEY: "the worker's key for the job API (runpod-python http_client.py)",
  RUNPOD_POD_ID: 'the worker id (docs.runpod.io/pods/references/environment-variables)',
  RUNPOD_POD_HOSTNAME: "the worker's host name (docs.runpod.io/pods/references/environment-variables)",
  RUNPOD_ENDPOINT_ID: 'the endpoint id (docs.runpod.io/serverless/workers/handler-functions)',
  RUNPOD_GPU_COUNT: 'GPUs of the worker (docs.runpod.io/pods/references/environment-variables)',
  RUNPOD_CPU_COUNT: 'vCPUs of the worker (docs.runpod.io/pods/references/environment-variables)',
  RUNPOD_DC_ID: 'the data center (docs.runpod.io/pods/references/environment-variables)',
  RUNPOD_VOLUME_ID:
    'the network volume, mounted at /runpod-volume (docs.runpod.io/serverless/storage/network-volumes)',
  PORT: "a load-balanced worker's HTTP port (docs.runpod.io/serverless/load-balancing/build-a-worker)",
  PORT_HEALTH:
    "a load-balanced worker's /ping port (docs.runpod.io/serverless/load-balancing/build-a-worker)",
} as const;

/** Where RunPod puts a Flash worker's artifact and network volume. */
export const RUNPOD_PATHS = {
  artifact: '/root/.runpod/artifact.tar.gz',
  volume: '/runpod-volume',
} as const;

/**
 * The control-plane and data-plane bases RunPod's own SDKs read. The one sanctioned addition: the cloud
 * sets them to itself, as another RunPod region would, so that calls between endpoints stay on it.
 * Unset, a worker uses RunPod's public URLs.
 */
export const BASE_URL_VARIABLES = ['RUNPOD_API_BASE_URL', 'RUNPOD_ENDPOINT_BASE_URL'] as const;

/** What a worker's process inherits from its host, as any process does; nothing else leaks in. */
export const PROCESS_BASICS = ['PATH', 'HOME', 'LANG', 'TZ'] as const;

/**
 * Where the process runtime cannot be RunPod: a worker process shares this machine, so it has no
 * /runpod-volume mount, no fixed artifact path, no network of its own and nobody to stop it should the
 * cloud die. Each variable names the path or setting it stands for. The container runtime sets none.
 */
export const PROCESS_RUNTIME_ONLY = {
  FLASH_BUILD_ARTIFACT_PATH: 'the artifact in the cloud folder (RunPod: /root/.runpod/artifact.tar.gz)',
  FLASH_APP_DIR: "the worker's own folder to unpack it into (RunPod: /app)",
  FLASH_VOLUME_PATH: "the volume's folder (RunPod: the volume mounted at /runpod-volume)",
  FLASH_WORKER_HOST: '127.0.0.1, where the HTTP ports listen (RunPod: every interface of its own network)',
  FLASH_CLOUD_LIFELINE: 'stdin, a pipe the cloud holds: the worker exits when the cloud dies',
  TMPDIR: "a folder in the worker's own, removed with it",
} as const;

export interface RunpodEnvInput {
  cloudUrl: string;
  endpoint: EndpointRecord;
  workerId: string;
  pingIntervalMs: number;
  /** A load-balanced worker's two ports. */
  ports?: { port: number; health: number };
}

/** vCPUs of a CPU instance id such as `cpu3c-2-4` (2); a GPU worker reports this machine's share (1). */
function cpuCount(endpoint: EndpointRecord): number {
  const vcpus = Number(/^cpu\d+[a-z]*-(\d+)-/.exec(endpoint.instanceIds?.[0] ?? '')?.[1]);
  return Number.isInteger(vcpus) && vcpus > 0 ? vcpus : 1;
}

/** The RunPod variables of one worker, URLs pointing at this cloud (the job URLs already hold `?`). */
export function runpodWorkerVariables(input: RunpodEnvInput): Record<string, string> {
  const { cloudUrl, endpoint, workerId } = input;
  const v2 = `${cloudUrl}/v2/${endpoint.id}`;
  const env: Record<string, string> = {
    RUNPOD_WEBHOOK_GET_JOB: `${v2}/job-take/$ID?gpu=local`,
    RUNPOD_WEBHOOK_POST_OUTPUT: `${v2}/job-done/$RUNPOD_POD_ID/$ID?gpu=local`,
    RUNPOD_WEBHOOK_POST_STREAM: `${v2}/job-stream/$RUNPOD_POD_ID/$ID?gpu=local`,
    RUNPOD_WEBHOOK_PING: `${v2}/ping/$RUNPOD_POD_ID`,
    RUNPOD_PING_INTERVAL: String(input.pingIntervalMs),
    RUNPOD_AI_API_KEY: endpoint.aiKey,
    RUNPOD_POD_ID: workerId,
    RUNPOD_POD_HOSTNAME: `${workerId}-local`,
    RUNPOD_ENDPOINT_ID: endpoint.id,
    RUNPOD_GPU_COUNT: String(endpoint.gpuIds ? (endpoint.gpuCount ?? 1) : 0),
    RUNPOD_CPU_COUNT: String(cpuCount(endpoint)),
    RUNPOD_DC_ID: endpoint.locations?.split(',')[0]?.trim() || 'LOCAL',
  };
  if (endpoint.networkVolumeId) env.RUNPOD_VOLUME_ID = endpoint.networkVolumeId;
  if (input.ports)
    Object.assign(env, { PORT: String(input.ports.port), PORT_HEALTH: String(input.ports.health) });
  return env;
}

/** The two base URLs, set to this cloud. */
export function baseUrlVariables(cloudUrl: string): Record<(typeof BASE_URL_VARIABLES)[number], string> {
  return { RUNPOD_API_BASE_URL: cloudUrl, RUNPOD_ENDPOINT_BASE_URL: `${cloudUrl}/v2` };
}
