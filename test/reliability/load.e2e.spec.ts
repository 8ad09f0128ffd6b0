import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { writeApp } from '../support/app-fixture';
import { API, BIN, cliFixture, WORKERS } from '../support/cli-fixture';
import { recordFigures } from './figures';

const LOAD_MS = Number(process.env.FLASH_RELIABILITY_LOAD_MS ?? 20_000);
const CONCURRENCY = 16;

/** Resident memory of a process, in MB, from /proc. */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024);
}

/**
 * A load run: callers keep /runsync and /run (then /status until it ends) in flight against a deployed
 * app for a while, and another app deploys to the same cloud meanwhile. Reports errors, jobs that were
 * accepted but never finished (lost), throughput and the cloud's memory growth.
 */
describe('the local cloud under load while another app deploys', () => {
  const { env, flash, key, stop, home } = cliFixture('loaded', 29000);
  const other = writeApp({
    'package.json': JSON.stringify({ name: 'neighbour' }),
    'workers.ts': WORKERS(),
    'api.ts': API,
  });

  afterAll(stop);

  it('answers every call and loses no job', async () => {
    const deployed = flash(['deploy', '--json']);
    expect(deployed.status).toBe(0);
    const echo =
      (JSON.parse(deployed.stdout) as { resources: Record<string, { url: string }> }).resources.echo?.url ??
      '';
    const cloudPid = Number(readFileSync(join(home, 'cloud', 'cloud.pid'), 'utf8').trim());
    const agent = new Agent({ connections: CONCURRENCY * 2 });
    const headers = { authorization: `Bearer ${key()}`, 'content-type': 'application/json' };
    const call = async (
      path: string,
      body?: unknown,
    ): Promise<{ status: number; json: Record<string, unknown> }> => {
      const res = await request(`${echo}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        dispatcher: agent,
      });
      return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
    };
    const figures = { runsync: 0, run: 0, errors: 0, lostJobs: 0, samples: [] as string[] };
    const fail = (what: string): void => {
      figures.errors += 1;
      if (figures.samples.length < 5) figures.samples.push(what);
    };
    const rssBefore = rssMb(cloudPid);
    const deploying = new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'deploy', '--json'], { cwd: other, env, stdio: 'ignore' });
      child.on('exit', (code) => resolve(code));
    });
    const stopAt = Date.now() + LOAD_MS;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, k) => {
        for (let n = 0; Date.now() < stopAt; n++) {
          try {
            if (k % 2 === 0) {
              const r = await call('/runsync', { input: { text: `${k}-${n}` } });
              figures.runsync += 1;
              if (r.status !== 200 || r.json.status !== 'COMPLETED')
                fail(`runsync ${r.status} ${JSON.stringify(r.json)}`);
              continue;
            }
            const accepted = await call('/run', { input: { text: `${k}-${n}` } });
            figures.run += 1;
            if (accepted.status !== 200 || typeof accepted.json.id !== 'string') {
              fail(`run ${accepted.status}`);
              continue;
            }
            let status = '';
            for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
              status = String((await call(`/status/${accepted.json.id}`)).json.status);
              if (status === 'COMPLETED' || status === 'FAILED') break;
              await new Promise((r) => setTimeout(r, 20));
            }
            if (status !== 'COMPLETED') figures.lostJobs += 1;
          } catch (error) {
            fail(String(error));
          }
        }
      }),
    );
    const elapsedMs = Date.now() - started;
    const rssAfter = rssMb(cloudPid);
    await agent.close();
    expect(await deploying).toBe(0);
    recordFigures('load', {
      seconds: Math.round(elapsedMs / 1000),
      concurrency: CONCURRENCY,
      calls: figures.runsync + figures.run,
      callsPerSecond: Math.round(((figures.runsync + figures.run) * 1000) / elapsedMs),
      errors: figures.errors,
      lostJobs: figures.lostJobs,
      cloudRssMb: { before: rssBefore, after: rssAfter, growth: rssAfter - rssBefore },
      samples: figures.samples,
    });
    expect({ errors: figures.errors, lost: figures.lostJobs, samples: figures.samples }).toEqual({
      errors: 0,
      lost: 0,
      samples: [],
    });
  });
});
