import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { createCloud } from '../../emulator/cloud-app';
import type { BuildResult } from '../../src/build/build-app';
import { freePort } from '../../worker/contract/free-port';
import { deployToCloud } from '../../test/support/local-deploy';
import { ensureWorkerImage } from '../../test/support/worker-image';

const now = (): number => Number(process.hrtime.bigint()) / 1e6;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const round = (x: number, d = 1): number => Number(x.toFixed(d));

/** Polls `url` until it answers 200; the time it took from `start`. */
async function until200(url: string, agent: Agent, start: number, limitMs = 20_000): Promise<number> {
  for (;;) {
    try {
      const res = await request(url, { dispatcher: agent });
      await res.body.dump();
      if (res.statusCode === 200) return now() - start;
    } catch {
      // not listening yet
    }
    if (now() - start > limitMs) throw new Error(`${url} did not answer 200 in ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * The container runtime's figures: the worker image's size, an LB worker's cold start in a container
 * (from `run` to its first /ping 200, unpacking the artifact as on RunPod), and the /runsync p50 through
 * a QB worker in a container of a local cloud started with `runtime: 'container'`.
 */
export async function containerFigures(build: BuildResult, sequential: number) {
  const ready = await ensureWorkerImage();
  if (!ready.ok) throw new Error(`no worker image: ${ready.reason}`);
  const { engine, image } = ready;
  const engineArgs = (...args: string[]): string[] => [...engine.globalArgs, ...args];
  const bytes = Number(
    execFileSync(engine.command, engineArgs('image', 'inspect', '--format', '{{.Size}}', image)),
  );
  const agent = new Agent({ connections: 16 });
  const cold: number[] = [];
  try {
    for (let i = 0; i < 7; i++) {
      const [port, health] = [await freePort(), await freePort()];
      const name = `flash-bench-cold-${process.pid}-${i}`;
      const start = now();
      const child = spawn(
        engine.command,
        engineArgs(
          'run',
          '--rm',
          '--name',
          name,
          '--network',
          'host',
          ...engine.runArgs,
          '--env',
          'RUNPOD_ENDPOINT_ID=bench',
          '--env',
          'FLASH_RESOURCE_NAME=lb',
          '--env',
          'FLASH_ENDPOINT_TYPE=lb',
          '--env',
          `PORT=${port}`,
          '--env',
          `PORT_HEALTH=${health}`,
          '--volume',
          `${build.artifactPath}:/root/.runpod/artifact.tar.gz:ro`,
          image,
        ),
        { stdio: 'ignore' },
      );
      try {
        cold.push(await until200(`http://127.0.0.1:${health}/ping`, agent, start));
      } finally {
        execFileSync(engine.command, engineArgs('rm', '-f', name), { stdio: 'ignore' });
        child.kill('SIGKILL');
      }
    }
    const home = mkdtempSync(join(tmpdir(), 'flash-bench-containers-'));
    const cloud = await createCloud({ home, runtime: 'container', takeWaitMs: 20_000 });
    try {
      const url = await cloud.listen(0);
      const d = await deployToCloud(url, cloud.apiKey, build, { image });
      const headers = { authorization: `Bearer ${cloud.apiKey}`, 'content-type': 'application/json' };
      const runsync = async (i: number): Promise<number> => {
        const t = now();
        const res = await request(`${d.urls.echo}/runsync`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ input: { i } }),
          dispatcher: agent,
        });
        const out = (await res.body.json()) as { status?: string };
        if (out.status !== 'COMPLETED') throw new Error(`runsync answered ${JSON.stringify(out)}`);
        return now() - t;
      };
      for (let i = 0; i < 50; i++) await runsync(i); // warm: the first waits for the container
      const times: number[] = [];
      for (let i = 0; i < sequential; i++) times.push(await runsync(i));
      await d.dispatcher.close();
      return {
        engine: engine.kind,
        image,
        image_mb: round(bytes / 1e6),
        worker_cold_start_to_ping_200_ms: { median: round(median(cold)), runs: cold.map((c) => round(c)) },
        runsync_echo_p50_ms: round(median(times), 3),
        bar: { cold_start_ms: 1500, image_mb: 250 },
        meets_bar: median(cold) < 1500 && bytes / 1e6 < 250,
      };
    } finally {
      await cloud.close();
      rmSync(home, { recursive: true, force: true });
    }
  } finally {
    await agent.close();
  }
}
