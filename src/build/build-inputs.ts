import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { sdkEntry } from './scanner/ts-program';

/** sha256 over the app's shipped source files (path and content), the manifest's `source_fingerprint`. */
export function sourceFingerprint(root: string, files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const f of files)
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(root, f)))
      .update('\0');
  return hash.digest('hex');
}

function sdkFingerprint(): string {
  const hash = createHash('sha256');
  for (const dir of [join(sdkEntry(), '..'), join(sdkEntry(), '..', '..', '..', 'worker', 'contract')]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort())
      if (/\.(ts|js)$/.test(f)) hash.update(f).update(readFileSync(join(dir, f)));
  }
  return hash.digest('hex');
}

/** Everything a build depends on: when this key is unchanged, the last artifact is still right. */
export function buildInputsKey(root: string, files: readonly string[], appName: string): string {
  const hash = createHash('sha256')
    .update(appName)
    .update('\0')
    .update(sourceFingerprint(root, files))
    .update(sdkFingerprint())
    .update(process.versions.node.split('.')[0] ?? '');
  for (const extra of ['.flashignore', 'package.json'])
    if (existsSync(join(root, extra))) hash.update(extra).update(readFileSync(join(root, extra)));
  return hash.digest('hex');
}

/** The app's name: package.json `name`, else the folder's name. */
export function projectName(root: string): string {
  const pkg = join(root, 'package.json');
  if (existsSync(pkg)) {
    try {
      const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name;
      if (typeof name === 'string' && name) return name;
    } catch {
      // an unreadable package.json names nothing; the folder does
    }
  }
  return basename(root);
}
