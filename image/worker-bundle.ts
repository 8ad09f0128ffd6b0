import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ImageError } from './image-errors';

/**
 * The worker's entry: the compiled `worker/main.js` beside `dist/image/` when the package is built or
 * installed, else `worker/main.ts` beside `image/` in the sources.
 */
export function workerEntryFile(from = __dirname): string {
  const compiled = resolve(from, '..', 'worker', 'main.js');
  if (existsSync(compiled)) return compiled;
  const source = resolve(from, '..', 'worker', 'main.ts');
  if (existsSync(source)) return source;
  throw new ImageError(
    'PACKAGE_INCOMPLETE',
    `no worker entry beside ${from} (looked for worker/main.js and main.ts)`,
  );
}

/**
 * Bundles the worker and its production dependencies into one CommonJS file, `outfile`: the only code
 * the image holds. The same sources give the same bytes: esbuild is deterministic, and the paths it
 * writes in comments are relative to the entry's package folder, not to the current folder.
 */
export async function bundleWorker(outfile: string, entry = workerEntryFile()): Promise<void> {
  const esbuild = await import('esbuild');
  try {
    await esbuild.build({
      entryPoints: [entry],
      absWorkingDir: dirname(dirname(entry)),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile,
      logLevel: 'silent',
      // the entry starts the worker only when run as the main module, which it no longer is in a bundle
      define: { 'require.main': 'module' },
    });
  } catch (error) {
    throw new ImageError('WORKER_BUNDLE_FAILED', `bundling the worker (${entry}) failed: ${String(error)}`, {
      cause: error,
    });
  }
}
