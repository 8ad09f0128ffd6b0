/**
 * `npm run bench:cli`: start-up of the compiled CLI (bin/flash.js → dist/), each command run as a user
 * runs it, next to a bare `node -e 0` measured in the same rounds. Prints one JSON object: the median
 * wall time of each command, its ratio to bare node, and whether the bars hold.
 * Bars: --help and --version at most 3x bare node; history --json over 1,000 deployments at most
 * 250 ms and at most 5x bare node.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedLedger } from './support/seed-ledger';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'flash.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const DEPLOYMENTS = 1000;

function timeOnce(args: string[], env: NodeJS.ProcessEnv, cwd: string): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { env, cwd, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}${run.stdout}`);
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

async function main(): Promise<void> {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stdout}${build.stderr}`);
  const empty = mkdtempSync(join(tmpdir(), 'flash-bench-cli-empty-'));
  const full = mkdtempSync(join(tmpdir(), 'flash-bench-cli-full-'));
  const cwd = mkdtempSync(join(tmpdir(), 'flash-bench-cli-cwd-')); // not an app: history lists every app
  try {
    const seedStart = Date.now();
    await seedLedger(join(full, 'ledger.db'), DEPLOYMENTS);
    const seedMs = Date.now() - seedStart;
    const env = (home: string): NodeJS.ProcessEnv => ({ ...process.env, FLASH_HOME: home, NO_COLOR: '1' });
    const cases: Record<string, { args: string[]; home: string }> = {
      'node -e 0': { args: ['-e', '0'], home: empty },
      'flash --version': { args: [BIN, '--version'], home: empty },
      'flash --help': { args: [BIN, '--help'], home: empty },
      'flash history --json (empty ledger)': { args: [BIN, 'history', '--json'], home: empty },
      [`flash history --json (${DEPLOYMENTS} deployments)`]: { args: [BIN, 'history', '--json'], home: full },
      [`flash status --json (${DEPLOYMENTS} deployments)`]: { args: [BIN, 'status', '--json'], home: full },
    };
    // the first read of a ledger folds it into the views; every later read finds them current
    const firstFold = timeOnce([BIN, 'history', '--json'], env(full), cwd);
    timeOnce([BIN, 'history', '--json'], env(empty), cwd);
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let round = 0; round < ROUNDS; round++)
      for (const [name, c] of Object.entries(cases)) samples[name]?.push(timeOnce(c.args, env(c.home), cwd));
    const node = median(samples['node -e 0'] ?? []);
    const commands = Object.fromEntries(
      Object.entries(samples).map(([name, xs]) => [
        name,
        { medianMs: Number(median(xs).toFixed(1)), ratioToNode: Number((median(xs) / node).toFixed(2)) },
      ]),
    );
    const at = (name: string): { medianMs: number; ratioToNode: number } =>
      commands[name] ?? { medianMs: NaN, ratioToNode: NaN };
    const history = at(`flash history --json (${DEPLOYMENTS} deployments)`);
    const bars = {
      versionWithin3xNode: at('flash --version').ratioToNode <= 3,
      helpWithin3xNode: at('flash --help').ratioToNode <= 3,
      history1000Within250ms: history.medianMs <= 250,
      history1000Within5xNode: history.ratioToNode <= 5,
    };
    console.log(
      JSON.stringify(
        {
          bench: 'cli',
          rounds: ROUNDS,
          node: process.version,
          deployments: DEPLOYMENTS,
          seedMs,
          firstFoldOf1000Ms: Number(firstFold.toFixed(1)),
          commands,
          bars,
          ok: Object.values(bars).every(Boolean),
        },
        null,
        2,
      ),
    );
  } finally {
    for (const dir of [empty, full, cwd]) rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
