import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultWorkerImageTag } from '../../image/build-image';
import { FlashError } from '../domain/errors';
import type { AppRef } from './build';
import type { TargetKind } from './target';

export interface WorkerImage {
  image: string;
  /** Where it was set: the environment, the app's package.json, or the local default. */
  from: 'FLASH_WORKER_IMAGE' | 'package.json' | 'default';
}

/** `"flash": { "workerImage": "..." }` in the app's package.json, if it says one. */
function fromPackageJson(root: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      flash?: { workerImage?: unknown };
    };
    const image = pkg.flash?.workerImage;
    return typeof image === 'string' && image.trim() ? image.trim() : undefined;
  } catch {
    return undefined; // no package.json, or one that names no image: the other sources decide
  }
}

/**
 * The worker image a deploy's endpoints run: `FLASH_WORKER_IMAGE`, else the app's package.json
 * (`flash.workerImage`), else, for the local cloud only, the tag `flash image build` gives by default.
 * RunPod pulls the image from a registry: a deploy there without one is refused before anything is
 * built or provisioned.
 */
export function workerImage(
  app: AppRef,
  target: TargetKind,
  env: NodeJS.ProcessEnv = process.env,
): WorkerImage {
  const fromEnv = env.FLASH_WORKER_IMAGE?.trim();
  if (fromEnv) return { image: fromEnv, from: 'FLASH_WORKER_IMAGE' };
  const fromApp = fromPackageJson(app.root);
  if (fromApp) return { image: fromApp, from: 'package.json' };
  if (target === 'local') return { image: defaultWorkerImageTag(), from: 'default' };
  throw new FlashError(
    'WORKER_IMAGE_REQUIRED',
    `a deploy to ${target} needs the worker image its endpoints run: build and push one (\`flash image build --tag <registry>/<name>:<tag> --push\`), then set FLASH_WORKER_IMAGE to it (or "flash": { "workerImage": ... } in the app's package.json)`,
  );
}
