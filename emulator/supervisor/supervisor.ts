import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import type { JobQueue } from '../data-plane/job-queue';
import type { ControlState } from '../state/control-state';
import type { EndpointRecord } from '../state/records';
import { unpackedBuild } from './artifact-store';
import { freePort } from './free-port';
import { workerEnvironment } from './worker-env';
import { workerLogs } from './worker-logs';

export interface WorkerProcess {
  id: string;
  endpointId: string;
  version: number;
  child: ChildProcess;
  ports?: { port: number; health: number };
  ready: boolean;
  lastBusyAt: number;
  stopping: boolean;
}

export interface SupervisorOptions {
  home: string;
  state: ControlState;
  jobs: JobQueue;
  cloudUrl: () => string;
  /** The JS file a worker process runs. */
  workerEntry: string;
  pingIntervalMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Runs worker processes per endpoint: keeps workersMin warm, adds workers up to workersMax while jobs
 * wait, stops idle ones after idleTimeout, restarts crashed ones (a bounded number of times a minute),
 * and gives each job of a dead worker back to the queue.
 */
export class Supervisor {
  private readonly workers = new Map<string, WorkerProcess>();
  private readonly crashes = new Map<string, number[]>();
  private readonly starting = new Map<string, number>();
  private readonly problems = new Map<string, string>();
  private readonly rr = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: SupervisorOptions) {}

  start(): void {
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

  /** Brings an endpoint's workers to what it needs now; restarts them when its version changed. */
  async reconcile(endpointId: string): Promise<void> {
    if (this.closed) return;
    const endpoint = this.options.state.get('endpoint', endpointId);
    if (!endpoint) return this.remove(endpointId);
    for (const w of this.workersOf(endpointId)) if (w.version !== endpoint.version) this.stopWorker(w);
    const live = this.workersOf(endpointId).length + (this.starting.get(endpointId) ?? 0);
    const wanted = this.desired(endpoint);
    for (let i = live; i < wanted; i++) await this.startWorker(endpoint);
  }

  private desired(endpoint: EndpointRecord, extraDemand = 0): number {
    const { inQueue, inProgress } = this.options.jobs.depth(endpoint.id);
    const demand = endpoint.type === 'QB' ? inQueue + inProgress : extraDemand;
    return Math.min(
      endpoint.workersMax,
      Math.max(
        endpoint.workersMin,
        demand > 0 ? Math.ceil(demand / Math.max(1, endpoint.type === 'LB' ? endpoint.scalerValue : 1)) : 0,
      ),
    );
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
    const { state, home } = this.options;
    this.starting.set(endpoint.id, (this.starting.get(endpoint.id) ?? 0) + 1);
    try {
      const environment = endpoint.flashEnvironmentId
        ? state.get('environment', endpoint.flashEnvironmentId)
        : undefined;
      const build = environment?.activeBuildId ? state.get('build', environment.activeBuildId) : undefined;
      const upload = build ? state.get('upload', build.objectKey) : undefined;
      const template = state.get('template', endpoint.templateId);
      // a live worker (flash dev) runs the code each request ships: it needs no artifact
      const live = (template?.env ?? []).some((v) => v.key === 'FLASH_ENDPOINT_TYPE' && v.value === 'live');
      if (!live && (!build || !upload?.received)) {
        this.problems.set(
          endpoint.id,
          `endpoint ${endpoint.name} has no artifact to run: its environment has no active build (deployBuildToEnvironment)`,
        );
        return;
      }
      const appDir =
        live || !build || !upload ? join(home, 'live') : await unpackedBuild(home, build.id, upload.path);
      mkdirSync(appDir, { recursive: true });
      const id = state.newId('worker');
      const ports = endpoint.type === 'LB' ? { port: await freePort(), health: await freePort() } : undefined;
      const volumeDir = endpoint.networkVolumeId
        ? join(home, 'volumes', endpoint.networkVolumeId)
        : undefined;
      if (volumeDir) mkdirSync(volumeDir, { recursive: true });
      const logDir = join(home, 'logs', endpoint.id);
      mkdirSync(logDir, { recursive: true });
      if (this.closed) return; // the cloud stopped while this worker was being prepared
      const log = openSync(join(logDir, `${id}.log`), 'a');
      const env = workerEnvironment({
        cloudUrl: this.options.cloudUrl(),
        endpoint,
        templateEnv: template?.env ?? [],
        workerId: id,
        appDir,
        ports,
        volumeDir,
        pingIntervalMs: this.options.pingIntervalMs ?? 10_000,
      });
      const child = spawn(process.execPath, [this.options.workerEntry], {
        cwd: appDir,
        env,
        stdio: ['ignore', log, log],
      });
      closeSync(log);
      const worker: WorkerProcess = {
        id,
        endpointId: endpoint.id,
        version: endpoint.version,
        child,
        ports,
        ready: false,
        lastBusyAt: Date.now(),
        stopping: false,
      };
      this.workers.set(id, worker);
      this.problems.delete(endpoint.id);
      child.once('exit', (code, signal) => this.onExit(worker, code, signal));
      if (ports) void this.awaitReady(worker);
      this.options.log?.('worker started', { endpoint: endpoint.name, worker: id, pid: child.pid });
    } catch (error) {
      this.problems.set(endpoint.id, `workers of ${endpoint.name} cannot start: ${(error as Error).message}`);
    } finally {
      this.starting.set(endpoint.id, (this.starting.get(endpoint.id) ?? 1) - 1);
    }
  }

  private onExit(worker: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void {
    this.workers.delete(worker.id);
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

  private stopWorker(worker: WorkerProcess): void {
    worker.stopping = true;
    worker.child.kill('SIGTERM');
    setTimeout(() => worker.child.exitCode === null && worker.child.kill('SIGKILL'), 10_000).unref();
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
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    for (const w of this.workers.values()) {
      const endpoint = this.options.state.get('endpoint', w.endpointId);
      if (!endpoint || w.stopping) continue;
      if (w.ports) void this.probe(w);
      const busy = w.ports
        ? this.options.jobs.depth(w.endpointId).inProgress > 0
        : this.options.jobs.busyWorkers(w.endpointId).has(w.id);
      if (busy) w.lastBusyAt = now;
      if (
        !busy &&
        now - w.lastBusyAt > endpoint.idleTimeout * 1000 &&
        this.workersOf(w.endpointId).length > endpoint.workersMin
      ) {
        this.options.log?.('worker idle, stopping', { worker: w.id });
        this.stopWorker(w);
      }
    }
    for (const endpoint of this.options.state.list('endpoint')) {
      if (
        this.options.jobs.depth(endpoint.id).inQueue > 0 ||
        this.workersOf(endpoint.id).length < endpoint.workersMin
      )
        this.onDemand(endpoint.id);
    }
  }

  /** Probes a new LB worker's /ping often until it answers 200, so it serves as soon as it can. */
  private async awaitReady(worker: WorkerProcess): Promise<void> {
    const until = Date.now() + 120_000;
    while (!worker.ready && !worker.stopping && worker.child.exitCode === null && Date.now() < until) {
      await this.probe(worker);
      if (!worker.ready) await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async probe(worker: WorkerProcess): Promise<void> {
    try {
      const res = await request(`http://127.0.0.1:${worker.ports?.health}/ping`, {
        headersTimeout: 1000,
        bodyTimeout: 1000,
      });
      await res.body.dump();
      worker.ready = res.statusCode === 200;
    } catch {
      worker.ready = false;
    }
  }

  /** The last `lines` lines of each worker's log for an endpoint. */
  logs(endpointId: string, lines = 200): string {
    return workerLogs(join(this.options.home, 'logs', endpointId), lines);
  }

  async stopAll(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    while ([...this.starting.values()].some((n) => n > 0)) await new Promise((r) => setTimeout(r, 10));
    const all = [...this.workers.values()];
    for (const w of all) this.stopWorker(w);
    await Promise.all(
      all.map((w) =>
        w.child.exitCode === null && w.child.signalCode === null
          ? new Promise((r) => w.child.once('exit', r))
          : undefined,
      ),
    );
  }
}
