import { join, relative } from 'node:path';
import { build, type BuildResult } from '../../ledger/build';
import { locateApp } from '../app/locate-app';
import { printJson, printTable } from '../output/print';
import { progressOn } from '../output/progress';
import { renderTable, type Column } from '../output/table';
import type { ManifestResource } from '../../../worker/contract/manifest';

export interface BuildCommandOptions {
  app?: string;
  json?: boolean;
  wide?: boolean;
  force?: boolean;
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}

function compute(r: ManifestResource): string {
  if (r.instanceIds) return `cpu ${r.instanceIds.join(',')}`;
  const pools = (r.gpuIds ?? '').split(',').filter((t) => !t.startsWith('-'));
  return `gpu ${pools.length > 3 ? `${pools.slice(0, 2).join(',')} +${pools.length - 2}` : pools.join(',')}`;
}

const COLUMNS: readonly Column[] = [
  { header: 'endpoint' },
  { header: 'type' },
  { header: 'compute' },
  { header: 'workers', align: 'right' },
  { header: 'serves' },
  { header: 'remote calls' },
  { header: 'dependencies' },
];

function rowsOf(result: BuildResult): string[][] {
  return Object.entries(result.manifest.resources).map(([name, r]) => [
    name,
    r.is_load_balanced ? 'LB' : 'QB',
    compute(r),
    `${r.workersMin}-${r.workersMax}`,
    r.is_load_balanced ? `${r.functions.length} route(s)` : (r.functions[0]?.name ?? ''),
    r.makes_remote_calls ? `yes -> ${r.calls_resources.join(', ')}` : 'no',
    Object.entries(r.resolved_dependencies ?? {})
      .map(([n, v]) => `${n}@${v}`)
      .join(', ') || '-',
  ]);
}

/** The per-endpoint summary table (no width limit). */
export function renderBuildTable(result: BuildResult): string {
  return renderTable(COLUMNS, rowsOf(result));
}

/** `flash build [dir]`: scan, bundle, install dependencies, type-check, write the manifest and pack the artifact. */
export async function buildCommand(dir: string | undefined, options: BuildCommandOptions): Promise<void> {
  const started = Date.now();
  const app = locateApp(dir, options.app);
  const result = await build(app, progressOn(options.json), Boolean(options.force));
  const shown = (p: string): string => relative(process.cwd(), p) || '.';
  if (options.json) {
    printJson({
      ok: true,
      app: app.name,
      upToDate: result.upToDate,
      manifest: shown(result.manifestPath),
      artifact: shown(result.artifactPath),
      artifactBytes: result.artifactBytes,
      durationMs: Date.now() - started,
      resources: result.manifest.resources,
    });
    return;
  }
  printTable(COLUMNS, rowsOf(result), options.wide);
  const note = result.upToDate ? ' (up to date: nothing changed since the last build)' : '';
  console.log(
    // the links to the latest build, which read better than its sealed folder's name
    `\nmanifest  ${shown(join(app.root, '.flash', 'build', 'flash_manifest.json'))}\nartifact  ${shown(join(app.root, '.flash', 'artifact.tar.gz'))}  ${size(result.artifactBytes)}${note}`,
  );
  console.log(
    `built ${Object.keys(result.manifest.resources).length} endpoint(s) of ${app.name} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
