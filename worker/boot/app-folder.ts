import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WorkerStartError } from '../app-loader';

/** Where RunPod places a Flash app's artifact on a worker, and where Flash's workers unpack it. */
export const RUNPOD_ARTIFACT_PATH = '/root/.runpod/artifact.tar.gz';
export const RUNPOD_APP_DIR = '/app';

export interface AppFolderOptions {
  /** Tries before a missing artifact is fatal (the platform may still be placing it). Default 3. */
  attempts?: number;
  /** Wait between tries. Default 10 s. */
  retryDelayMs?: number;
}

const truthy = (value: string | undefined): boolean =>
  value !== undefined && ['1', 'true', 'yes'].includes(value.trim().toLowerCase());

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The folder the worker runs the app from. As RunPod's Flash workers do: a deployed worker
 * (`RUNPOD_ENDPOINT_ID` and `FLASH_RESOURCE_NAME` set, `FLASH_DISABLE_UNPACK` not) unpacks the artifact at
 * `FLASH_BUILD_ARTIFACT_PATH` (default /root/.runpod/artifact.tar.gz) into `FLASH_APP_DIR` (default /app).
 * Without an artifact, a folder that already holds an unpacked app (a manifest) is used as it is.
 */
export async function appFolder(env: NodeJS.ProcessEnv, options: AppFolderOptions = {}): Promise<string> {
  const dir = env.FLASH_APP_DIR || RUNPOD_APP_DIR;
  const deployed = Boolean(env.RUNPOD_ENDPOINT_ID && env.FLASH_RESOURCE_NAME);
  if (!deployed || truthy(env.FLASH_DISABLE_UNPACK)) return dir;
  const artifact = env.FLASH_BUILD_ARTIFACT_PATH || RUNPOD_ARTIFACT_PATH;
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (existsSync(artifact)) {
      await unpack(artifact, dir);
      return dir;
    }
    if (existsSync(join(dir, 'flash_manifest.json'))) return dir; // baked into the image, or unpacked before
    if (attempt < attempts) await sleep(options.retryDelayMs ?? 10_000);
  }
  throw new WorkerStartError(
    'ARTIFACT_MISSING',
    `no app artifact at ${artifact} (FLASH_BUILD_ARTIFACT_PATH) and no unpacked app in ${dir}: ` +
      "the platform places the build of the endpoint's environment there; was a build activated (flash deploy)?",
  );
}

/** Extracts the artifact into `dir`; a member that would land outside it fails the start. */
async function unpack(artifact: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const tar = await import('tar');
  try {
    // strict: a member with `..` or an absolute path is an error, not a warning
    await tar.extract({ file: artifact, cwd: dir, strict: true, preservePaths: false });
  } catch (error) {
    throw new WorkerStartError(
      'ARTIFACT_UNREADABLE',
      `the app artifact at ${artifact} cannot be unpacked into ${dir}: ${(error as Error).message}`,
    );
  }
  if (!existsSync(join(dir, 'flash_manifest.json')))
    throw new WorkerStartError(
      'MANIFEST_MISSING',
      `the app artifact at ${artifact} holds no flash_manifest.json: it is not a flash build`,
    );
}
