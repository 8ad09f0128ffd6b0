import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ContainerEngine } from '../../image/container-engine';
import { RUNPOD_PATHS } from './runpod-env';
import { runpodEnvironment, type WorkerEnvInput } from './worker-env';

const run = promisify(execFile);

/** Workers as containers of their endpoint's image, run by `engine`; `label` marks this cloud's own. */
export interface ContainerRuntime {
  kind: 'container';
  engine: ContainerEngine;
  /** Names this cloud's containers (from its folder), so a later cloud here can remove leftovers. */
  label: string;
  /** `<home>/worker-files`: each worker's env file, private to the cloud and removed with the worker. */
  filesDir: string;
  /** Images found on this machine already: asked once each. */
  present: Set<string>;
}

/** The runtime of the cloud in `home`, with the engine found on this machine. */
export function containerRuntime(home: string, engine: ContainerEngine): ContainerRuntime {
  const label = createHash('sha256').update(home).digest('hex').slice(0, 12);
  return { kind: 'container', engine, label, filesDir: join(home, 'worker-files'), present: new Set() };
}

const engineArgs = (runtime: ContainerRuntime, ...args: string[]): string[] => [
  ...runtime.engine.globalArgs,
  ...args,
];

export interface ContainerWorkerInput {
  env: WorkerEnvInput;
  image: string;
  artifact?: string;
  volumeDir?: string;
  /** The log file's descriptor: the container's output goes there. */
  log: number;
}

/**
 * `<engine> run` of the endpoint's image with RunPod's environment and nothing else (worker-env.ts),
 * the artifact mounted read-only at /root/.runpod/artifact.tar.gz, the volume at /runpod-volume, on the
 * host's network (the cloud and the worker's ports are on loopback). Values go through an env file
 * (never the command line, which other users of the machine can read).
 */
export function containerWorker(
  runtime: ContainerRuntime,
  input: ContainerWorkerInput,
): { child: ChildProcess; forceStop: () => void; cleanUp: () => void } {
  const name = `flash-${runtime.label}-${input.env.workerId}`;
  const own = join(runtime.filesDir, input.env.workerId);
  const envFile = join(own, 'env');
  mkdirSync(dirname(envFile), { recursive: true, mode: 0o700 });
  const env = runpodEnvironment(input.env);
  const multiline = Object.keys(env).filter((key) => /[\r\n]/.test(env[key] ?? ''));
  const lines = Object.entries(env).filter(([key]) => !multiline.includes(key));
  writeFileSync(envFile, lines.map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  const args = engineArgs(
    runtime,
    'run',
    '--rm',
    '--name',
    name,
    '--label',
    `flash-ledger.cloud=${runtime.label}`,
    '--network',
    'host',
    ...runtime.engine.runArgs,
    '--env-file',
    envFile,
    // an env file holds one line per variable: a value with a line break comes from the engine's env
    ...multiline.flatMap((key) => ['--env', key]),
    ...(input.artifact ? ['--volume', `${input.artifact}:${RUNPOD_PATHS.artifact}:ro`] : []),
    ...(input.volumeDir ? ['--volume', `${input.volumeDir}:${RUNPOD_PATHS.volume}`] : []),
    input.image,
  );
  const child = spawn(runtime.engine.command, args, {
    env: { ...process.env, ...Object.fromEntries(multiline.map((key) => [key, env[key]])) },
    stdio: ['ignore', input.log, input.log],
  });
  return {
    child,
    // SIGKILL to the engine's client leaves the container running: remove the container itself
    forceStop: () => {
      const rm = spawn(runtime.engine.command, engineArgs(runtime, 'rm', '-f', name), { stdio: 'ignore' });
      rm.on('error', () => undefined);
    },
    cleanUp: () => rmSync(own, { recursive: true, force: true }),
  };
}

/** Whether the image is on this machine; the engine pulls nothing (no registry may be reachable). */
export async function imagePresent(runtime: ContainerRuntime, image: string): Promise<boolean> {
  if (runtime.present.has(image)) return true;
  try {
    await run(runtime.engine.command, engineArgs(runtime, 'image', 'inspect', '--format', '{{.Id}}', image));
    runtime.present.add(image);
    return true;
  } catch {
    return false;
  }
}

/** Removes every container of this cloud that still exists (left by a cloud that died here, say). */
export async function removeLeftoverContainers(runtime: ContainerRuntime): Promise<number> {
  const { stdout } = await run(
    runtime.engine.command,
    engineArgs(runtime, 'ps', '-aq', '--filter', `label=flash-ledger.cloud=${runtime.label}`),
  );
  const ids = stdout.split(/\s+/).filter(Boolean);
  if (ids.length > 0) await run(runtime.engine.command, engineArgs(runtime, 'rm', '-f', ...ids));
  return ids.length;
}
