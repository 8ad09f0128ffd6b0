/**
 * The local cloud: /runsync round trip through the emulator and a worker for an echo endpoint (p50/p99
 * one at a time, and req/s at 32 in flight from a separate client process), LB gateway overhead against calling the worker directly,
 * and worker cold start to the first /ping 200 (unpacking its build, as on RunPod). Prints one JSON object.
 * With `--runtime container`, the same run adds the container runtime's figures (image size, cold start
 * in a container, /runsync p50 through a containerized worker) beside the process runtime's.
 *
 *   npm run bench:cloud [-- --runtime container]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { createCloud } from '../emulator/cloud-app';
import { workerEntry } from '../emulator/supervisor/worker-entry';
import { buildApp } from '../src/build/build-app';
import { deployToCloud } from '../test/support/local-deploy';
import { containerFigures } from './support/container-figures';

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 500);
const CONCURRENCY = 32;
const LOAD_MS = Number(process.env.BENCH_LOAD_MS ?? 3000);
const LOAD_ROUNDS = Number(process.env.BENCH_LOAD_ROUNDS ?? 3);

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};
const round = (x: number, d = 3): number => Number(x.toFixed(d));
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

interface LoadResult {
  done: number;
  elapsedMs: number;
  delays: number[];
  execs: number[];
}

function runLoad(url: string, key: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(__dirname, 'support', 'runsync-load.ts'),
        url,
        key,
        String(CONCURRENCY),
        String(LOAD_MS),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as LoadResult)
        : reject(new Error(`load generator exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flash-bench-cloud-'));
  const appDir = join(dir, 'app');
  mkdirSync(appDir);
  writeFileSync(
    join(appDir, 'app.ts'),
    `import { Endpoint } from 'flash-ledger';
export const echo = Endpoint.queue({ name: 'echo', cpu: 'cpu3c-1-2', workers: [1, 1], maxConcurrency: ${CONCURRENCY} }, async (input: Record<string, unknown>) => input);
export const lb = Endpoint.loadBalanced({ name: 'lb', cpu: 'cpu3c-1-2', workers: [1, 1] });
lb.post('/echo', ({ body }) => body);
`,
  );
  const build = await buildApp({ root: appDir });
  const cloud = await createCloud({ home: join(dir, 'cloud'), takeWaitMs: 20_000 });
  const url = await cloud.listen(0);
  const d = await deployToCloud(url, cloud.apiKey, build);
  const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
  const headers = { authorization: `Bearer ${cloud.apiKey}`, 'content-type': 'application/json' };
  const call = async (target: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await request(target, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      dispatcher: agent,
    });
    return (await res.body.json()) as Record<string, unknown>;
  };
  try {
    // warm up: the QB worker is taking jobs, the LB worker answers /ping 200
    for (let i = 0; i < 50; i++) await call(`${d.urls.echo}/runsync`, { input: { i } });
    for (let i = 0; i < 50; i++) await call(`${d.urls.lb}/echo`, { i });

    const runsync: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const t = now();
      const out = await call(`${d.urls.echo}/runsync`, { input: { i } });
      runsync.push(now() - t);
      if (out.status !== 'COMPLETED') throw new Error(`runsync answered ${JSON.stringify(out)}`);
    }

    // the load comes from another process, as callers of a cloud do
    const rounds: LoadResult[] = [];
    for (let r = 0; r < LOAD_ROUNDS; r++) rounds.push(await runLoad(d.urls.echo ?? '', cloud.apiKey));
    const perRound = rounds.map((l) => l.done / (l.elapsedMs / 1000));
    const perSecond = percentile(perRound, 50);
    const delays = rounds.flatMap((l) => l.delays);
    const execs = rounds.flatMap((l) => l.execs);

    const worker = cloud.supervisor.workersOf(d.ids.lb ?? '').find((w) => w.ready && w.ports);
    if (!worker?.ports) throw new Error('no ready LB worker');
    const direct: number[] = [];
    const gateway: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      let t = now();
      await call(`http://127.0.0.1:${worker.ports.port}/echo`, { i });
      direct.push(now() - t);
      t = now();
      await call(`${d.urls.lb}/echo`, { i });
      gateway.push(now() - t);
    }

    // Cold start: a fresh LB worker process, from spawn to the first /ping 200, unpacking the build
    // itself as on RunPod (into a folder of its own, as the process runtime gives it).
    const entry = await workerEntry(join(dir, 'cloud'));
    const cold: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [port, health] = [await freePort(), await freePort()];
      const t = now();
      const child = spawn(process.execPath, [entry], {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          RUNPOD_ENDPOINT_ID: 'bench',
          FLASH_BUILD_ARTIFACT_PATH: build.artifactPath,
          FLASH_APP_DIR: join(dir, `cold-${i}`),
          FLASH_RESOURCE_NAME: 'lb',
          FLASH_ENDPOINT_TYPE: 'lb',
          PORT: String(port),
          PORT_HEALTH: String(health),
          FLASH_WORKER_HOST: '127.0.0.1',
        },
        stdio: 'ignore',
      });
      for (;;) {
        try {
          const res = await request(`http://127.0.0.1:${health}/ping`, { dispatcher: agent });
          await res.body.dump();
          if (res.statusCode === 200) break;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 2));
        if (now() - t > 10_000) throw new Error('worker did not start in 10 s');
      }
      cold.push(now() - t);
      child.kill('SIGKILL');
    }

    const containers = process.argv.includes('container')
      ? { container_runtime: await containerFigures(build, Math.min(SEQUENTIAL, 200)) }
      : {};
    const result = {
      benchmark: 'cloud',
      node: process.version,
      runsync_echo_ms: {
        p50: round(percentile(runsync, 50)),
        p99: round(percentile(runsync, 99)),
        n: SEQUENTIAL,
      },
      runsync_req_per_s_at_32_in_flight: Math.round(perSecond),
      runsync_req_per_s_rounds: perRound.map((x) => Math.round(x)),
      under_load_ms: { queue_wait_p50: percentile(delays, 50), worker_time_p50: percentile(execs, 50) },
      lb_ms: {
        direct_p50: round(percentile(direct, 50)),
        gateway_p50: round(percentile(gateway, 50)),
        added_p50: round(percentile(gateway, 50) - percentile(direct, 50)),
      },
      worker_cold_start_to_ping_200_ms: {
        median: round(percentile(cold, 50), 1),
        runs: cold.map((c) => round(c, 1)),
      },
      bar: { runsync_p50_ms: 5, req_per_s: 1500, lb_added_p50_ms: 1, cold_start_ms: 500 },
      ...containers,
    };
    console.log(
      JSON.stringify({
        ...result,
        meets_bar:
          result.runsync_echo_ms.p50 < 5 &&
          result.runsync_req_per_s_at_32_in_flight >= 1500 &&
          result.lb_ms.added_p50 < 1 &&
          result.worker_cold_start_to_ping_200_ms.median < 500,
      }),
    );
  } finally {
    await agent.close();
    await d.dispatcher.close();
    await cloud.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
