import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const BUILD_INFO = join(ROOT, 'dist', '.tsbuildinfo');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Test clouds add a worker per waiting job at once, as they did before QUEUE_DELAY waited its `scalerValue`
 * seconds: many tests send a burst of jobs to a default endpoint (QUEUE_DELAY 4) and would otherwise wait
 * for extra workers. The jest workers, the clouds made in them and the CLI's clouds inherit it; a test of
 * the delay sets `FLASH_CLOUD_QUEUE_DELAY_SCALE` in the env it gives its cloud.
 */
function instantScaling(): void {
  process.env.FLASH_CLOUD_QUEUE_DELAY_SCALE ??= '0';
}

/**
 * The e2e tests run `bin/flash.js` as users do, which runs the compiled CLI in dist/: bring dist/ up to
 * date with the sources first (an incremental tsc, skipped when no source is newer than the last build).
 */
export default function globalSetup(): void {
  instantScaling();
  const built = existsSync(BUILD_INFO) ? statSync(BUILD_INFO).mtimeMs : 0;
  const newest = Math.max(
    ...['src', 'worker', 'emulator', 'image'].map((d) => newestSource(join(ROOT, d))),
    statSync(join(ROOT, 'tsconfig.build.json')).mtimeMs,
  );
  if (newest < built) return;
  const tsc = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  // type errors still emit (and `npm run typecheck` reports them); only a tsc that did not run stops the tests
  if (tsc.status === null || tsc.error)
    throw new Error(`npm run build could not run before the tests: ${tsc.error?.message ?? tsc.signal}`);
  if (tsc.status !== 0)
    process.stderr.write(`npm run build reported errors (dist/ was still written):\n${tsc.stdout}\n`);
  // an incremental build with nothing to emit leaves the file as it was: mark dist/ as checked
  const now = new Date();
  utimesSync(BUILD_INFO, now, now);
}
