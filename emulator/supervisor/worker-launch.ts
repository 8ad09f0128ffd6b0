import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlState } from '../state/control-state';
import type { EndpointRecord, EnvVar } from '../state/records';
import { freePort } from '../../worker/contract/free-port';
import { withAccountSecrets } from './account-secrets';
import { containerWorker, imagePresent, type ContainerRuntime } from './container-worker';
import type { WorkerProcess } from './worker-process';
import { recordWorker } from './worker-records';
import { processEnvironment, type WorkerEnvInput } from './worker-env';

/**
 * How workers run: `process` (the default, fast) starts `node <workerEntry>` on this machine;
 * `container` runs each worker as a container of its endpoint's image, exactly as RunPod would.
 */
export type WorkerRuntime = { kind: 'process'; workerEntry: string } | ContainerRuntime;

export interface LaunchInput {
  home: string;
  state: ControlState;
  endpoint: EndpointRecord;
  cloudUrl: string;
  runtime: WorkerRuntime;
  pingIntervalMs: number;
  /** True once the cloud stops: a worker prepared meanwhile is not started. */
  closed: () => boolean;
  /** The cloud's log: a reference to an account secret that does not exist is told there. */
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export type Launch = { ok: true; worker: WorkerProcess } | { ok: false; problem?: string };

/** What a worker of the endpoint runs: its environment's active build, or nothing for a live endpoint. */
function artifactOf(state: ControlState, endpoint: EndpointRecord) {
  const environment = endpoint.flashEnvironmentId
    ? state.get('environment', endpoint.flashEnvironmentId)
    : undefined;
  const build = environment?.activeBuildId ? state.get('build', environment.activeBuildId) : undefined;
  const upload = build ? state.get('upload', build.objectKey) : undefined;
  const template = state.get('template', endpoint.templateId);
  // a live worker (flash dev) runs the code each request ships: it needs no artifact
  const live = (template?.env ?? []).some((v) => v.key === 'FLASH_ENDPOINT_TYPE' && v.value === 'live');
  return { template, live, artifact: upload?.received ? upload.path : undefined };
}

/**
 * The template's env with RunPod's account-secret references resolved now, at boot: a rotated secret
 * reaches the next worker. A missing secret leaves its reference as it is, with one line in the cloud's
 * log naming the endpoint and the secret (never a value).
 */
function bootEnv(input: LaunchInput, env: readonly EnvVar[]): EnvVar[] {
  const { state, endpoint } = input;
  return withAccountSecrets(env, {
    valueOf: (name) => state.secretByName(name)?.value,
    onMissing: (secret) =>
      input.log?.('a worker refers to an account secret that does not exist: its reference is left as is', {
        endpoint: endpoint.name,
        endpointId: endpoint.id,
        secret,
      }),
  });
}

/**
 * Starts one worker for an endpoint's current version: two free ports for an LB worker, its volume's
 * folder, its log file, and the environment RunPod gives a worker (worker-env.ts). The worker unpacks
 * its build itself, as on RunPod. Records it so a later cloud can stop it should this one die.
 */
export async function launchWorker(input: LaunchInput): Promise<Launch> {
  const { state, home, endpoint } = input;
  const { template, live, artifact } = artifactOf(state, endpoint);
  if (!live && !artifact)
    return {
      ok: false,
      problem: `endpoint ${endpoint.name} has no artifact to run: its environment has no active build (deployBuildToEnvironment)`,
    };
  const image = template?.imageName ?? '';
  if (input.runtime.kind === 'container' && !(await imagePresent(input.runtime, image)))
    return {
      ok: false,
      problem: `workers of ${endpoint.name} cannot start: its image ${image || '(none)'} is not on this machine; build it with \`flash image build --tag ${image || 'IMAGE'}\` (a deploy takes the image from FLASH_WORKER_IMAGE)`,
    };
  const id = state.newId('worker');
  const ports = endpoint.type === 'LB' ? { port: await freePort(), health: await freePort() } : undefined;
  const volumeDir = endpoint.networkVolumeId ? join(home, 'volumes', endpoint.networkVolumeId) : undefined;
  if (volumeDir) mkdirSync(volumeDir, { recursive: true });
  const logDir = join(home, 'logs', endpoint.id);
  mkdirSync(logDir, { recursive: true });
  if (input.closed()) return { ok: false }; // the cloud stopped while this worker was being prepared
  const envInput: WorkerEnvInput = {
    cloudUrl: input.cloudUrl,
    endpoint,
    templateEnv: bootEnv(input, template?.env ?? []),
    workerId: id,
    ports,
    pingIntervalMs: input.pingIntervalMs,
  };
  const log = openSync(join(logDir, `${id}.log`), 'a');
  let started: { child: ChildProcess; forceStop?: () => void; cleanUp?: () => void };
  try {
    started =
      input.runtime.kind === 'process'
        ? processWorker(home, id, input.runtime.workerEntry, envInput, { artifact, volumeDir }, log)
        : containerWorker(input.runtime, {
            env: envInput,
            image,
            artifact,
            volumeDir,
            log,
          });
  } finally {
    closeSync(log);
  }
  recordWorker(home, id, started.child.pid);
  return {
    ok: true,
    worker: {
      id,
      endpointId: endpoint.id,
      version: endpoint.version,
      child: started.child,
      ...(started.forceStop ? { forceStop: started.forceStop } : {}),
      ...(started.cleanUp ? { cleanUp: started.cleanUp } : {}),
      ports,
      ready: false,
      lastBusyAt: Date.now(),
      stopping: false,
      signalled: false,
    },
  };
}

/**
 * `node <entry>` in the worker's own folder (`<home>/worker-files/<id>`: the app it unpacks, its temp
 * files), removed when it exits. Its stdin is a pipe this cloud holds (the lifeline: when the cloud dies,
 * the worker sees stdin end and exits).
 */
function processWorker(
  home: string,
  id: string,
  entry: string,
  envInput: WorkerEnvInput,
  files: { artifact?: string; volumeDir?: string },
  log: number,
) {
  const own = join(home, 'worker-files', id);
  mkdirSync(join(own, 'tmp'), { recursive: true });
  const env = processEnvironment(envInput, {
    artifactPath: files.artifact,
    appDir: join(own, 'app'),
    tmpDir: join(own, 'tmp'),
    volumeDir: files.volumeDir,
  });
  const child = spawn(process.execPath, [entry], { cwd: own, env, stdio: ['pipe', log, log] });
  // never written to; an error on it (the worker gone) must not end the cloud
  child.stdin?.on('error', () => undefined);
  return { child, cleanUp: () => rmSync(own, { recursive: true, force: true }) };
}
