import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
} from 'node:fs';
import { join } from 'node:path';

export const ARTIFACT_FILE = 'artifact.tar.gz';
export const MANIFEST_FILE = 'flash_manifest.json';
export const KEY_FILE = 'build-key';

/**
 * A sealed build older than this may be pruned: a deploy reads its artifact again when it uploads it,
 * after the build returned, so an artifact has to outlive the builds that follow it for a while.
 */
export const PRUNE_AFTER_MS = 60 * 60_000;
/** The newest sealed builds are kept however old they are. */
export const KEEP_NEWEST = 3;

const SEALED = /^[0-9a-f]{64}$/;
const TEMPORARY = /^\.(stage|trash|link)-/;

/**
 * Where builds live in an app folder. Each build is staged in a private folder, then renamed to
 * `builds/<sha256 of its artifact>`, which is never written again: the artifact a deploy was given stays
 * as it was, whatever other builds do. `build` is a symlink to the latest published one, and
 * `artifact.tar.gz` a symlink to `build/artifact.tar.gz`, so one rename publishes both.
 */
export interface BuildOutput {
  /** `<app>/.flash` */
  flashDir: string;
  /** `<app>/.flash/builds`: the sealed builds, and folders in progress (dot-named). */
  buildsDir: string;
  /** `<app>/.flash/build`, a symlink to the latest published build. */
  latest: string;
  /** `<app>/.flash/artifact.tar.gz`, a symlink to `build/artifact.tar.gz`. */
  latestArtifact: string;
}

export function buildOutput(root: string): BuildOutput {
  const flashDir = join(root, '.flash');
  return {
    flashDir,
    buildsDir: join(flashDir, 'builds'),
    latest: join(flashDir, 'build'),
    latestArtifact: join(flashDir, ARTIFACT_FILE),
  };
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    codes.includes(error.code)
  );
}

const unique = (): string => `${process.pid}-${randomBytes(6).toString('hex')}`;

/** Marks a sealed build as used now, so pruning leaves it for another `PRUNE_AFTER_MS`. */
function touch(dir: string): void {
  const now = new Date();
  utimesSync(dir, now, now);
}

/** Claims an entry of `builds/` with a rename (only one process wins it), then deletes it. */
function remove(out: BuildOutput, name: string): void {
  const trash = join(out.buildsDir, `.trash-${unique()}`);
  try {
    renameSync(join(out.buildsDir, name), trash);
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return; // another process claimed it
    throw error;
  }
  rmSync(trash, { recursive: true, force: true });
}

/** A fresh folder for one build, private to it. */
export function createStage(out: BuildOutput): string {
  const stage = join(out.buildsDir, `.stage-${unique()}`);
  mkdirSync(stage, { recursive: true });
  return stage;
}

/**
 * Renames a finished stage (holding `ARTIFACT_FILE`) to `builds/<sha256>`. When that folder exists it
 * holds the same artifact bytes, so the stage is dropped and the existing one is used.
 */
export function sealStage(out: BuildOutput, stage: string, sha256: string): string {
  const dir = join(out.buildsDir, sha256);
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(stage, dir);
      return dir;
    } catch (error) {
      if (!hasCode(error, 'ENOTEMPTY', 'EEXIST')) throw error;
    }
    try {
      touch(dir);
      rmSync(stage, { recursive: true, force: true });
      return dir;
    } catch (error) {
      // pruned between the rename and the touch: rename again, once
      if (!hasCode(error, 'ENOENT') || attempt > 0) throw error;
    }
  }
}

/** The sealed build `.flash/build` points at, if any. */
export function latestBuild(out: BuildOutput): string | undefined {
  let target: string;
  try {
    target = readlinkSync(out.latest);
  } catch {
    return undefined; // none yet, or a folder written before builds were sealed
  }
  const id = target.slice('builds/'.length);
  return target === join('builds', id) && SEALED.test(id) ? id : undefined;
}

/** Whether a sealed build exists; refreshes it so that pruning keeps it. */
export function reuseBuild(out: BuildOutput, id: string): boolean {
  try {
    touch(join(out.buildsDir, id));
    return true;
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return false;
    throw error;
  }
}

/** Replaces `path` with a symlink to `target` in one rename, moving aside a folder in the way once. */
function replaceWithLink(out: BuildOutput, path: string, target: string): void {
  const link = join(out.buildsDir, `.link-${unique()}`);
  symlinkSync(target, link);
  try {
    renameSync(link, path);
  } catch (error) {
    if (!hasCode(error, 'EISDIR', 'ENOTEMPTY', 'EEXIST')) throw error;
    // `.flash/build` as a plain folder, from before builds were sealed
    const aside = join(out.buildsDir, `.trash-${unique()}`);
    try {
      renameSync(path, aside);
    } catch (moveError) {
      if (!hasCode(moveError, 'ENOENT')) throw moveError;
    }
    rmSync(aside, { recursive: true, force: true });
    renameSync(link, path);
  } finally {
    rmSync(link, { force: true });
  }
}

/** Points `.flash/build` and `.flash/artifact.tar.gz` at a sealed build, atomically. */
export function publishBuild(out: BuildOutput, id: string): void {
  replaceWithLink(out, out.latest, join('builds', id));
  const artifactTarget = join('build', ARTIFACT_FILE);
  let current: string | undefined;
  try {
    current = readlinkSync(out.latestArtifact);
  } catch {
    current = undefined; // none yet, or a plain file written before builds were sealed
  }
  if (current !== artifactTarget) replaceWithLink(out, out.latestArtifact, artifactTarget);
}

/**
 * Deletes sealed builds older than `PRUNE_AFTER_MS` beyond the `KEEP_NEWEST` newest, and folders left by
 * builds that died, never the latest published one or those in `keep`. Best effort: a build that
 * succeeded does not fail because an old one could not be deleted.
 */
export function pruneBuilds(out: BuildOutput, keep: readonly string[], now = Date.now()): void {
  try {
    const entries = readdirSync(out.buildsDir).flatMap((name) => {
      if (!SEALED.test(name) && !TEMPORARY.test(name)) return []; // not ours: left alone
      try {
        return [{ name, mtimeMs: statSync(join(out.buildsDir, name)).mtimeMs }];
      } catch {
        return []; // deleted meanwhile
      }
    });
    const newest = entries
      .filter((e) => SEALED.test(e.name))
      .sort((a, b) => b.mtimeMs - a.mtimeMs)
      .slice(0, KEEP_NEWEST)
      .map((e) => e.name);
    const kept = new Set([...keep, ...newest, latestBuild(out) ?? '']);
    for (const entry of entries)
      if (!kept.has(entry.name) && now - entry.mtimeMs > PRUNE_AFTER_MS) remove(out, entry.name);
  } catch {
    // pruning is housekeeping; the next build tries again
  }
}
