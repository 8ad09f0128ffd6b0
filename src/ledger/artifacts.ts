import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { flashHome } from '../adapters/eventstore/ledger-config';
import { sha256OfFile } from '../build/artifact';
import { FlashError } from '../domain/errors';

/**
 * Every artifact a deployment was requested with, by content (`<sha256>.tar.gz`), under
 * `$FLASH_HOME/artifacts`: what `flash rollback` deploys again and `--resume` uploads, whatever became of
 * the app's `.flash` folder since. `flash gc` (and every deploy) removes those no kept version uses.
 */
export const artifactsDir = (home = flashHome()): string => join(home, 'artifacts');

const FILE = /^([0-9a-f]{64})\.tar\.gz$/;

/** How many versions of each environment keep their artifact; `FLASH_ARTIFACT_RETENTION`, default 10. */
export function artifactRetention(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FLASH_ARTIFACT_RETENTION?.trim();
  if (!raw) return 10;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new FlashError(
      'ARTIFACT_RETENTION_INVALID',
      `FLASH_ARTIFACT_RETENTION is "${raw}": give the number of versions per environment to keep (1 or more)`,
    );
  return Number(raw);
}

/** Copies a build's artifact into the store (once per content) and answers where it is kept. */
export async function keepArtifact(
  path: string,
  home = flashHome(),
): Promise<{ path: string; sha256: string }> {
  const sha256 = await sha256OfFile(path);
  const dir = artifactsDir(home);
  const kept = join(dir, `${sha256}.tar.gz`);
  if (!existsSync(kept)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const partial = `${kept}.${process.pid}.partial`;
    copyFileSync(path, partial);
    renameSync(partial, kept); // whole or absent, whatever happens to this process
  }
  return { path: kept, sha256 };
}

/** Whether the artifact a deployment recorded can still be deployed: present, with the recorded content. */
export async function artifactAvailable(artifact: { path: string; sha256: string }): Promise<boolean> {
  if (!artifact.path || !existsSync(artifact.path)) return false;
  return (await sha256OfFile(artifact.path).catch(() => '')) === artifact.sha256;
}

export interface Collected {
  /** sha256 of each artifact removed (or that would be, on a dry run). */
  removed: string[];
  kept: number;
  freedBytes: number;
}

/**
 * Removes the stored artifacts whose content `wanted` does not hold (the artifacts of the versions each
 * environment keeps, and of unfinished deployments). Partial copies left by a killed process go too.
 */
export function collectArtifacts(
  wanted: ReadonlySet<string>,
  dryRun: boolean,
  home = flashHome(),
): Collected {
  const dir = artifactsDir(home);
  const result: Collected = { removed: [], kept: 0, freedBytes: 0 };
  if (!existsSync(dir)) return result;
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name);
    const sha = FILE.exec(name)?.[1];
    if (sha && wanted.has(sha)) {
      result.kept += 1;
      continue;
    }
    // not ours, or a copy another process may still be making
    if (!sha && (!name.endsWith('.partial') || Date.now() - statSync(file).mtimeMs < 3_600_000)) continue;
    if (sha) result.removed.push(sha);
    result.freedBytes += statSync(file).size;
    if (!dryRun) rmSync(file, { force: true });
  }
  return result;
}
