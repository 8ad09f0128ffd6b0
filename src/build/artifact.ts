import { statSync } from 'node:fs';

/** Fixed mtime for every entry, so the same inputs pack to the same bytes. */
const EPOCH = new Date('2000-01-01T00:00:00Z');

/** Packs `entries` (relative to `cwd`, symlinks followed) into a gzipped tarball; returns its size. */
export async function packArtifact(cwd: string, entries: readonly string[], file: string): Promise<number> {
  const tar = await import('tar');
  await tar.create({ gzip: { level: 6 }, file, cwd, portable: true, follow: true, mtime: EPOCH }, [
    ...entries,
  ]);
  return statSync(file).size;
}

/** The paths inside an artifact, for checks and tests. */
export async function listArtifact(file: string): Promise<string[]> {
  const tar = await import('tar');
  const paths: string[] = [];
  await tar.list({ file, onReadEntry: (entry) => paths.push(entry.path) });
  return paths;
}
