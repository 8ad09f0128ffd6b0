import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as TS from 'typescript';
import { manifestSchema, type Manifest } from '../../worker/contract/manifest';
import { listAppFiles } from './app-files';
import { BuildFailed } from './build-errors';
import { buildInputsKey, projectName } from './build-inputs';
import {
  ARTIFACT_FILE,
  buildOutput,
  KEY_FILE,
  latestBuild,
  MANIFEST_FILE,
  reuseBuild,
  type BuildOutput,
} from './build-output';
import { timeSteps, type BuildRun, type SealedBuild } from './build-run';
import { stageBuild } from './build-stage';
import { loadTypeScript } from './scanner/load-typescript';
import { scanApp } from './scanner/scan-app';
import type { ScanResult } from './scanner/scan-types';

export { BUNDLE_PATH } from './build-stage';

export interface BuildOptions {
  root: string;
  /** The app's name in the manifest (`project_name`). Default: package.json `name`, else the folder's name. */
  appName?: string;
  /** The clock for `generated_at`. Default: the system clock. */
  now?: () => Date;
  /** Called as each step starts, for progress output. */
  onStep?: (step: string) => void;
  /** Skip the cache and rebuild even when nothing changed. Default false. */
  force?: boolean;
}

export interface BuildResult {
  root: string;
  manifest: Manifest;
  /** This build's manifest, `.flash/builds/<artifactSha256>/flash_manifest.json`: never rewritten. */
  manifestPath: string;
  /**
   * This build's artifact, `.flash/builds/<artifactSha256>/artifact.tar.gz`: never rewritten, so other
   * builds of the same folder cannot change what a deploy uploads. Kept while it is among the newest
   * `KEEP_NEWEST` builds or younger than `PRUNE_AFTER_MS`. `.flash/artifact.tar.gz` and `.flash/build/`
   * follow the latest build to finish.
   */
  artifactPath: string;
  artifactBytes: number;
  /** sha256 (hex) of the artifact's bytes. */
  artifactSha256: string;
  upToDate: boolean;
  timingsMs: Record<string, number>;
}

function fail(code: string, message: string): never {
  throw new BuildFailed(code, [{ file: '', line: 0, column: 0, message }]);
}

/**
 * Scan → dependencies and bundle → type check → manifest → artifact. Everything is written to a folder
 * private to this build, sealed under `.flash/builds/` and published only when all of it worked.
 */
export async function buildApp(options: BuildOptions): Promise<BuildResult> {
  const root = resolve(options.root);
  const timings: Record<string, number> = {};
  const files = listSources(root);
  const out = buildOutput(root);
  const appName = options.appName ?? projectName(root);
  const key = buildInputsKey(root, files, appName);
  const cached = options.force ? undefined : findUpToDateBuild(out, key);
  if (cached) return describeBuild(root, cached, true, timings);
  const build: BuildRun = {
    root,
    files,
    out,
    appName,
    key,
    now: options.now ?? (() => new Date()),
    step: options.onStep ?? (() => undefined),
    timed: timeSteps(timings),
  };
  const { ts, scan } = await scanSources(build);
  return describeBuild(root, await stageBuild(build, ts, scan), false, timings);
}

/** The app's source files; fails when `root` is not a folder or holds none. */
function listSources(root: string): string[] {
  if (!existsSync(root) || !statSync(root).isDirectory())
    fail(
      'APP_NOT_FOUND',
      `${root} is not a folder: pass the app's folder, or create one with \`flash init <dir>\``,
    );
  const files = listAppFiles(root);
  if (files.length === 0)
    fail(
      'NO_SOURCES',
      `no .ts files in ${root} (after .flashignore): add an endpoint, or start from \`flash init <dir>\``,
    );
  return files;
}

/** Loads the compiler only here, so that a build with nothing changed never pays for it. */
async function scanSources(build: BuildRun): Promise<{ ts: typeof TS; scan: ScanResult }> {
  build.step(`scanning ${build.files.length} file(s)`);
  const ts = loadTypeScript();
  const { result, problems } = await build.timed('scan', () => scanApp(ts, build.root, build.files));
  if (problems.length > 0) throw new BuildFailed('BUILD_INVALID', problems);
  return { ts, scan: result };
}

/** The latest published build, when its inputs key is `key` (else a full build is needed). */
function findUpToDateBuild(out: BuildOutput, key: string): SealedBuild | undefined {
  const id = latestBuild(out);
  if (id === undefined) return undefined;
  const dir = join(out.buildsDir, id);
  try {
    if (readFileSync(join(dir, KEY_FILE), 'utf8') !== key || !reuseBuild(out, id)) return undefined;
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')));
    return { id, dir, manifest, bytes: statSync(join(dir, ARTIFACT_FILE)).size };
  } catch {
    return undefined; // pruned meanwhile, or written by another version: build it again
  }
}

/**
 * The app's latest sealed build as it is, without checking it against the sources: what a deploy of an
 * already-built artifact sends. Undefined when there is none (or it was pruned).
 */
export function latestBuiltApp(root: string): BuildResult | undefined {
  const out = buildOutput(root);
  const id = latestBuild(out);
  if (id === undefined || !reuseBuild(out, id)) return undefined;
  const dir = join(out.buildsDir, id);
  try {
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')));
    return describeBuild(
      root,
      { id, dir, manifest, bytes: statSync(join(dir, ARTIFACT_FILE)).size },
      true,
      {},
    );
  } catch {
    return undefined;
  }
}

function describeBuild(
  root: string,
  sealed: SealedBuild,
  upToDate: boolean,
  timings: Record<string, number>,
): BuildResult {
  return {
    root,
    manifest: sealed.manifest,
    manifestPath: join(sealed.dir, MANIFEST_FILE),
    artifactPath: join(sealed.dir, ARTIFACT_FILE),
    artifactBytes: sealed.bytes,
    artifactSha256: sealed.id,
    upToDate,
    timingsMs: timings,
  };
}
