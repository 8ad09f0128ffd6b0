import type { BuildFailure, Message } from 'esbuild';
import { relative, sep } from 'node:path';
import { BuildFailed, type BuildProblem } from './build-errors';
import { sdkEntry } from './scanner/ts-program';

export interface BundleResult {
  bytes: number;
}

function toProblem(root: string, m: Message): BuildProblem {
  const file = m.location ? relative(root, m.location.file).split(sep).join('/') : '';
  return {
    file,
    line: m.location?.line ?? 0,
    column: (m.location?.column ?? 0) + 1,
    message: `bundle: ${m.text}`,
  };
}

/**
 * The entry both bundles (the deploy artifact's and `flash dev`'s) start from: a `modules` export mapping
 * each app file to its exports, which is how a worker finds its endpoint.
 */
export function bundleEntry(root: string, files: readonly string[], sourcefile: string) {
  const contents = `exports.modules = {\n${files.map((f) => `  ${JSON.stringify(f)}: require(${JSON.stringify(`./${f}`)}),`).join('\n')}\n};\n`;
  return {
    stdin: { contents, resolveDir: root, sourcefile, loader: 'js' as const },
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    format: 'cjs' as const,
    keepNames: true,
    logLevel: 'silent' as const,
    // the SDK is bundled in from this package, whatever the app's node_modules hold
    alias: { 'flash-ledger': require.resolve(sdkEntry()) },
  };
}

/**
 * One CommonJS bundle of the app for Node 20. Its `modules` export maps each app file that declares
 * endpoints or routes to its exports, which is how a worker finds its endpoint. The SDK is bundled in;
 * declared dependencies stay external and load from the artifact's node_modules.
 */
export async function bundleApp(
  root: string,
  files: readonly string[],
  outfile: string,
  externals: readonly string[],
): Promise<BundleResult> {
  const esbuild = await import('esbuild');
  try {
    const result = await esbuild.build({
      ...bundleEntry(root, files, '__flash_entry__.js'),
      outfile,
      sourcemap: 'linked',
      metafile: true,
      external: externals.flatMap((name) => [name, `${name}/*`]),
    });
    const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('.js'));
    return { bytes: output?.[1].bytes ?? 0 };
  } catch (error) {
    const failure = error as Partial<BuildFailure>;
    if (Array.isArray(failure.errors))
      throw new BuildFailed(
        'BUNDLE_FAILED',
        failure.errors.map((m) => toProblem(root, m)),
      );
    throw error;
  }
}
