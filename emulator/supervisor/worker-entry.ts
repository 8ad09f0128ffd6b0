import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleWorker } from '../../image/worker-bundle';

/**
 * The JS file worker processes run. From a build (dist/) that is `worker/main.js` itself; from sources,
 * `worker/` is bundled once with esbuild into `<home>/runtime/`, keyed by its content, so a worker
 * starts in milliseconds without a TypeScript loader.
 */
export async function workerEntry(home: string): Promise<string> {
  const compiled = resolve(__dirname, '..', '..', 'worker', 'main.js');
  if (existsSync(compiled)) return compiled;
  const source = resolve(__dirname, '..', '..', 'worker');
  const hash = createHash('sha256').update('bundle-options:image/worker-bundle');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith('.ts')) hash.update(entry).update(readFileSync(full));
    }
  };
  walk(source);
  const out = join(home, 'runtime', `worker-${hash.digest('hex').slice(0, 16)}.cjs`);
  if (existsSync(out)) return out;
  mkdirSync(join(home, 'runtime'), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  await bundleWorker(tmp, join(source, 'main.ts')); // as the worker image bundles it
  renameSync(tmp, out);
  return out;
}
