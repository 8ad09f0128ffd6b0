import { join, resolve, sep } from 'node:path';
import { listAppFiles } from '../build/app-files';
import { BuildFailed } from '../build/build-errors';
import { bundleEntry } from '../build/bundle';
import {
  endpointDefinitionOf,
  type LoadBalancedEndpointDefinition,
  type QueueEndpointDefinition,
} from '../../worker/contract/endpoint-definition';
import { loadBundle } from '../../worker/embed';
import { loadFailure } from './load-failure';

export interface DevBundle {
  /** The app's CommonJS bundle with an inline source map (what a live worker is shipped). */
  code: string;
  /** Where the bundle says it lives: `<app>/.flash/dev/bundle.js` (stack traces map back to the sources). */
  path: string;
  /** The app's file listing it was made from (relative, sorted). */
  files: readonly string[];
  /** Absolute paths of the app's own files it read (sources, JSON), packages left out. */
  inputs: ReadonlySet<string>;
  queues: Map<string, QueueEndpointDefinition>;
  balancers: Map<string, LoadBalancedEndpointDefinition>;
}

/**
 * Bundles every source file of the app (npm packages stay external, resolved from the app) and loads it
 * here. Throws BuildFailed: BUNDLE_FAILED (a syntax error, an import that does not resolve) or the code of
 * what the app threw while loading, each naming the app's file and line.
 */
export async function devBundle(root: string): Promise<DevBundle> {
  const esbuild = await import('esbuild');
  const files = listAppFiles(root);
  const path = join(root, '.flash', 'dev', 'bundle.js');
  let code: string;
  let read: string[];
  try {
    const result = await esbuild.build({
      ...bundleEntry(root, files, '__flash_dev_entry__.js'),
      // errors name files relative to the app
      absWorkingDir: root,
      metafile: true,
      outfile: path,
      write: false,
      sourcemap: 'inline',
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
    read = Object.keys(result.metafile.inputs).map((p) => resolve(root, p));
  } catch (error) {
    const errors =
      (
        error as {
          errors?: { text: string; location?: { file: string; line: number; column: number } | null }[];
        }
      ).errors ?? [];
    if (errors.length === 0) throw loadFailure(error, root);
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
  let modules: Record<string, Record<string, unknown>>;
  try {
    modules = loadBundle(code, path);
  } catch (error) {
    throw loadFailure(error, root);
  }
  const queues = new Map<string, QueueEndpointDefinition>();
  const balancers = new Map<string, LoadBalancedEndpointDefinition>();
  for (const exports of Object.values(modules))
    for (const value of Object.values(exports)) {
      const definition = endpointDefinitionOf(value);
      if (definition?.kind === 'queue') queues.set(definition.name, definition);
      if (definition?.kind === 'load_balanced') balancers.set(definition.name, definition);
    }
  const inputs = new Set(
    read.filter((p) => p.startsWith(root + sep) && !p.includes(`${sep}node_modules${sep}`)),
  );
  return { code, path, files, inputs, queues, balancers };
}

/** Whether a change to these absolute paths can change the bundle: a file it read, the listing, `.flashignore`. */
export function changesBundle(bundle: DevBundle, root: string, paths: readonly string[]): boolean {
  const ignoreFile = join(root, '.flashignore');
  if (paths.some((p) => bundle.inputs.has(p) || p === ignoreFile)) return true;
  return listAppFiles(root).join('\n') !== bundle.files.join('\n');
}
