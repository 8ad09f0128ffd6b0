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
  const entry = `exports.modules = {\n${files.map((f) => `  ${JSON.stringify(f)}: require(${JSON.stringify(`./${f}`)}),`).join('\n')}\n};\n`;
  try {
    const result = await esbuild.build({
      stdin: { contents: entry, resolveDir: root, sourcefile: '__flash_entry__.js', loader: 'js' },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile,
      sourcemap: 'linked',
      keepNames: true,
      metafile: true,
      logLevel: 'silent',
      alias: { 'flash-ledger': require.resolve(sdkEntry()) },
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
