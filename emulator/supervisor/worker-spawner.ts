import type { Dispatcher } from 'undici';
import type { ControlState } from '../state/control-state';
import type { EndpointRecord } from '../state/records';
import { launchWorker, type WorkerRuntime } from './worker-launch';
import { awaitReady, exited, terminate, type WorkerProcess } from './worker-process';
import { forgetWorker } from './worker-records';

/** How long a worker told to stop (idle, deleted endpoint, cloud stopping) gets before SIGKILL. */
const STOP_KILL_MS = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface SpawnerOptions {
  home: string;
  /** The cloud's HTTP client, for the readiness probes of LB workers. */
  dispatcher: Dispatcher;
  state: ControlState;
  cloudUrl: () => string;
  /** How workers run: processes (the default) or containers of their endpoint's image. */
  runtime: WorkerRuntime;
  /** How often a QB worker pings the cloud. Default 10 s. */
  pingIntervalMs?: number;
  /** How long an LB worker taken out of rotation keeps serving before it is told to stop. Default 2 s. */
  drainMs?: number;
  /** How long an old worker may finish the request or job it holds before it is killed. Default 10 min. */
  retireGraceMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** A worker process ended, whatever the reason; it is no longer among the running ones. */
  onExit: (worker: WorkerProcess, code: number | null, signal: NodeJS.Signals | null) => void;
}

/**
 * Starts and stops worker processes, and knows which run. Workers still being started are counted per
 * endpoint, so that a scaling pass that comes while one starts does not start another in its place.
 */
export class WorkerSpawner {
  private readonly workers = new Map<string, WorkerProcess>();
  private readonly starting = new Map<string, number>();
  private readonly problems = new Map<string, string>();
  private stopped = false;

  constructor(private readonly options: SpawnerOptions) {}

  /** True once the cloud stops: no worker starts any more. */
  get closed(): boolean {
    return this.stopped;
  }

  get(workerId: string): WorkerProcess | undefined {
    return this.workers.get(workerId);
  }

  /** Every worker process that runs, stopping ones too. */
  all(): WorkerProcess[] {
    return [...this.workers.values()];
  }

  /** The workers of an endpoint in rotation (not stopping). */
  workersOf(endpointId: string): WorkerProcess[] {
    return this.all().filter((w) => w.endpointId === endpointId && !w.stopping);
  }

  /** Workers of the endpoint being started now. */
  startingOf(endpointId: string): number {
    return this.starting.get(endpointId) ?? 0;
  }

  /** Why an endpoint has no workers, if something stops them from starting. */
  problemOf(endpointId: string): string | undefined {
    return this.problems.get(endpointId);
  }

  setProblem(endpointId: string, problem: string): void {
    this.problems.set(endpointId, problem);
  }

  clearProblem(endpointId: string): void {
    this.problems.delete(endpointId);
  }

  /** Starts one worker of the endpoint's current version; a failure becomes the endpoint's problem. */
  async start(endpoint: EndpointRecord): Promise<void> {
    this.starting.set(endpoint.id, this.startingOf(endpoint.id) + 1);
    try {
      const launch = await launchWorker({
        home: this.options.home,
        state: this.options.state,
        endpoint,
        cloudUrl: this.options.cloudUrl(),
        runtime: this.options.runtime,
        pingIntervalMs: this.options.pingIntervalMs ?? 10_000,
        closed: () => this.stopped,
        log: this.options.log,
      });
      if (!launch.ok) {
        if (launch.problem) this.problems.set(endpoint.id, launch.problem);
        return;
      }
      this.track(launch.worker, endpoint);
    } catch (error) {
      const problem = `workers of ${endpoint.name} cannot start: ${(error as Error).message}`;
      this.problems.set(endpoint.id, problem);
      this.options.log?.('worker not started', { endpoint: endpoint.name, problem });
    } finally {
      this.starting.set(endpoint.id, (this.starting.get(endpoint.id) ?? 1) - 1);
    }
  }

  /** Out of rotation at once; an LB worker keeps serving the requests already sent to it while it drains. */
  stop(worker: WorkerProcess, killAfterMs = STOP_KILL_MS): void {
    if (worker.stopping) return;
    worker.stopping = true;
    const drainMs = worker.ports ? (this.options.drainMs ?? 2_000) : 0;
    if (drainMs === 0) return terminate(worker, killAfterMs);
    setTimeout(() => !this.stopped && terminate(worker, killAfterMs), drainMs).unref();
  }

  /** An old version's worker: it takes nothing new, and finishes what it holds (bounded). */
  retire(worker: WorkerProcess): void {
    if (worker.stopping) return;
    this.options.log?.('worker of an old version, stopping', { worker: worker.id, version: worker.version });
    this.stop(worker, (this.options.retireGraceMs ?? 600_000) + 5_000);
  }

  /** Starts nothing more, waits for the workers being started, then stops every worker and awaits its exit. */
  async stopAll(): Promise<void> {
    this.stopped = true;
    while ([...this.starting.values()].some((n) => n > 0)) await sleep(10);
    const all = this.all();
    for (const w of all) {
      w.stopping = true;
      terminate(w, STOP_KILL_MS);
    }
    await Promise.all(all.map(exited));
  }

  private track(worker: WorkerProcess, endpoint: EndpointRecord): void {
    this.workers.set(worker.id, worker);
    this.problems.delete(endpoint.id);
    worker.child.once('exit', (code, signal) => {
      this.workers.delete(worker.id);
      forgetWorker(this.options.home, worker.id);
      try {
        worker.cleanUp?.();
      } catch (error) {
        this.options.log?.('worker files not removed', {
          worker: worker.id,
          error: (error as Error).message,
        });
      }
      this.options.onExit(worker, code, signal);
    });
    if (worker.ports) void awaitReady(worker, this.options.dispatcher);
    this.options.log?.('worker started', {
      endpoint: endpoint.name,
      worker: worker.id,
      pid: worker.child.pid,
    });
  }
}
