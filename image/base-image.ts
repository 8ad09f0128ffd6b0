import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { engineRun, type ContainerEngine } from './container-engine';
import { findExecutable } from './find-executable';
import { ImageError } from './image-errors';
import { outputTail, runProcess } from './run-process';

export interface DebianBaseOptions {
  engine: ContainerEngine;
  /** Where the root-filesystem tarball is kept between builds, keyed by suite, packages and mirror. */
  cacheDir: string;
  /** Default `localhost/flash-base:trixie-node20`. */
  tag?: string;
  /** The Debian suite; it must carry nodejs 20 or later (trixie does; bookworm has 18). Default `trixie`. */
  suite?: string;
  /** Default `http://deb.debian.org/debian`. */
  mirror?: string;
  /** Each long step as it starts. */
  onStep?: (step: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface DebianBase {
  tag: string;
  imageId: string;
  /** The root-filesystem tarball the image was imported from (absent when the cache was emptied since). */
  tarball: string;
  /** Whether the tarball was built now (false: taken from the cache). */
  bootstrapped: boolean;
  /** Whether the image was imported now (false: the tag already held this tarball's image). */
  imported: boolean;
}

export const DEFAULT_BASE_TAG = 'localhost/flash-base:trixie-node20';
const PACKAGES = ['nodejs', 'ca-certificates'];
/** Documentation, manuals and translations: a third of the root filesystem, and no use in a worker. */
const EXCLUDED = ['/usr/share/doc/*', '/usr/share/man/*', '/usr/share/locale/*', '/usr/share/info/*'];
const KEY_LABEL = 'org.flash-ledger.base-key';

function mmdebstrapArgs(suite: string, mirror: string, out: string): string[] {
  return [
    '--variant=minbase',
    '--aptopt=APT::Install-Recommends "false"',
    `--include=${PACKAGES.join(',')}`,
    ...EXCLUDED.map((glob) => `--dpkgopt=path-exclude=${glob}`),
    suite,
    out,
    mirror,
  ];
}

/** The tarball's cache key: everything that decides its contents except the day's package versions. */
function cacheKey(suite: string, mirror: string): string {
  return createHash('sha256')
    .update(JSON.stringify(mmdebstrapArgs(suite, mirror, '')))
    .digest('hex')
    .slice(0, 16);
}

/** Builds the root filesystem with mmdebstrap into the cache, unless it is there already. */
async function bootstrap(options: Required<Omit<DebianBaseOptions, 'tag' | 'engine'>>, tarball: string) {
  const mmdebstrap = findExecutable('mmdebstrap', options.env, { system: true });
  if (!mmdebstrap)
    throw new ImageError(
      'MMDEBSTRAP_MISSING',
      'building the Debian base needs mmdebstrap: `apt-get install mmdebstrap` (or build the worker image on a registry base: `flash image build --base node:20-bookworm-slim`)',
    );
  mkdirSync(options.cacheDir, { recursive: true });
  // mmdebstrap picks its output format from the extension: keep `.tar` on the temporary name
  const tmp = tarball.replace(/\.tar$/, `.${process.pid}-${Date.now()}.tmp.tar`);
  options.onStep(`bootstrapping Debian ${options.suite} with nodejs (mmdebstrap, about a minute)`);
  try {
    const run = await runProcess(mmdebstrap, mmdebstrapArgs(options.suite, options.mirror, tmp), {
      env: options.env,
      timeoutMs: 20 * 60_000,
    });
    if (run.exitCode !== 0)
      throw new ImageError(
        'MMDEBSTRAP_FAILED',
        `mmdebstrap ${options.suite} from ${options.mirror} failed: ${run.timedOut ? 'timed out' : outputTail(run)}`,
      );
    renameSync(tmp, tarball);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The id of `tag` when it was imported from the tarball with `key`, else undefined. */
async function importedImage(engine: ContainerEngine, tag: string, key: string, env?: NodeJS.ProcessEnv) {
  const format = `{{.Id}} {{index .Config.Labels "${KEY_LABEL}"}}`;
  const found = await runProcess(
    engine.command,
    [...engine.globalArgs, 'image', 'inspect', '--format', format, tag],
    {
      env,
      timeoutMs: 60_000,
    },
  );
  const [id, label] = found.stdout.trim().split(' ');
  return found.exitCode === 0 && label === key ? id : undefined;
}

/**
 * Builds the worker's base image from Debian packages alone, for hosts that reach a Debian mirror but no
 * image registry: a minimal root filesystem with nodejs and CA certificates (mmdebstrap), imported as
 * `tag`. Nothing is done when `tag` holds the image already (recognised by a label with the tarball's
 * key); a tarball in `cacheDir` is imported without bootstrapping again.
 */
export async function buildDebianBase(options: DebianBaseOptions): Promise<DebianBase> {
  const suite = options.suite ?? 'trixie';
  const mirror = options.mirror ?? 'http://deb.debian.org/debian';
  const tag = options.tag ?? DEFAULT_BASE_TAG;
  const env = options.env ?? process.env;
  const onStep = options.onStep ?? (() => undefined);
  const key = cacheKey(suite, mirror);
  const tarball = join(options.cacheDir, `debian-${suite}-${key}.tar`);
  const existing = await importedImage(options.engine, tag, key, env);
  if (existing) return { tag, imageId: existing, tarball, bootstrapped: false, imported: false };
  const bootstrapped = !existsSync(tarball);
  if (bootstrapped) await bootstrap({ cacheDir: options.cacheDir, suite, mirror, onStep, env }, tarball);
  onStep(`importing ${tag}`);
  const changes = [
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    `LABEL ${KEY_LABEL}=${key}`,
    'CMD ["/bin/bash"]',
  ];
  await engineRun(options.engine, ['import', ...changes.flatMap((c) => ['--change', c]), tarball, tag], {
    env,
    timeoutMs: 10 * 60_000,
    errorCode: 'BASE_IMAGE_IMPORT_FAILED',
    doing: `importing ${tarball} as ${tag}`,
  });
  const imageId = await importedImage(options.engine, tag, key, env);
  if (!imageId)
    throw new ImageError('BASE_IMAGE_IMPORT_FAILED', `${tag} was imported but cannot be inspected`);
  return { tag, imageId, tarball, bootstrapped, imported: true };
}
