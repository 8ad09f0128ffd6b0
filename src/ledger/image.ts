import { join } from 'node:path';
import { z } from 'zod';
import { buildDebianBase, DEFAULT_BASE_TAG, type DebianBase } from '../../image/base-image';
import {
  buildWorkerImage,
  DEFAULT_WORKER_BASE,
  defaultWorkerImageTag,
  type WorkerImage,
} from '../../image/build-image';
import { detectEngine, type ContainerEngine } from '../../image/container-engine';
import { ImageError } from '../../image/image-errors';
import { flashHome } from '../adapters/eventstore/ledger-config';
import { FlashError, ValidationFailed } from '../domain/errors';
import type { Progress } from './progress';

export type { DebianBase, WorkerImage };
export { DEFAULT_BASE_TAG, DEFAULT_WORKER_BASE, defaultWorkerImageTag };

/** An image reference as engines accept it: `[registry/]name[:tag][@digest]`, checked loosely here. */
const imageRef = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/, 'an image reference such as registry.example/name:tag');

const WorkerImageInput = z.object({
  tag: imageRef.optional(),
  base: imageRef.optional(),
  push: z.boolean().optional(),
  platform: z
    .string()
    .regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, 'os/arch, such as linux/amd64')
    .optional(),
});
export type WorkerImageInput = z.infer<typeof WorkerImageInput>;

const DebianBaseInput = z.object({
  tag: imageRef.optional(),
  suite: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, 'a Debian suite, such as trixie')
    .optional(),
});
export type DebianBaseInput = z.infer<typeof DebianBaseInput>;

function parsed<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new ValidationFailed(
    `invalid option: ${issues.map((i) => `--${i.path} (${i.message})`).join(', ')}`,
    issues,
  );
}

/** Runs image work with the progress line, and reports its errors as the ledger's own, codes kept. */
async function imageWork<T>(progress: Progress, work: () => Promise<T>): Promise<T> {
  try {
    const result = await work();
    progress.done();
    return result;
  } catch (error) {
    progress.fail();
    if (error instanceof ImageError)
      throw new FlashError(error.code, error.message, { cause: error, details: { ...error.details } });
    throw error;
  }
}

async function engineOrFail(env: NodeJS.ProcessEnv): Promise<ContainerEngine> {
  const found = await detectEngine(env);
  if (!found.ok) throw new FlashError(found.code, found.message);
  return found.engine;
}

/** Builds the worker image with docker or podman (and pushes it with `push`). */
export async function buildImage(
  input: WorkerImageInput,
  progress: Progress,
  env: NodeJS.ProcessEnv = process.env,
): Promise<WorkerImage> {
  const options = parsed(WorkerImageInput, input);
  return imageWork(progress, async () => {
    progress.step('looking for a container engine');
    const engine = await engineOrFail(env);
    return buildWorkerImage({ ...options, engine, env, onStep: (s) => progress.step(s) });
  });
}

/** Where Debian root filesystems are kept between builds: `FLASH_IMAGE_CACHE`, else `$FLASH_HOME/cache/images`. */
export function imageCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLASH_IMAGE_CACHE || join(flashHome(env), 'cache', 'images');
}

/** Builds a base image with Node from Debian packages (mmdebstrap), for hosts without a registry. */
export async function buildBase(
  input: DebianBaseInput,
  progress: Progress,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DebianBase> {
  const options = parsed(DebianBaseInput, input);
  return imageWork(progress, async () => {
    progress.step('looking for a container engine');
    const engine = await engineOrFail(env);
    const cacheDir = imageCacheDir(env);
    return buildDebianBase({ ...options, engine, env, cacheDir, onStep: (s) => progress.step(s) });
  });
}
