import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { manifestSchema, type Manifest } from '../../worker/contract/manifest';
import { normalizeConfig } from '../sdk/config';
import { listAppFiles } from './app-files';
import { packArtifact } from './artifact';
import { BuildFailed } from './build-errors';
import { buildInputsKey, projectName, sourceFingerprint } from './build-inputs';
import { bundleApp } from './bundle';
import { collectDependencies, installDependencies } from './dependencies';
import { codeFingerprints } from './code-fingerprint';
import { writeManifest } from './manifest-writer';
import { loadTypeScript } from './scanner/load-typescript';
import { scanApp } from './scanner/scan-app';
import { typeCheckApp } from './typecheck';

export interface BuildOptions {
  root: string;
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
  manifestPath: string;
  artifactPath: string;
  artifactBytes: number;
  upToDate: boolean;
  timingsMs: Record<string, number>;
}

export const BUNDLE_PATH = 'app/bundle.js';

function fail(code: string, message: string): never {
  throw new BuildFailed(code, [{ file: '', line: 0, column: 0, message }]);
}

/**
 * Scan → dependencies and bundle → type check → manifest → artifact. Everything is written to a
 * temporary folder and renamed into `.flash/` only when all of it worked.
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
  const flashDir = join(root, '.flash');
  const buildDir = join(flashDir, 'build');
  const artifactPath = join(flashDir, 'artifact.tar.gz');
  const manifestPath = join(buildDir, 'flash_manifest.json');
  const files = listAppFiles(root);
  if (files.length === 0)
    fail(
      'NO_SOURCES',
      `no .ts files in ${root} (after .flashignore): add an endpoint, or start from \`flash init <dir>\``,
    );

  const key = buildInputsKey(root, files);
  const keyFile = join(buildDir, 'build-key');
  if (
    !options.force &&
    existsSync(keyFile) &&
    existsSync(artifactPath) &&
    readFileSync(keyFile, 'utf8') === key
  ) {
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
    return {
      root,
      manifest,
      manifestPath,
      artifactPath,
      artifactBytes: statSync(artifactPath).size,
      upToDate: true,
      timingsMs: timings,
    };
  }

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
  const stage = join(flashDir, `build.tmp-${process.pid}-${Date.now()}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'app'), { recursive: true });
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
      installDependencies(root, join(flashDir, 'cache'), declared),
    );
    step('type-checking');
    const typeErrors = await timed('typecheck', () => typeCheckApp(ts, root, files, installed?.dir));
    await bundling;
    if (typeErrors.length > 0) throw new BuildFailed('TYPE_ERRORS', typeErrors);

    const manifest = writeManifest(scan, {
      projectName: projectName(root),
      generatedAt: (options.now ?? (() => new Date()))(),
      sourceFingerprint: sourceFingerprint(root, files),
      resolved: installed?.resolved ?? {},
      bundle: BUNDLE_PATH,
      codeFingerprints: await timed('fingerprint', () => codeFingerprints(root, scan.endpoints)),
    });
    writeFileSync(join(stage, 'flash_manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    if (installed) symlinkSync(join(installed.dir, 'node_modules'), join(stage, 'node_modules'), 'dir');
    step('packing the artifact');
    const tmpArtifact = `${artifactPath}.tmp-${process.pid}`;
    const artifactBytes = await timed('pack', () =>
      packArtifact(
        stage,
        ['flash_manifest.json', 'app', ...(installed ? ['node_modules'] : [])],
        tmpArtifact,
      ),
    );
    writeFileSync(join(stage, 'build-key'), key);
    rmSync(buildDir, { recursive: true, force: true });
    renameSync(stage, buildDir);
    renameSync(tmpArtifact, artifactPath);
    return { root, manifest, manifestPath, artifactPath, artifactBytes, upToDate: false, timingsMs: timings };
  } catch (error) {
    rmSync(stage, { recursive: true, force: true });
    rmSync(`${artifactPath}.tmp-${process.pid}`, { force: true });
    throw error;
  }
}
