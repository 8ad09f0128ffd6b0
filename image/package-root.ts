import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { ImageError } from './image-errors';

/**
 * The flash-ledger package's folder, found upward from this file: the repository from `image/`, the
 * installed package from `dist/image/` (both hold `worker/Dockerfile`).
 */
export function packageRoot(from = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'worker', 'Dockerfile'))) return dir;
  }
  throw new ImageError('PACKAGE_INCOMPLETE', `no flash-ledger package with worker/Dockerfile above ${from}`);
}

const PackageJson = z.object({ version: z.string().default('0.0.0') });

/** The package's version, from its package.json. */
export function packageVersion(root = packageRoot()): string {
  return PackageJson.parse(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))).version;
}
