import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';

/** Fixed mtime for every entry, so the same inputs pack to the same bytes. */
const EPOCH = new Date('2000-01-01T00:00:00Z');

/** The sha256 (hex) of a file's bytes, read as a stream. */
export function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Packs `entries` (relative to `cwd`, symlinks followed) into a gzipped tarball; returns its size and sha256. */
export async function packArtifact(
  cwd: string,
  entries: readonly string[],
  file: string,
): Promise<{ bytes: number; sha256: string }> {
  const tar = await import('tar');
  await tar.create({ gzip: { level: 6 }, file, cwd, portable: true, follow: true, mtime: EPOCH }, [
    ...entries,
  ]);
  return { bytes: statSync(file).size, sha256: await sha256OfFile(file) };
}

/** The paths inside an artifact, for checks and tests. */
export async function listArtifact(file: string): Promise<string[]> {
  const tar = await import('tar');
  const paths: string[] = [];
  await tar.list({ file, onReadEntry: (entry) => paths.push(entry.path) });
  return paths;
}
