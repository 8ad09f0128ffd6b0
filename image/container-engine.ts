import { findExecutable } from './find-executable';
import { ImageError } from './image-errors';
import { podmanGlobalArgs, podmanRunArgs } from './podman-args';
import { outputTail, runProcess, type ProcessOutcome, type RunProcessOptions } from './run-process';

/** A container engine that answered: how to call it. */
export interface ContainerEngine {
  kind: 'docker' | 'podman';
  /** The engine's client, as an absolute path. */
  command: string;
  /** Flags before every subcommand (podman: `--runtime runc --cgroup-manager=cgroupfs`; docker: none). */
  globalArgs: string[];
  /** Flags for `run` (podman: ulimits this host allows; docker: none). */
  runArgs: string[];
}

export type EngineResult =
  { ok: true; engine: ContainerEngine } | { ok: false; code: 'CONTAINER_ENGINE_MISSING'; message: string };

type Kind = ContainerEngine['kind'];

/** `docker info` waits for its daemon: a daemon that hangs is as good as none. */
const PROBE_TIMEOUT_MS = 20_000;

/** The engine when `<kind> info` answers, else why not, in a few words. */
async function probe(kind: Kind, env: NodeJS.ProcessEnv): Promise<ContainerEngine | string> {
  const command = findExecutable(kind, env);
  if (!command) return `no \`${kind}\` on PATH`;
  const globalArgs = kind === 'podman' ? podmanGlobalArgs(env) : [];
  const info = await runProcess(command, [...globalArgs, 'info'], { env, timeoutMs: PROBE_TIMEOUT_MS });
  if (info.exitCode !== 0) {
    const why = info.timedOut ? 'timed out' : outputTail(info, 1) || `exit ${info.exitCode}`;
    return `\`${kind} info\` failed (${why})`;
  }
  return { kind, command, globalArgs, runArgs: kind === 'podman' ? podmanRunArgs() : [] };
}

const INSTALL_HINT =
  'Start Docker (`docker info` must answer) or install podman: `apt-get install podman runc`';

async function detect(env: NodeJS.ProcessEnv): Promise<EngineResult> {
  const forced = env.FLASH_CONTAINER_ENGINE?.trim();
  if (forced && forced !== 'docker' && forced !== 'podman')
    return {
      ok: false,
      code: 'CONTAINER_ENGINE_MISSING',
      message: `FLASH_CONTAINER_ENGINE must be docker or podman, not "${forced}"`,
    };
  const kinds: Kind[] = forced === 'docker' || forced === 'podman' ? [forced] : ['docker', 'podman'];
  const tried: string[] = [];
  for (const kind of kinds) {
    const found = await probe(kind, env);
    if (typeof found !== 'string') return { ok: true, engine: found };
    tried.push(found);
  }
  const because = forced ? `FLASH_CONTAINER_ENGINE=${forced}, but ` : 'no container engine answered: ';
  return {
    ok: false,
    code: 'CONTAINER_ENGINE_MISSING',
    message: `${because}${tried.join('; ')}. ${INSTALL_HINT}`,
  };
}

/** Detections by the variables they read: each probe costs a second, and the answer holds for the process. */
const detected = new Map<string, Promise<EngineResult>>();

/**
 * The container engine to build and run images with: docker when `docker info` answers (a docker client
 * without an engine behind it is not taken), else podman when `podman info` answers.
 * `FLASH_CONTAINER_ENGINE=docker|podman` forces one; `FLASH_PODMAN_RUNTIME` names podman's OCI runtime
 * (default runc when installed). Cached per process and per those variables.
 */
export function detectEngine(env: NodeJS.ProcessEnv = process.env): Promise<EngineResult> {
  const key = JSON.stringify([env.FLASH_CONTAINER_ENGINE, env.FLASH_PODMAN_RUNTIME, env.PATH]);
  let result = detected.get(key);
  if (!result) {
    result = detect(env);
    detected.set(key, result);
  }
  return result;
}

export interface EngineRunOptions extends RunProcessOptions {
  /** The code of the error thrown when the engine exits non-zero; default `CONTAINER_ENGINE_FAILED`. */
  errorCode?: string;
  /** What was being done, for the error message ("building the worker image"). */
  doing?: string;
}

/**
 * Runs `engine [globalArgs] args` with its output captured. Resolves on exit 0; otherwise throws an
 * `ImageError` (`errorCode`, or `CONTAINER_ENGINE_TIMEOUT` when it ran past `timeoutMs`) that ends with
 * the engine's last lines of output.
 */
export async function engineRun(
  engine: ContainerEngine,
  args: readonly string[],
  options: EngineRunOptions = {},
): Promise<ProcessOutcome> {
  const argv = [...engine.globalArgs, ...args];
  const outcome = await runProcess(engine.command, argv, options);
  if (outcome.exitCode === 0) return outcome;
  const what = options.doing ?? `\`${engine.kind} ${args.slice(0, 2).join(' ')}\``;
  const details = { command: [engine.command, ...argv].join(' '), exitCode: outcome.exitCode };
  if (outcome.timedOut) {
    const limit = `${Math.round((options.timeoutMs ?? 600_000) / 1000)} s`;
    throw new ImageError('CONTAINER_ENGINE_TIMEOUT', `${what}: ${engine.kind} ran past ${limit}`, {
      details,
    });
  }
  const why = outcome.spawnError ?? (outputTail(outcome) || `exit ${outcome.exitCode}`);
  throw new ImageError(options.errorCode ?? 'CONTAINER_ENGINE_FAILED', `${what} failed: ${why}`, { details });
}
