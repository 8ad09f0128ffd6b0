import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDebianBase, DEFAULT_BASE_TAG } from '../../image/base-image';
import { buildWorkerImage } from '../../image/build-image';
import { detectEngine, type ContainerEngine } from '../../image/container-engine';
import { ImageError } from '../../image/image-errors';
import { runProcess } from '../../image/run-process';

const ROOT = join(__dirname, '..', '..');
/** The tag the tests' worker image has: built from the sources under test, on the Debian base. */
export const TEST_WORKER_IMAGE = 'localhost/flash-ledger-worker:test';

export type WorkerImageReady =
  { ok: true; engine: ContainerEngine; image: string; base: string } | { ok: false; reason: string };

/** Where the Debian tarball, the lock and the image stamp live: FLASH_IMAGE_CACHE, else <repo>/.cache/images. */
export const imageCacheDir = (): string => process.env.FLASH_IMAGE_CACHE || join(ROOT, '.cache', 'images');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether the process that wrote `lock` has gone (killed mid-build) without removing it. */
function abandoned(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lock, 'utf8'));
  } catch {
    return false; // removed meanwhile: the next try takes it
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return Date.now() - statSync(lock).mtimeMs > 60_000;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Holds `<cache>/worker-image.lock` while `work` runs, so that two jest workers do not build at once. */
async function withLock<T>(cacheDir: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(cacheDir, { recursive: true });
  const lock = join(cacheDir, 'worker-image.lock');
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (abandoned(lock)) rmSync(lock, { force: true });
      else await sleep(500);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** What the worker image is built from: the worker's sources, the lockfile, the Dockerfile and the base. */
function inputsHash(baseId: string): string {
  const hash = createHash('sha256').update(baseId);
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else hash.update(full.slice(ROOT.length)).update(readFileSync(full));
    }
  };
  walk(join(ROOT, 'worker'));
  walk(join(ROOT, 'image'));
  hash.update(readFileSync(join(ROOT, 'package-lock.json')));
  return hash.digest('hex');
}

/** Whether `tag` is the image the stamp says was built from `inputs`. */
async function stillBuilt(engine: ContainerEngine, stamp: string, inputs: string): Promise<boolean> {
  if (!existsSync(stamp)) return false;
  const [inputsBefore, idBefore] = readFileSync(stamp, 'utf8').split('\n');
  if (inputsBefore !== inputs) return false;
  const found = await runProcess(engine.command, [
    ...engine.globalArgs,
    'image',
    'inspect',
    '--format',
    '{{.Id}}',
    TEST_WORKER_IMAGE,
  ]);
  return found.exitCode === 0 && idBefore?.endsWith(found.stdout.trim()) === true;
}

async function ensure(): Promise<WorkerImageReady> {
  const detected = await detectEngine();
  if (!detected.ok) return { ok: false, reason: detected.message };
  const { engine } = detected;
  const cacheDir = imageCacheDir();
  return withLock(cacheDir, async () => {
    let base;
    try {
      base = await buildDebianBase({ engine, cacheDir, tag: DEFAULT_BASE_TAG });
    } catch (error) {
      // a host without mmdebstrap or without a Debian mirror cannot build the base: the tests skip
      if (error instanceof ImageError && /^MMDEBSTRAP_/.test(error.code))
        return { ok: false as const, reason: `${error.code}: ${error.message}` };
      throw error;
    }
    const stamp = join(cacheDir, 'worker-image.stamp');
    const inputs = inputsHash(base.imageId);
    if (!(await stillBuilt(engine, stamp, inputs))) {
      const built = await buildWorkerImage({ engine, tag: TEST_WORKER_IMAGE, base: base.tag });
      writeFileSync(stamp, `${inputs}\n${built.imageId}\n`);
    }
    return { ok: true as const, engine, image: TEST_WORKER_IMAGE, base: base.tag };
  });
}

let ready: Promise<WorkerImageReady> | undefined;

/**
 * The worker image built from the current sources (`localhost/flash-ledger-worker:test`) on the Debian
 * base (`localhost/flash-base:trixie-node20`), with the engine that built it. Built once: the base's
 * tarball is cached in FLASH_IMAGE_CACHE (a first run bootstraps it, one to two minutes), and the
 * worker image is rebuilt only when its inputs changed. Without an engine or mmdebstrap it answers
 * `ok: false` with the reason, printed, so the calling tests can skip.
 */
export function ensureWorkerImage(): Promise<WorkerImageReady> {
  ready ??= ensure().then((r) => {
    if (!r.ok) process.stderr.write(`skipped: no worker image (${r.reason})\n`);
    return r;
  });
  return ready;
}
