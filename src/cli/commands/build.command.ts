import { relative } from 'node:path';
import { buildApp, type BuildResult } from '../../build/build-app';
import type { ManifestResource } from '../../../worker/contract/manifest';

export interface BuildCommandOptions {
  json?: boolean;
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

/** The per-endpoint summary table. */
export function renderBuildTable(result: BuildResult): string {
  const rows = Object.entries(result.manifest.resources).map(([name, r]) => [
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
  const header = ['endpoint', 'type', 'compute', 'workers', 'serves', 'remote calls', 'dependencies'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** `flash build [dir]`: scan, bundle, install dependencies, type-check, write the manifest and pack the artifact. */
export async function buildCommand(dir: string | undefined, options: BuildCommandOptions): Promise<void> {
  const started = Date.now();
  const result = await buildApp({
    root: dir ?? '.',
    force: Boolean(options.force),
    onStep: options.json ? undefined : (step) => console.error(`  ${step}...`),
  });
  const shown = (p: string): string => relative(process.cwd(), p) || '.';
  if (options.json) {
    console.log(
      JSON.stringify({
        ok: true,
        upToDate: result.upToDate,
        manifest: shown(result.manifestPath),
        artifact: shown(result.artifactPath),
        artifactBytes: result.artifactBytes,
        durationMs: Date.now() - started,
        resources: result.manifest.resources,
      }),
    );
    return;
  }
  console.log(renderBuildTable(result));
  const note = result.upToDate ? ' (up to date: nothing changed since the last build)' : '';
  console.log(
    `\nmanifest  ${shown(result.manifestPath)}\nartifact  ${shown(result.artifactPath)}  ${size(result.artifactBytes)}${note}`,
  );
  console.log(
    `built ${Object.keys(result.manifest.resources).length} endpoint(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
