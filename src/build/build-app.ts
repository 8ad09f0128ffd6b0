import { existsSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { manifestSchema, type Manifest } from '../../worker/contract/manifest';
import { normalizeConfig } from '../sdk/config';
import { listAppFiles } from './app-files';
import { packArtifact } from './artifact';
import { BuildFailed } from './build-errors';
import { buildInputsKey, projectName, sourceFingerprint } from './build-inputs';
import {
  ARTIFACT_FILE,
  buildOutput,
  createStage,
  KEY_FILE,
  latestBuild,
  MANIFEST_FILE,
  publishBuild,
  pruneBuilds,
  reuseBuild,
  sealStage,
  type BuildOutput,
} from './build-output';
import { bundleApp } from './bundle';
import { collectDependencies, installDependencies } from './dependencies';
import { codeFingerprints } from './code-fingerprint';
import { writeManifest } from './manifest-writer';
import { loadTypeScript } from './scanner/load-typescript';
import { scanApp } from './scanner/scan-app';
import { typeCheckApp } from './typecheck';

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

export const BUNDLE_PATH = 'app/bundle.js';

function fail(code: string, message: string): never {
  throw new BuildFailed(code, [{ file: '', line: 0, column: 0, message }]);
}

/** The latest published build, when its inputs key is `key` (else a full build is needed). */
function upToDateBuild(
  out: BuildOutput,
  key: string,
): { id: string; dir: string; manifest: Manifest; bytes: number } | undefined {
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
 * Scan → dependencies and bundle → type check → manifest → artifact. Everything is written to a folder
 * private to this build, sealed under `.flash/builds/` and published only when all of it worked.
 */
export async function buildApp(options: BuildOptions): Promise<BuildResult> {
  const root = resolve(options.root);
  const step = options.onStep ?? (() => undefined);
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, run: () => T | Promise<T>): Promise<T> => {
    const start = Date.now();
    try {
      return await run();
    } finally {
      timings[name] = Date.now() - start;
    }
  };
  if (!existsSync(root) || !statSync(root).isDirectory())
    fail(
      'APP_NOT_FOUND',
      `${root} is not a folder: pass the app's folder, or create one with \`flash init <dir>\``,
    );
  const out = buildOutput(root);
  const files = listAppFiles(root);
  if (files.length === 0)
    fail(
      'NO_SOURCES',
      `no .ts files in ${root} (after .flashignore): add an endpoint, or start from \`flash init <dir>\``,
    );

  const appName = options.appName ?? projectName(root);
  const key = buildInputsKey(root, files, appName);
  const cached = options.force ? undefined : upToDateBuild(out, key);
  if (cached)
    return {
      root,
      manifest: cached.manifest,
      manifestPath: join(cached.dir, MANIFEST_FILE),
      artifactPath: join(cached.dir, ARTIFACT_FILE),
      artifactBytes: cached.bytes,
      artifactSha256: cached.id,
      upToDate: true,
      timingsMs: timings,
    };

  step(`scanning ${files.length} file(s)`);
  const ts = loadTypeScript();
  const { result: scan, problems } = await timed('scan', () => scanApp(ts, root, files));
  if (problems.length > 0) throw new BuildFailed('BUILD_INVALID', problems);

  const declared = collectDependencies(
    scan.endpoints.map((e) => {
      const config = normalizeConfig(e.config, e.kind);
      return { endpoint: e.name, dependencies: config.ok ? config.config.dependencies : [] };
    }),
  );
  const stage = createStage(out);
  let manifest: Manifest;
  let packed: { bytes: number; sha256: string };
  try {
    const endpointFiles = [
      ...new Set(scan.endpoints.flatMap((e) => [e.file, ...e.routes.map((r) => r.file)])),
    ].sort();
    step('bundling');
    const bundling = timed('bundle', () =>
      bundleApp(
        root,
        endpointFiles,
        join(stage, BUNDLE_PATH),
        declared.map((d) => d.name),
      ),
    );
    bundling.catch(() => undefined); // awaited below; keeps an early failure from going unhandled
    if (declared.length > 0)
      step(`installing ${declared.length} declared dependenc${declared.length === 1 ? 'y' : 'ies'}`);
    const installed = await timed('dependencies', () =>
      installDependencies(root, join(out.flashDir, 'cache'), declared),
    );
    step('type-checking');
    const typeErrors = await timed('typecheck', () => typeCheckApp(ts, root, files, installed?.dir));
    await bundling;
    if (typeErrors.length > 0) throw new BuildFailed('TYPE_ERRORS', typeErrors);

    manifest = writeManifest(scan, {
      projectName: appName,
      generatedAt: (options.now ?? (() => new Date()))(),
      sourceFingerprint: sourceFingerprint(root, files),
      resolved: installed?.resolved ?? {},
      bundle: BUNDLE_PATH,
      codeFingerprints: await timed('fingerprint', () => codeFingerprints(root, scan.endpoints)),
    });
    writeFileSync(join(stage, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    if (installed) symlinkSync(join(installed.dir, 'node_modules'), join(stage, 'node_modules'), 'dir');
    step('packing the artifact');
    packed = await timed('pack', () =>
      packArtifact(
        stage,
        [MANIFEST_FILE, 'app', ...(installed ? ['node_modules'] : [])],
        join(stage, ARTIFACT_FILE),
      ),
    );
    writeFileSync(join(stage, KEY_FILE), key);
  } catch (error) {
    rmSync(stage, { recursive: true, force: true });
    throw error;
  }
  const dir = sealStage(out, stage, packed.sha256);
  publishBuild(out, packed.sha256);
  pruneBuilds(out, [packed.sha256]);
  return {
    root,
    manifest,
    manifestPath: join(dir, MANIFEST_FILE),
    artifactPath: join(dir, ARTIFACT_FILE),
    artifactBytes: packed.bytes,
    artifactSha256: packed.sha256,
    upToDate: false,
    timingsMs: timings,
  };
}
