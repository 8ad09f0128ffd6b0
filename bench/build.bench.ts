/**
 * `flash build` on a generated 50-endpoint app (40 QB in 10 files, 10 LB with 3 routes each calling QB
 * functions through helpers). Prints one JSON object. Bars: scan + manifest under 2 s; a rebuild with no
 * change under 0.5 s.
 *
 *   npm run bench:build
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const QB_FILES = 10;
const QB_PER_FILE = 4;
const LB_COUNT = 10;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);

function generateApp(root: string): void {
  mkdirSync(join(root, 'workers'), { recursive: true });
  mkdirSync(join(root, 'api'), { recursive: true });
  for (let f = 0; f < QB_FILES; f++) {
    const lines = ["import { Endpoint, z } from 'flash-ledger';", ''];
    for (let i = 0; i < QB_PER_FILE; i++) {
      const n = f * QB_PER_FILE + i;
      const compute = n % 2 === 0 ? `gpu: 'ADA_24', workers: [0, 3]` : `cpu: 'cpu3c-1-2', idleTimeout: 120`;
      lines.push(
        `export const stage${n} = Endpoint.queue(`,
        `  { name: 'stage_${n}', ${compute}, env: { STAGE: '${n}' }, input: z.object({ text: z.string(), n: z.number().optional() }) },`,
        `  async ({ text, n }) => ({ stage: ${n}, text: text.toUpperCase(), n: (n ?? 0) + 1 }),`,
        ');',
        '',
      );
    }
    writeFileSync(join(root, 'workers', `w${f}.ts`), lines.join('\n'));
  }
  writeFileSync(
    join(root, 'api', 'helpers.ts'),
    [
      `import * as w0 from '../workers/w0';`,
      `export async function twoStages(text: string) {`,
      `  const a = await w0.stage0({ text });`,
      `  return w0.stage1({ text: a.text, n: a.n });`,
      `}`,
      '',
    ].join('\n'),
  );
  for (let l = 0; l < LB_COUNT; l++) {
    const qb = (l * 3) % (QB_FILES * QB_PER_FILE);
    const file = Math.floor(qb / QB_PER_FILE);
    writeFileSync(
      join(root, 'api', `lb${l}.ts`),
      [
        `import { Endpoint } from 'flash-ledger';`,
        `import { stage${qb} } from '../workers/w${file}';`,
        `import { twoStages } from './helpers';`,
        `export const lb${l} = Endpoint.loadBalanced({ name: 'api_${l}', cpu: 'cpu3c-1-2', workers: [1, 3] });`,
        `lb${l}.get('/health', () => ({ status: 'ok' }));`,
        `lb${l}.post('/run', async ({ body }) => stage${qb}({ text: String((body as { text?: unknown }).text ?? '') }));`,
        `lb${l}.post('/chain/{id}', async ({ params }) => twoStages(params.id ?? ''));`,
        '',
      ].join('\n'),
    );
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'flash-bench-build-'));
  try {
    generateApp(root);
    const { listAppFiles } = await import('../src/build/app-files');
    const { scanApp } = await import('../src/build/scanner/scan-app');
    const { writeManifest } = await import('../src/build/manifest-writer');
    const { buildApp } = await import('../src/build/build-app');
    const { loadTypeScript } = await import('../src/build/scanner/load-typescript');

    const scanAndManifest = async (): Promise<{ ms: number; endpoints: number; remote: number }> => {
      const start = process.hrtime.bigint();
      const ts = loadTypeScript();
      const files = listAppFiles(root);
      const { result, problems } = scanApp(ts, root, files);
      if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('\n'));
      const manifest = writeManifest(result, {
        projectName: 'bench',
        generatedAt: new Date(),
        sourceFingerprint: 'x',
        resolved: {},
        bundle: 'app/bundle.js',
      });
      const remote = Object.values(manifest.resources).filter((r) => r.makes_remote_calls).length;
      return { ms: ms(start), endpoints: Object.keys(manifest.resources).length, remote };
    };
    const cold = await scanAndManifest(); // first in this process: includes loading the TypeScript compiler
    const warm: number[] = [];
    for (let i = 0; i < REPEATS; i++) warm.push((await scanAndManifest()).ms);

    let start = process.hrtime.bigint();
    const full = await buildApp({ root, force: true });
    const fullMs = ms(start);
    const rebuild: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      start = process.hrtime.bigint();
      const again = await buildApp({ root });
      rebuild.push(ms(start));
      if (!again.upToDate) throw new Error('a rebuild with no change was not reused');
    }
    const result = {
      benchmark: 'build',
      node: process.version,
      app: {
        endpoints: cold.endpoints,
        qb: QB_FILES * QB_PER_FILE,
        lb: LB_COUNT,
        making_remote_calls: cold.remote,
        files: QB_FILES + LB_COUNT + 1,
      },
      scan_and_manifest_ms: { cold: Math.round(cold.ms), warm_median: Math.round(median(warm)) },
      full_build_ms: { total: Math.round(fullMs), steps: full.timingsMs, artifact_bytes: full.artifactBytes },
      rebuild_no_change_ms: { median: Math.round(median(rebuild) * 10) / 10 },
      bar: { scan_and_manifest_ms: 2000, rebuild_no_change_ms: 500 },
      meets_bar: cold.ms < 2000 && median(rebuild) < 500,
    };
    console.log(JSON.stringify(result));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
