import { copyFileSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineRun, type ContainerEngine } from './container-engine';
import { ImageError } from './image-errors';
import { packageRoot, packageVersion } from './package-root';
import { bundleWorker } from './worker-bundle';

/** The base a user building for RunPod starts from: Node 20 on Debian, from Docker Hub. */
export const DEFAULT_WORKER_BASE = 'docker.io/library/node:20-bookworm-slim';

/** The worker image's tag when none is given, and the image local deploys run: one per package version. */
export function defaultWorkerImageTag(): string {
  return `localhost/flash-ledger-worker:${packageVersion()}`;
}

export interface WorkerImageOptions {
  engine: ContainerEngine;
  /** Default `defaultWorkerImageTag()`. */
  tag?: string;
  /** An image with `node` 20 or later on its PATH; default `DEFAULT_WORKER_BASE`. */
  base?: string;
  /** Push the image to its tag's registry after building it (the engine's login is used). */
  push?: boolean;
  /** `os/arch` to build for (RunPod runs `linux/amd64`); default the engine's own. */
  platform?: string;
  onStep?: (step: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface WorkerImage {
  tag: string;
  /** `sha256:<hex>`: the same sources, base and engine give the same id. */
  imageId: string;
  sizeBytes: number;
  engine: ContainerEngine['kind'];
  base: string;
  pushed: boolean;
}

/**
 * Every timestamp the build writes (file times in the layer, the image's creation time) is pinned to
 * the epoch, so that the image id depends on the inputs alone.
 */
const EPOCH = 0;

/** `localhost/...` (no port) is the local store's name for an image: no registry a push could reach. */
function checkPushable(tag: string): void {
  const host = tag.includes('/') ? tag.slice(0, tag.indexOf('/')) : '';
  if (host === 'localhost')
    throw new ImageError(
      'IMAGE_PUSH_FAILED',
      `${tag} names no registry to push to: tag it for yours, e.g. --tag docker.io/<you>/flash-ledger-worker:${packageVersion()}`,
    );
}

/**
 * Engine flags that make the build reproducible. podman: `--timestamp` pins the creation time and the
 * layer's file times. docker (BuildKit): SOURCE_DATE_EPOCH pins the creation and history times, and the
 * context's files carry epoch times already; best effort, since older builders ignore it.
 */
function buildArgs(
  engine: ContainerEngine,
  options: { base: string; tag: string; platform?: string },
  context: string,
) {
  const pinned =
    engine.kind === 'podman' ? ['--timestamp', String(EPOCH)] : ['--build-arg', `SOURCE_DATE_EPOCH=${EPOCH}`];
  return [
    'build',
    ...pinned,
    ...(options.platform ? ['--platform', options.platform] : []),
    '--build-arg',
    `BASE=${options.base}`,
    '--tag',
    options.tag,
    '--file',
    join(context, 'Dockerfile'),
    context,
  ];
}

/** The build context: the bundled worker and the Dockerfile, nothing else, with epoch file times. */
async function makeContext(): Promise<string> {
  const context = mkdtempSync(join(tmpdir(), 'flash-image-'));
  await bundleWorker(join(context, 'worker.cjs'));
  copyFileSync(join(packageRoot(), 'worker', 'Dockerfile'), join(context, 'Dockerfile'));
  for (const file of ['worker.cjs', 'Dockerfile']) utimesSync(join(context, file), EPOCH, EPOCH);
  return context;
}

/** The image's id (as `sha256:<hex>`) and size, as the engine reports them. */
async function inspect(engine: ContainerEngine, tag: string, env: NodeJS.ProcessEnv) {
  const found = await engineRun(engine, ['image', 'inspect', '--format', '{{.Id}} {{.Size}}', tag], {
    env,
    timeoutMs: 60_000,
    errorCode: 'IMAGE_BUILD_FAILED',
    doing: `inspecting ${tag}`,
  });
  const [id = '', size = ''] = found.stdout.trim().split(' ');
  return { imageId: id.startsWith('sha256:') ? id : `sha256:${id}`, sizeBytes: Number(size) };
}

/**
 * Builds the worker image (worker/Dockerfile on `base`, with the bundled worker as its only code) and
 * tags it `tag`; with `push`, pushes it to the tag's registry.
 */
export async function buildWorkerImage(options: WorkerImageOptions): Promise<WorkerImage> {
  const { engine } = options;
  const tag = options.tag ?? defaultWorkerImageTag();
  const base = options.base ?? DEFAULT_WORKER_BASE;
  const env = options.env ?? process.env;
  const onStep = options.onStep ?? (() => undefined);
  if (options.push) checkPushable(tag);
  onStep('bundling the worker');
  const context = await makeContext();
  try {
    onStep(`building ${tag} on ${base} (${engine.kind})`);
    await engineRun(engine, buildArgs(engine, { base, tag, platform: options.platform }, context), {
      env: { ...env, SOURCE_DATE_EPOCH: String(EPOCH) },
      timeoutMs: 20 * 60_000,
      errorCode: 'IMAGE_BUILD_FAILED',
      doing: `building ${tag} on ${base}`,
    });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  const built = await inspect(engine, tag, env);
  if (options.push) {
    onStep(`pushing ${tag}`);
    await engineRun(engine, ['push', tag], {
      env,
      timeoutMs: 30 * 60_000,
      errorCode: 'IMAGE_PUSH_FAILED',
      doing: `pushing ${tag} (log in to its registry first: \`${engine.kind} login\`)`,
    });
  }
  return { tag, ...built, engine: engine.kind, base, pushed: Boolean(options.push) };
}
