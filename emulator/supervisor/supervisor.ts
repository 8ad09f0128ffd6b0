import type { Dispatcher } from 'undici';
import { join } from 'node:path';
import type { JobQueue } from '../data-plane/job-queue';
import type { ControlState } from '../state/control-state';
import { endpointLogs, workerLogLines } from './worker-logs';
import type { WorkerProcess } from './worker-process';
import { removeLeftoverContainers } from './container-worker';
import { sweepLeftovers } from './leftovers';
import { WorkerScaler } from './worker-scaler';
import { WorkerSpawner } from './worker-spawner';
import type { WorkerRuntime } from './worker-launch';

export type { WorkerProcess } from './worker-process';

export interface SupervisorOptions {
  home: string;
  /** The cloud's HTTP client (readiness probes of LB workers). */
  dispatcher: Dispatcher;
  state: ControlState;
  jobs: JobQueue;
  cloudUrl: () => string;
  /** How workers run: processes (the default) or containers of their endpoint's image. */
  runtime: WorkerRuntime;
  /** How often a QB worker pings the cloud. Default 10 s. */
  pingIntervalMs?: number;
  /** How long the workers of a new version get to become ready before the old ones stop anyway. Default 120 s. */
  rolloutReadyMs?: number;
  /** How long an LB worker taken out of rotation keeps serving before it is told to stop. Default 2 s. */
  drainMs?: number;
  /** How long an old worker may finish the request or job it holds before it is killed. Default 10 min. */
  retireGraceMs?: number;
  /** Multiplies each QUEUE_DELAY endpoint's delay (`FLASH_CLOUD_QUEUE_DELAY_SCALE`); 0 adds workers at once. Default 1. */
  queueDelayScale?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** More exits than this in a minute and an endpoint's workers are not restarted: they keep crashing. */
const MAX_CRASHES_A_MINUTE = 5;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs worker processes per endpoint: keeps workersMin warm, adds workers up to workersMax while jobs
 * wait, stops idle ones after idleTimeout, restarts crashed ones (a bounded number of times a minute),
 * and gives each job of a dead worker back to the queue. A new endpoint version rolls out: its workers
 * start first, and the old ones stop once the new ones are ready. How many workers run is the scaler's
 * call (worker-scaler.ts); starting and stopping them is the spawner's (worker-spawner.ts).
 */
export class Supervisor {
  private readonly spawner: WorkerSpawner;
  private readonly scaler: WorkerScaler;
  private readonly crashes = new Map<string, number[]>();
  /** Next turn of the LB round robin, per endpoint. */
  private readonly turns = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private leftovers: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SupervisorOptions) {
    this.spawner = new WorkerSpawner({
      ...options,
      onExit: (w, code, signal) => this.onExit(w, code, signal),
    });
    this.scaler = new WorkerScaler({ ...options, spawner: this.spawner });
  }

  start(): void {
    // workers a killed cloud left in this folder: signalled now, before any worker of this cloud starts
    this.leftovers = sweepLeftovers(this.options.home, this.options.runtime, this.options.log).catch(
      (error: unknown) =>
        this.options.log?.('leftover workers not stopped', { error: (error as Error).message }),
    );
    this.timer = setInterval(() => void this.scaler.tick(), 250);
    this.timer.unref();
    for (const endpoint of this.options.state.list('endpoint')) void this.reconcile(endpoint.id);
  }

  workersOf(endpointId: string): WorkerProcess[] {
    return this.spawner.workersOf(endpointId);
  }

  /** Why an endpoint has no workers, if something stops them from starting. */
  problemOf(endpointId: string): string | undefined {
    return this.spawner.problemOf(endpointId);
  }

  /** A QB worker asked for work: it is up. */
  markSeen(workerId: string): void {
    const w = this.spawner.get(workerId);
    if (w) w.ready = true;
  }

  /** A worker got or finished a job: it is not idle. */
  markBusy(workerId: string): void {
    const w = this.spawner.get(workerId);
    if (w) {
      w.lastBusyAt = Date.now();
      w.ready = true;
    }
  }

  /**
   * A QB worker asked to be replaced after its job (`stopPod`), as RunPod then stops its pod: it stops
   * (finishing what it holds, as a retired worker may), and a fresh one starts if the endpoint needs it.
   * False for a worker this cloud did not start.
   */
  replace(workerId: string): boolean {
    const w = this.spawner.get(workerId);
    if (!w || w.stopping) return false;
    this.options.log?.('worker asked to be replaced (stopPod), stopping', { worker: w.id });
    this.spawner.stop(w, (this.options.retireGraceMs ?? 600_000) + 5_000);
    void this.reconcile(w.endpointId).then(() => this.onDemand(w.endpointId));
    return true;
  }

  /** Brings an endpoint's workers to what it needs now; rolls them out when its version changed. */
  reconcile(endpointId: string): Promise<void> {
    return this.scaler.reconcile(endpointId);
  }

  /** Called when jobs wait: start workers up to the endpoint's maximum. */
  onDemand(endpointId: string, lbInFlight = 0): void {
    this.scaler.onDemand(endpointId, lbInFlight);
  }

  /** Stops every worker of an endpoint (deleted) and forgets its jobs. */
  remove(endpointId: string): void {
    this.scaler.remove(endpointId);
  }

  /** A ready LB worker, round robin; waits up to `waitMs` for one, starting one if none runs. */
  async readyLbWorker(endpointId: string, waitMs: number): Promise<WorkerProcess | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const ready = this.workersOf(endpointId).filter((w) => w.ready && w.ports);
      if (ready.length > 0) {
        const n = (this.turns.get(endpointId) ?? 0) % ready.length;
        this.turns.set(endpointId, n + 1);
        return ready[n];
      }
      if (Date.now() >= deadline) return undefined;
      this.onDemand(endpointId, 1);
      await sleep(20);
    }
  }

  /** One worker's log lines, in the shape of RunPod's logs service. */
  workerLog(workerId: string, lines = 1000): { container: string[]; system: string[] } | undefined {
    return workerLogLines(join(this.options.home, 'logs'), workerId, lines);
  }

  /** The last `lines` lines of each worker's log for an endpoint. */
  logs(endpointId: string, lines = 200): string {
    return endpointLogs(join(this.options.home, 'logs'), endpointId, lines);
  }

  async stopAll(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.spawner.stopAll();
    await this.leftovers;
    // a container whose engine client was killed outlives it: none of this cloud's stays behind
    if (this.options.runtime.kind === 'container')
      await removeLeftoverContainers(this.options.runtime).catch((error: unknown) =>
        this.options.log?.('containers not removed', { error: (error as Error).message }),
      );
  }

  /**
   * A worker ended: its jobs go back to the queue, and a crash (not a stop) is replaced, unless the
   * endpoint's workers keep crashing: that becomes its problem, and its /health counts a worker unhealthy.
   */
  private onExit(worker: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void {
    this.options.jobs.workerGone(worker.id, `worker ${worker.id} exited with ${signal ?? `code ${code}`}`);
    if (worker.stopping) return;
    const now = Date.now();
    const recent = (this.crashes.get(worker.endpointId) ?? []).filter((t) => now - t < 60_000);
    recent.push(now);
    this.crashes.set(worker.endpointId, recent);
    this.options.log?.('worker exited', { worker: worker.id, code, signal });
    if (recent.length > MAX_CRASHES_A_MINUTE) {
      this.spawner.setProblem(
        worker.endpointId,
        `workers keep crashing (${recent.length} exits in a minute): see \`flash cloud logs\``,
      );
      return;
    }
    void this.reconcile(worker.endpointId).then(() => this.onDemand(worker.endpointId));
  }
}
