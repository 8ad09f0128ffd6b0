import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as TS from 'typescript';
import type { Manifest } from '../../worker/contract/manifest';
import { normalizeConfig } from '../sdk/config';
import { packArtifact } from './artifact';
import { BuildFailed } from './build-errors';
import { sourceFingerprint } from './build-inputs';
import {
  ARTIFACT_FILE,
  createStage,
  KEY_FILE,
  MANIFEST_FILE,
  publishBuild,
  pruneBuilds,
  sealStage,
} from './build-output';
import type { BuildRun, SealedBuild } from './build-run';
import { bundleApp } from './bundle';
import { codeFingerprints } from './code-fingerprint';
import {
  collectDependencies,
  installDependencies,
  type DeclaredDependency,
  type InstalledDependencies,
} from './dependencies';
import { writeManifest } from './manifest-writer';
import type { ScanResult } from './scanner/scan-types';
import { typeCheckApp } from './typecheck';

export const BUNDLE_PATH = 'app/bundle.js';

/**
 * Builds a scanned app in a folder private to this build, so that a failed or concurrent build never
 * leaves a half-written one behind; seals and publishes it only when every step worked.
 */
export async function stageBuild(build: BuildRun, ts: typeof TS, scan: ScanResult): Promise<SealedBuild> {
  const declared = gatherDependencies(scan);
  const stage = createStage(build.out);
  let manifest: Manifest;
  let packed: { bytes: number; sha256: string };
  try {
    const installed = await compileApp(build, ts, scan, declared, stage);
    manifest = await writeStagedManifest(build, scan, installed, stage);
    packed = await packStage(build, stage, installed);
  } catch (error) {
    rmSync(stage, { recursive: true, force: true });
    throw error;
  }
  const dir = sealStage(build.out, stage, packed.sha256);
  publishBuild(build.out, packed.sha256);
  pruneBuilds(build.out, [packed.sha256]);
  return { id: packed.sha256, dir, manifest, bytes: packed.bytes };
}

/** Every endpoint's declared dependencies; they share one node_modules, so conflicts fail here. */
function gatherDependencies(scan: ScanResult): DeclaredDependency[] {
  return collectDependencies(
    scan.endpoints.map((e) => {
      const config = normalizeConfig(e.config, e.kind);
      return { endpoint: e.name, dependencies: config.ok ? config.config.dependencies : [] };
    }),
  );
}

/**
 * The bundle needs only the dependencies' names, so it is built while they install and the app
 * type-checks against them. Returns the installed dependencies, for the manifest and the artifact.
 */
async function compileApp(
  build: BuildRun,
  ts: typeof TS,
  scan: ScanResult,
  declared: readonly DeclaredDependency[],
  stage: string,
): Promise<InstalledDependencies | undefined> {
  const endpointFiles = [
    ...new Set(scan.endpoints.flatMap((e) => [e.file, ...e.routes.map((r) => r.file)])),
  ].sort();
  build.step('bundling');
  const bundling = build.timed('bundle', () =>
    bundleApp(
      build.root,
      endpointFiles,
      join(stage, BUNDLE_PATH),
      declared.map((d) => d.name),
    ),
  );
  bundling.catch(() => undefined); // awaited below; keeps an early failure from going unhandled
  if (declared.length > 0)
    build.step(`installing ${declared.length} declared dependenc${declared.length === 1 ? 'y' : 'ies'}`);
  const installed = await build.timed('dependencies', () =>
    installDependencies(build.root, join(build.out.flashDir, 'cache'), declared),
  );
  build.step('type-checking');
  const typeErrors = await build.timed('typecheck', () =>
    typeCheckApp(ts, build.root, build.files, installed?.dir),
  );
  await bundling;
  if (typeErrors.length > 0) throw new BuildFailed('TYPE_ERRORS', typeErrors);
  return installed;
}

async function writeStagedManifest(
  build: BuildRun,
  scan: ScanResult,
  installed: InstalledDependencies | undefined,
  stage: string,
): Promise<Manifest> {
  const manifest = writeManifest(scan, {
    projectName: build.appName,
    generatedAt: build.now(),
    sourceFingerprint: sourceFingerprint(build.root, build.files),
    resolved: installed?.resolved ?? {},
    bundle: BUNDLE_PATH,
    codeFingerprints: await build.timed('fingerprint', () => codeFingerprints(build.root, scan.endpoints)),
  });
  writeFileSync(join(stage, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

async function packStage(
  build: BuildRun,
  stage: string,
  installed: InstalledDependencies | undefined,
): Promise<{ bytes: number; sha256: string }> {
  if (installed) symlinkSync(join(installed.dir, 'node_modules'), join(stage, 'node_modules'), 'dir');
  build.step('packing the artifact');
  const packed = await build.timed('pack', () =>
    packArtifact(
      stage,
      [MANIFEST_FILE, 'app', ...(installed ? ['node_modules'] : [])],
      join(stage, ARTIFACT_FILE),
    ),
  );
  writeFileSync(join(stage, KEY_FILE), build.key); // a later build with the same key reuses this one
  return packed;
}
