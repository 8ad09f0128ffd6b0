import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { cloudHttp } from './cloud-http';

/** One line an external worker printed (test/support/external-worker.js). */
export interface WorkerEvent {
  event: string;
  worker: string;
  at: number;
  jobId?: string;
  jobIds?: string[];
  status?: number;
}

export interface ExternalWorker {
  id: string;
  pid: number;
  events: WorkerEvent[];
  /** How many times it did `event` (for `jobId`, when given). */
  count(event: string, jobId?: string): number;
  /** Signals it and resolves once it exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Settings of external-worker.js, without their `FW_` prefix: PING_MS, JOB_MS, STOP_POD, ... */
export type WorkerSettings = Record<string, string>;

const SCRIPT = join(__dirname, 'external-worker.js');

/**
 * Starts and stops queue-worker processes the cloud did not start (external-worker.js). Every process it
 * started is killed by pid in `stopAll()`, so a test leaves none behind.
 */
export class ExternalWorkers {
  private readonly started: { child: ChildProcess; exited: Promise<void> }[] = [];

  constructor(private readonly cloud: { url: string; endpointId: string; key: string }) {}

  start(settings: WorkerSettings = {}, id = `ext-${randomBytes(4).toString('hex')}`): ExternalWorker {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
    const all = { URL: this.cloud.url, ENDPOINT: this.cloud.endpointId, WORKER: id, KEY: this.cloud.key };
    for (const [key, value] of Object.entries({ ...all, ...settings })) env[`FW_${key}`] = value;
    const child = spawn(process.execPath, [SCRIPT], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.started.push({ child, exited });
    const events: WorkerEvent[] = [];
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as WorkerEvent);
    });
    return {
      id,
      pid: child.pid ?? 0,
      events,
      count: (event, jobId) =>
        events.filter((e) => e.event === event && (jobId === undefined || e.jobId === jobId)).length,
      kill: async (signal = 'SIGKILL') => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        await exited;
      },
    };
  }

  async stopAll(): Promise<void> {
    for (const { child } of this.started)
      if (child.exitCode === null && child.signalCode === null && child.pid)
        process.kill(child.pid, 'SIGKILL');
    await Promise.all(this.started.map((s) => s.exited));
  }
}

/** Polls `probe` until it answers something other than undefined; fails naming `what` after `ms`. */
export async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 15_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A queue endpoint on the cloud for which the cloud can start no worker of its own (its environment has
 * no build to run; workersMax is at least 1, as on RunPod), with its id and the `aiKey` its workers present.
 */
export async function endpointWithoutWorkers(url: string, apiKey: string, name: string) {
  const saved = await cloudHttp('POST', `${url}/graphql`, apiKey, {
    query: `mutation { saveEndpoint(input: { name: "${name}", instanceIds: ["cpu3c-1-2"], workersMin: 0,
      workersMax: 1, template: { name: "${name}-t", imageName: "x", env: [] } }) { id aiKey } }`,
  });
  const endpoint = (saved.json.data as { saveEndpoint?: { id: string; aiKey: string } } | null)?.saveEndpoint;
  if (!endpoint) throw new Error(`saveEndpoint failed: ${JSON.stringify(saved.json)}`);
  return { endpointId: endpoint.id, aiKey: endpoint.aiKey };
}
