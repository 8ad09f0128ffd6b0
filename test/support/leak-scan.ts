import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Every file under a folder (skipping node_modules), for scanning. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : filesUnder(p);
    return e.isFile() ? [p] : [];
  });
}

/**
 * What a secret must never be written to: everything under FLASH_HOME but the local cloud (the target, which
 * keeps endpoint environments as RunPod does), the cloud's and workers' logs, and the app's build output.
 */
export function ledgerSideFiles(home: string, app: string): string[] {
  return [
    ...filesUnder(home).filter((f) => !f.startsWith(join(home, 'cloud'))),
    ...filesUnder(join(home, 'cloud', 'logs')),
    ...filesUnder(join(app, '.flash')),
  ];
}

/** Each file that holds one of `values` (a gzip file read unpacked, so an artifact's manifest is seen). */
export function filesHolding(files: readonly string[], values: readonly string[]): string[] {
  return files.filter((file) => {
    const bytes = readFileSync(file);
    const text =
      file.endsWith('.gz') && statSync(file).size > 0
        ? gunzipSync(bytes).toString('latin1')
        : bytes.toString('latin1');
    return values.some((v) => text.includes(v));
  });
}
