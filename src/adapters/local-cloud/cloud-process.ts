import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { errnoOf, makeDirectory } from '../eventstore/sqlite/make-directory';
import { dirname, join, resolve } from 'node:path';
import { Agent, request } from 'undici';
import { FlashError } from '../../domain/errors';
import { flashHome } from '../eventstore/ledger-config';
import { detectEngine } from '../../../image/container-engine';

export interface CloudInfo {
  running: boolean;
  url: string;
  pid?: number;
  home: string;
  apiKey?: string;
  /** How the running cloud runs workers: `process` or `container`. */
  runtime?: string;
}

/** `FLASH_CLOUD_RUNTIME` (what `flash cloud start --runtime` sets): `process` unless it says otherwise. */
function runtimeWanted(env: NodeJS.ProcessEnv): 'process' | 'container' {
  const value = (env.FLASH_CLOUD_RUNTIME ?? '').trim() || 'process';
  if (value === 'process' || value === 'container') return value;
  throw new FlashError('CLOUD_RUNTIME_INVALID', `--runtime ${value}: use process or container`);
}

/** Variables the cloud passes on to a container engine it runs, when set. */
const ENGINE_SETTINGS = [
  'FLASH_CONTAINER_ENGINE',
  'FLASH_PODMAN_RUNTIME',
  'DOCKER_HOST',
  'XDG_RUNTIME_DIR',
  'CONTAINERS_CONF',
  'CONTAINERS_STORAGE_CONF',
];

/** `$FLASH_HOME/cloud` and the URL the CLI expects the local cloud at (`FLASH_CLOUD_URL`). */
export function cloudLocation(env: NodeJS.ProcessEnv = process.env): { home: string; url: string } {
  return {
    home: join(flashHome(env), 'cloud'),
    url: (env.FLASH_CLOUD_URL ?? 'http://127.0.0.1:7711').replace(/\/+$/, ''),
  };
}

/**
 * FLASH_HOME when missing, and its `cloud/` folder, made private to the user (0700): the cloud keeps its
 * API key and every endpoint's key there. Folders that exist keep their mode.
 */
function makeCloudHome(home: string): void {
  const flashHomeDir = dirname(home);
  makeDirectory(dirname(flashHomeDir));
  for (const dir of [flashHomeDir, home]) {
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (error) {
      if (errnoOf(error).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw error;
    }
  }
}

function pidOf(home: string): number | undefined {
  const file = join(home, 'cloud.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  // its own short-lived connection: a health probe must not leave a socket that keeps the process alive
  const dispatcher = new Agent({ connections: 1, pipelining: 0 });
  try {
    const res = await request(`${url}/health`, { dispatcher, headersTimeout: 1000, bodyTimeout: 1000 });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  } finally {
    await dispatcher.close();
  }
}

export async function cloudStatus(env: NodeJS.ProcessEnv = process.env): Promise<CloudInfo> {
  const { home, url } = cloudLocation(env);
  const pid = pidOf(home);
  const running = pid !== undefined && alive(pid) && (await answers(url));
  const keyFile = join(home, 'api-key');
  const runtimeFile = join(home, 'cloud.runtime');
  return {
    running,
    url,
    home,
    ...(pid && running ? { pid } : {}),
    ...(running
      ? { runtime: existsSync(runtimeFile) ? readFileSync(runtimeFile, 'utf8').trim() : 'process' }
      : {}),
    ...(existsSync(keyFile) ? { apiKey: readFileSync(keyFile, 'utf8').trim() } : {}),
  };
}

/** Starts the local cloud in the background (pid file, log file), or finds it running. */
export async function startCloud(
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 30_000,
): Promise<CloudInfo & { started: boolean }> {
  const runtime = runtimeWanted(env);
  const status = await cloudStatus(env);
  if (status.running) {
    if (env.FLASH_CLOUD_RUNTIME && status.runtime !== runtime)
      throw new FlashError(
        'CLOUD_RUNTIME_MISMATCH',
        `the local cloud at ${status.url} runs workers as ${status.runtime === 'container' ? 'containers' : 'processes'}: stop it (\`flash cloud stop\`) to start it with --runtime ${runtime}`,
      );
    return { ...status, started: false };
  }
  if (runtime === 'container') {
    const engine = await detectEngine(env);
    if (!engine.ok) throw new FlashError('CONTAINER_ENGINE_MISSING', engine.message);
  }
  const { home, url } = cloudLocation(env);
  if (await answers(url))
    throw new FlashError(
      'CLOUD_PORT_TAKEN',
      `something else answers at ${url}: stop it, or set FLASH_CLOUD_URL to a free port`,
    );
  try {
    makeCloudHome(home);
  } catch (error) {
    throw new FlashError(
      'CLOUD_HOME_UNWRITABLE',
      `cannot use ${home} for the local cloud (${errnoOf(error).code ?? 'error'}): point FLASH_HOME at a writable directory`,
      { cause: error },
    );
  }
  const entry = resolve(__dirname, '..', '..', '..', 'emulator', 'main');
  const args = existsSync(`${entry}.js`) ? [`${entry}.js`] : ['--import', 'tsx', `${entry}.ts`];
  const log = openSync(join(home, 'cloud.log'), 'a');
  const child = spawn(process.execPath, args, {
    // from the package's root, so `--import tsx` resolves whatever folder the CLI runs in
    cwd: resolve(__dirname, '..', '..', '..'),
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      PATH: env.PATH,
      HOME: env.HOME,
      FLASH_HOME: flashHome(env),
      FLASH_CLOUD_URL: url,
      FLASH_CLOUD_RUNTIME: runtime,
      ...(env.FLASH_CLOUD_FAULTS ? { FLASH_CLOUD_FAULTS: env.FLASH_CLOUD_FAULTS } : {}),
      ...(env.FLASH_CLOUD_LOGIN_TTL_MS ? { FLASH_CLOUD_LOGIN_TTL_MS: env.FLASH_CLOUD_LOGIN_TTL_MS } : {}),
      ...Object.fromEntries(ENGINE_SETTINGS.filter((k) => env[k]).map((k) => [k, env[k]])),
    },
  });
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await answers(url)) return { ...(await cloudStatus(env)), started: true };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new FlashError(
    'CLOUD_START_FAILED',
    `the local cloud did not come up at ${url}: see ${join(home, 'cloud.log')}`,
  );
}

/** Stops the local cloud (it stops its workers first); false when it was not running. */
export async function stopCloud(env: NodeJS.ProcessEnv = process.env, timeoutMs = 20_000): Promise<boolean> {
  const { home } = cloudLocation(env);
  const pid = pidOf(home);
  if (pid === undefined || !alive(pid)) {
    rmSync(join(home, 'cloud.pid'), { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(join(home, 'cloud.pid'), { force: true });
  return true;
}
