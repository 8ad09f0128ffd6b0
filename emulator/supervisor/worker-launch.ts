import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlState } from '../state/control-state';
import type { EndpointRecord } from '../state/records';
import { unpackedBuild } from './artifact-store';
import { freePort } from '../../worker/contract/free-port';
import type { WorkerProcess } from './worker-process';
import { recordWorker } from './worker-records';
import { workerEnvironment } from './worker-env';

export interface LaunchInput {
  home: string;
  state: ControlState;
  endpoint: EndpointRecord;
  cloudUrl: string;
  workerEntry: string;
  pingIntervalMs: number;
  stopGraceMs: number;
  /** True once the cloud stops: a worker prepared meanwhile is not started. */
  closed: () => boolean;
}

export type Launch = { ok: true; worker: WorkerProcess } | { ok: false; problem?: string };

/**
 * Starts one worker process for an endpoint's current version: its build unpacked, two free ports for
 * an LB worker, its log file, and its stdin a pipe this cloud holds (the lifeline: when the cloud dies,
 * the worker sees stdin end and exits). Records it so a later cloud can stop it should this one die.
 */
export async function launchWorker(input: LaunchInput): Promise<Launch> {
  const { state, home, endpoint } = input;
  const environment = endpoint.flashEnvironmentId
    ? state.get('environment', endpoint.flashEnvironmentId)
    : undefined;
  const build = environment?.activeBuildId ? state.get('build', environment.activeBuildId) : undefined;
  const upload = build ? state.get('upload', build.objectKey) : undefined;
  const template = state.get('template', endpoint.templateId);
  // a live worker (flash dev) runs the code each request ships: it needs no artifact
  const live = (template?.env ?? []).some((v) => v.key === 'FLASH_ENDPOINT_TYPE' && v.value === 'live');
  if (!live && (!build || !upload?.received))
    return {
      ok: false,
      problem: `endpoint ${endpoint.name} has no artifact to run: its environment has no active build (deployBuildToEnvironment)`,
    };
  const appDir =
    live || !build || !upload ? join(home, 'live') : await unpackedBuild(home, build.id, upload.path);
  mkdirSync(appDir, { recursive: true });
  const id = state.newId('worker');
  const ports = endpoint.type === 'LB' ? { port: await freePort(), health: await freePort() } : undefined;
  const volumeDir = endpoint.networkVolumeId ? join(home, 'volumes', endpoint.networkVolumeId) : undefined;
  if (volumeDir) mkdirSync(volumeDir, { recursive: true });
  const logDir = join(home, 'logs', endpoint.id);
  mkdirSync(logDir, { recursive: true });
  if (input.closed()) return { ok: false }; // the cloud stopped while this worker was being prepared
  const env = workerEnvironment({
    cloudUrl: input.cloudUrl,
    endpoint,
    templateEnv: template?.env ?? [],
    workerId: id,
    appDir,
    ports,
    volumeDir,
    pingIntervalMs: input.pingIntervalMs,
    stopGraceMs: input.stopGraceMs,
  });
  const log = openSync(join(logDir, `${id}.log`), 'a');
  const child = spawn(process.execPath, [input.workerEntry], {
    cwd: appDir,
    env,
    stdio: ['pipe', log, log],
  });
  closeSync(log);
  // never written to; an error on it (the worker gone) must not end the cloud
  child.stdin?.on('error', () => undefined);
  recordWorker(home, id, child.pid);
  return {
    ok: true,
    worker: {
      id,
      endpointId: endpoint.id,
      version: endpoint.version,
      child,
      ports,
      ready: false,
      lastBusyAt: Date.now(),
      stopping: false,
      signalled: false,
    },
  };
}
