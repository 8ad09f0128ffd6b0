import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Unpacks a build's artifact once into `<home>/apps/<buildId>`, the folder its workers run in. Workers
 * of several endpoints start together from one build: each unpacks into its own temporary folder and
 * renames it into place; the first rename wins, and a folder with a manifest is never removed, since
 * workers may already run in it.
 */
export async function unpackedBuild(home: string, buildId: string, artifact: string): Promise<string> {
  const dir = join(home, 'apps', buildId);
  const unpacked = (): boolean => existsSync(join(dir, 'flash_manifest.json'));
  if (unpacked()) return dir;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  mkdirSync(tmp, { recursive: true });
  try {
    const tar = await import('tar');
    await tar.extract({ file: artifact, cwd: tmp, strict: true, preservePaths: false });
    if (unpacked()) return dir; // another start unpacked it meanwhile
    rmSync(dir, { recursive: true, force: true }); // a partial folder, without its manifest
    try {
      renameSync(tmp, dir);
    } catch (error) {
      if (!unpacked()) throw error; // the rename lost to another start's: theirs is as good
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}
