import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Unpacks a build's artifact once into `<home>/apps/<buildId>`, the folder its workers run in. */
export async function unpackedBuild(home: string, buildId: string, artifact: string): Promise<string> {
  const dir = join(home, 'apps', buildId);
  if (existsSync(join(dir, 'flash_manifest.json'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  try {
    const tar = await import('tar');
    await tar.extract({ file: artifact, cwd: tmp, strict: true, preservePaths: false });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  return dir;
}
