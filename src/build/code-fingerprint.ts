import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScannedEndpoint } from './scanner/scan-types';

/**
 * Each endpoint's code fingerprint: a hash of the app files its code loads (its own files and everything
 * they import, found by esbuild), with every endpoint's config argument left out, since the config hash
 * covers that. A code change in what an endpoint runs changes its fingerprint (so the deploy rolls its
 * workers: Flash once did not); a config change elsewhere in the same file does not.
 */
export async function codeFingerprints(
  root: string,
  endpoints: readonly ScannedEndpoint[],
): Promise<Record<string, string>> {
  const esbuild = await import('esbuild');
  const entryFiles = (e: ScannedEndpoint): string[] => [...new Set([e.file, ...e.routes.map((r) => r.file)])];
  const entries = [...new Set(endpoints.flatMap(entryFiles))].sort();
  const result = await esbuild.build({
    entryPoints: entries,
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    outdir: join(root, '.flash', 'fingerprint'),
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    external: ['flash-ledger'],
    logLevel: 'silent',
  });
  const inputsOf = new Map<string, string[]>();
  for (const output of Object.values(result.metafile.outputs))
    if (output.entryPoint) inputsOf.set(output.entryPoint, Object.keys(output.inputs));
  const spans = new Map<string, { start: number; end: number }[]>();
  for (const e of endpoints) spans.set(e.file, [...(spans.get(e.file) ?? []), e.configSpan]);
  const contents = new Map<string, string>();
  const codeOf = (file: string): string => {
    let text = contents.get(file);
    if (text === undefined) {
      text = readFileSync(join(root, file), 'utf8');
      for (const span of [...(spans.get(file) ?? [])].sort((a, b) => b.start - a.start))
        text = `${text.slice(0, span.start)}/*config*/${text.slice(span.end)}`;
      contents.set(file, text);
    }
    return text;
  };
  const fingerprints: Record<string, string> = {};
  for (const e of endpoints) {
    const files = [...new Set(entryFiles(e).flatMap((f) => inputsOf.get(f) ?? [f]))].sort();
    const hash = createHash('sha256');
    for (const file of files) hash.update(`${file}\0${codeOf(file)}\0`);
    fingerprints[e.name] = `sha256:${hash.digest('hex')}`;
  }
  return fingerprints;
}
