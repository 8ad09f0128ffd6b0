import { join } from 'node:path';
import type { JobQueue } from '../data-plane/job-queue';
import type { ControlState } from '../state/control-state';
import type { EndpointRecord } from '../state/records';
import { newVersionReady } from './rollout';
import { desiredWorkers } from './worker-demand';
import { launchWorker } from './worker-launch';
import { endpointLogs } from './worker-logs';
import { awaitReady, exited, pingsReady, terminate, type WorkerProcess } from './worker-process';
import { forgetWorker, stopLeftoverWorkers } from './worker-records';

export type { WorkerProcess } from './worker-process';

export interface SupervisorOptions {
  home: string;
  state: ControlState;
  jobs: JobQueue;
  cloudUrl: () => string;
  /** The JS file a worker process runs. */
  workerEntry: string;
  pingIntervalMs?: number;
  /** How long the workers of a new version get to become ready before the old ones stop anyway. Default 120 s. */
  rolloutReadyMs?: number;
  /** How long an LB worker taken out of rotation keeps serving before it is told to stop. Default 2 s. */
  drainMs?: number;
  /** How long an old worker may finish the request or job it holds before it is killed. Default 10 min. */
  retireGraceMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** How long a worker told to stop (idle, deleted endpoint, cloud stopping) gets before SIGKILL. */
const STOP_KILL_MS = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs worker processes per endpoint: keeps workersMin warm, adds workers up to workersMax while jobs
 * wait, stops idle ones after idleTimeout, restarts crashed ones (a bounded number of times a minute),
 * and gives each job of a dead worker back to the queue. A new endpoint version rolls out: its workers
 * start first, and the old ones stop once the new ones are ready.
 */
export class Supervisor {
  private readonly workers = new Map<string, WorkerProcess>();
  private readonly crashes = new Map<string, number[]>();
  private readonly starting = new Map<string, number>();
  private readonly problems = new Map<string, string>();
  private readonly rolling = new Map<string, number>();
  private readonly rr = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private leftovers: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: SupervisorOptions) {}

  start(): void {
    // workers a killed cloud left in this folder: signalled now, before any worker of this cloud starts
    this.leftovers = stopLeftoverWorkers(this.options.home, this.options.log).catch((error: unknown) =>
      this.options.log?.('leftover workers not stopped', { error: (error as Error).message }),
    );
    this.timer = setInterval(() => void this.tick(), 250);
    this.timer.unref();
    for (const endpoint of this.options.state.list('endpoint')) void this.reconcile(endpoint.id);
  }

  workersOf(endpointId: string): WorkerProcess[] {
    return [...this.workers.values()].filter((w) => w.endpointId === endpointId && !w.stopping);
  }

  /** Why an endpoint has no workers, if something stops them from starting. */
  problemOf(endpointId: string): string | undefined {
    return this.problems.get(endpointId);
  }

  /** A QB worker asked for work: it is up. */
  markSeen(workerId: string): void {
    const w = this.workers.get(workerId);
    if (w) w.ready = true;
  }

  /** A worker got or finished a job: it is not idle. */
  markBusy(workerId: string): void {
    const w = this.workers.get(workerId);
    if (w) {
      w.lastBusyAt = Date.now();
      w.ready = true;
    }
  }

  /** Brings an endpoint's workers to what it needs now; rolls them out when its version changed. */
  async reconcile(endpointId: string): Promise<void> {
    if (this.closed) return;
    const endpoint = this.options.state.get('endpoint', endpointId);
    if (!endpoint) return this.remove(endpointId);
    const all = this.workersOf(endpointId);
    const stale = all.filter((w) => w.version !== endpoint.version);
    const have = all.length - stale.length + (this.starting.get(endpointId) ?? 0);
    // as many new workers as old ones serve now, so a rollout never shrinks an endpoint
    const wanted = Math.min(
      endpoint.workersMax,
      Math.max(this.desired(endpoint), stale.filter((w) => w.ready).length),
    );
    if (stale.length === 0) {
      for (let i = have; i < wanted; i++) await this.startWorker(endpoint);
      return;
    }
    this.rolling.set(endpointId, (this.rolling.get(endpointId) ?? 0) + 1);
    try {
      for (let i = have; i < wanted; i++) await this.startWorker(endpoint);
      const view = {
        state: this.options.state,
        workersOf: (id: string) => this.workersOf(id),
        closed: () => this.closed,
        log: this.options.log,
      };
      if (!(await newVersionReady(view, endpoint, wanted, this.options.rolloutReadyMs ?? 120_000))) return;
      for (const w of stale) this.retire(w);
    } finally {
      this.rolling.set(endpointId, (this.rolling.get(endpointId) ?? 1) - 1);
    }
  }

  private isRolling(endpointId: string): boolean {
    return (this.rolling.get(endpointId) ?? 0) > 0;
  }

  private desired(endpoint: EndpointRecord, lbInFlight = 0): number {
    return desiredWorkers(endpoint, this.options.jobs.depth(endpoint.id), lbInFlight);
  }

  /** Called when jobs wait: start workers up to the endpoint's maximum. */
  onDemand(endpointId: string, lbInFlight = 0): void {
    if (this.closed) return;
    const endpoint = this.options.state.get('endpoint', endpointId);
    if (!endpoint) return;
    const live = this.workersOf(endpointId).length + (this.starting.get(endpointId) ?? 0);
    const wanted = Math.max(
      this.desired(endpoint, lbInFlight),
      endpoint.type === 'LB' && lbInFlight > 0 ? 1 : 0,
    );
    for (let i = live; i < Math.min(wanted, endpoint.workersMax); i++) void this.startWorker(endpoint);
  }

  private async startWorker(endpoint: EndpointRecord): Promise<void> {
    this.starting.set(endpoint.id, (this.starting.get(endpoint.id) ?? 0) + 1);
    try {
      const launch = await launchWorker({
        home: this.options.home,
        state: this.options.state,
        endpoint,
        cloudUrl: this.options.cloudUrl(),
        workerEntry: this.options.workerEntry,
        pingIntervalMs: this.options.pingIntervalMs ?? 10_000,
        stopGraceMs: this.options.retireGraceMs ?? 600_000,
        closed: () => this.closed,
      });
      if (!launch.ok) {
        if (launch.problem) this.problems.set(endpoint.id, launch.problem);
        return;
      }
      const { worker } = launch;
      this.workers.set(worker.id, worker);
      this.problems.delete(endpoint.id);
      worker.child.once('exit', (code, signal) => this.onExit(worker, code, signal));
      if (worker.ports) void awaitReady(worker);
      this.options.log?.('worker started', {
        endpoint: endpoint.name,
        worker: worker.id,
        pid: worker.child.pid,
      });
    } catch (error) {
      const problem = `workers of ${endpoint.name} cannot start: ${(error as Error).message}`;
      this.problems.set(endpoint.id, problem);
      this.options.log?.('worker not started', { endpoint: endpoint.name, problem });
    } finally {
      this.starting.set(endpoint.id, (this.starting.get(endpoint.id) ?? 1) - 1);
    }
  }

  private onExit(worker: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void {
    this.workers.delete(worker.id);
    forgetWorker(this.options.home, worker.id);
    this.options.jobs.workerGone(worker.id, `worker ${worker.id} exited with ${signal ?? `code ${code}`}`);
    if (worker.stopping) return;
    const now = Date.now();
    const recent = (this.crashes.get(worker.endpointId) ?? []).filter((t) => now - t < 60_000);
    recent.push(now);
    this.crashes.set(worker.endpointId, recent);
    this.options.log?.('worker exited', { worker: worker.id, code, signal });
    if (recent.length > 5) {
      this.problems.set(
        worker.endpointId,
        `workers keep crashing (${recent.length} exits in a minute): see \`flash cloud logs\``,
      );
      return;
    }
    void this.reconcile(worker.endpointId).then(() => this.onDemand(worker.endpointId));
  }

  /** Out of rotation at once; an LB worker keeps serving the requests already sent to it while it drains. */
  private stopWorker(worker: WorkerProcess, killAfterMs = STOP_KILL_MS): void {
    if (worker.stopping) return;
    worker.stopping = true;
    const drainMs = worker.ports ? (this.options.drainMs ?? 2_000) : 0;
    if (drainMs === 0) return terminate(worker, killAfterMs);
    setTimeout(() => !this.closed && terminate(worker, killAfterMs), drainMs).unref();
  }

  /** An old version's worker: it takes nothing new, and finishes what it holds (bounded). */
  private retire(worker: WorkerProcess): void {
    if (worker.stopping) return;
    this.options.log?.('worker of an old version, stopping', { worker: worker.id, version: worker.version });
    this.stopWorker(worker, (this.options.retireGraceMs ?? 600_000) + 5_000);
  }

  /** Stops every worker of an endpoint (deleted) and forgets its jobs. */
  remove(endpointId: string): void {
    for (const w of this.workersOf(endpointId)) this.stopWorker(w);
    this.options.jobs.dropEndpoint(endpointId);
    this.problems.delete(endpointId);
  }

  /** A ready LB worker, round robin; waits up to `waitMs` for one, starting one if none runs. */
  async readyLbWorker(endpointId: string, waitMs: number): Promise<WorkerProcess | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const ready = this.workersOf(endpointId).filter((w) => w.ready && w.ports);
      if (ready.length > 0) {
        const n = (this.rr.get(endpointId) ?? 0) % ready.length;
        this.rr.set(endpointId, n + 1);
        return ready[n];
      }
      if (Date.now() >= deadline) return undefined;
      this.onDemand(endpointId, 1);
      await sleep(20);
    }
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    for (const w of this.workers.values()) {
      const endpoint = this.options.state.get('endpoint', w.endpointId);
      if (!endpoint || w.stopping) continue;
      if (w.ports) void pingsReady(w).then((ok) => (w.ready = ok));
      const busy = w.ports
        ? this.options.jobs.depth(w.endpointId).inProgress > 0
        : this.options.jobs.busyWorkers(w.endpointId).has(w.id);
      if (busy) w.lastBusyAt = now;
      if (
        !busy &&
        !this.isRolling(w.endpointId) && // a rollout counts on every worker it started
        now - w.lastBusyAt > endpoint.idleTimeout * 1000 &&
        this.workersOf(w.endpointId).length > endpoint.workersMin
      ) {
        this.options.log?.('worker idle, stopping', { worker: w.id });
        this.stopWorker(w);
      }
    }
    for (const endpoint of this.options.state.list('endpoint')) {
      const mine = this.workersOf(endpoint.id);
      // an old version's worker started while a rollout ran: roll it out too
      if (!this.isRolling(endpoint.id) && mine.some((w) => w.version !== endpoint.version))
        void this.reconcile(endpoint.id);
      else if (this.options.jobs.depth(endpoint.id).inQueue > 0 || mine.length < endpoint.workersMin)
        this.onDemand(endpoint.id);
    }
  }

  /** The last `lines` lines of each worker's log for an endpoint. */
  logs(endpointId: string, lines = 200): string {
    return endpointLogs(join(this.options.home, 'logs'), endpointId, lines);
  }

  async stopAll(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    while ([...this.starting.values()].some((n) => n > 0)) await sleep(10);
    const all = [...this.workers.values()];
    for (const w of all) {
      w.stopping = true;
      terminate(w, STOP_KILL_MS);
    }
    await Promise.all(all.map(exited));
    await this.leftovers;
  }
}
