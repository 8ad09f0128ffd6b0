import { join } from 'node:path';
import { listAppFiles } from '../build/app-files';
import { BuildFailed } from '../build/build-errors';
import { sdkEntry } from '../build/scanner/ts-program';
import {
  endpointDefinitionOf,
  type LoadBalancedEndpointDefinition,
  type QueueEndpointDefinition,
} from '../../worker/contract/endpoint-definition';
import { loadBundle } from '../../worker/live/load-bundle';

export interface DevBundle {
  /** The app's CommonJS bundle with an inline source map (what a live worker is shipped). */
  code: string;
  /** Where the bundle says it lives: `<app>/.flash/dev/bundle.js` (stack traces map back to the sources). */
  path: string;
  queues: Map<string, QueueEndpointDefinition>;
  balancers: Map<string, LoadBalancedEndpointDefinition>;
}

/** Bundles every source file of the app (npm packages stay external, resolved from the app) and loads it here. */
export async function devBundle(root: string): Promise<DevBundle> {
  const esbuild = await import('esbuild');
  const files = listAppFiles(root);
  const path = join(root, '.flash', 'dev', 'bundle.js');
  const entry = `exports.modules = {\n${files.map((f) => `  ${JSON.stringify(f)}: require(${JSON.stringify(`./${f}`)}),`).join('\n')}\n};\n`;
  let code: string;
  try {
    const result = await esbuild.build({
      stdin: { contents: entry, resolveDir: root, sourcefile: '__flash_dev_entry__.js', loader: 'js' },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: path,
      write: false,
      sourcemap: 'inline',
      keepNames: true,
      logLevel: 'silent',
      alias: { 'flash-ledger': require.resolve(sdkEntry()) },
      plugins: [
        {
          // the app's npm packages load from its node_modules; the SDK (and what it uses) is bundled in
          name: 'app-packages-external',
          setup(build) {
            build.onResolve({ filter: /^[^./]/ }, (args) =>
              args.path !== 'flash-ledger' && args.importer.startsWith(root)
                ? { path: args.path, external: true }
                : undefined,
            );
          },
        },
      ],
    });
    code = result.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
  } catch (error) {
    const errors =
      (
        error as {
          errors?: { text: string; location?: { file: string; line: number; column: number } | null }[];
        }
      ).errors ?? [];
    throw new BuildFailed(
      'BUNDLE_FAILED',
      errors.map((m) => ({
        file: m.location?.file ?? '',
        line: m.location?.line ?? 0,
        column: (m.location?.column ?? 0) + 1,
        message: m.text,
      })),
    );
  }
  const modules = loadBundle(code, path);
  const queues = new Map<string, QueueEndpointDefinition>();
  const balancers = new Map<string, LoadBalancedEndpointDefinition>();
  for (const exports of Object.values(modules))
    for (const value of Object.values(exports)) {
      const definition = endpointDefinitionOf(value);
      if (definition?.kind === 'queue') queues.set(definition.name, definition);
      if (definition?.kind === 'load_balanced') balancers.set(definition.name, definition);
    }
  return { code, path, queues, balancers };
}
