import type { Dispatcher } from 'undici';
import type { JobQueue } from '../data-plane/job-queue';
import type { ControlState } from '../state/control-state';
import type { EndpointRecord } from '../state/records';
import { newVersionReady } from './rollout';
import { desiredWorkers, queueDelayMs } from './worker-demand';
import { pingsReady, type WorkerProcess } from './worker-process';
import type { WorkerSpawner } from './worker-spawner';

export interface ScalerOptions {
  state: ControlState;
  jobs: JobQueue;
  spawner: WorkerSpawner;
  /** The cloud's HTTP client, for the readiness probes of LB workers. */
  dispatcher: Dispatcher;
  /** How long the workers of a new version get to become ready before the old ones stop anyway. Default 120 s. */
  rolloutReadyMs?: number;
  /** Multiplies each QUEUE_DELAY endpoint's delay (`FLASH_CLOUD_QUEUE_DELAY_SCALE`); 0 adds workers at once. Default 1. */
  queueDelayScale?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Decides how many workers each endpoint runs and asks the spawner for them: workersMin kept warm, more up
 * to workersMax while jobs wait or requests are in flight (as the endpoint's scaler says, worker-demand.ts:
 * for QUEUE_DELAY, by how long its jobs waited), idle ones stopped after idleTimeout, and a new
 * version rolled out without ever shrinking the endpoint.
 */
export class WorkerScaler {
  /** Rollouts under way per endpoint: while one runs, it counts on every worker it started. */
  private readonly rolling = new Map<string, number>();

  constructor(private readonly options: ScalerOptions) {}

  /** Brings an endpoint's workers to what it needs now; rolls them out when its version changed. */
  async reconcile(endpointId: string): Promise<void> {
    const { spawner } = this.options;
    if (spawner.closed) return;
    const endpoint = this.options.state.get('endpoint', endpointId);
    if (!endpoint) return this.remove(endpointId);
    const all = spawner.workersOf(endpointId);
    const stale = all.filter((w) => w.version !== endpoint.version);
    const have = all.length - stale.length + spawner.startingOf(endpointId);
    // as many new workers as old ones serve now, so a rollout never shrinks an endpoint
    const wanted = Math.min(
      endpoint.workersMax,
      Math.max(this.desired(endpoint), stale.filter((w) => w.ready).length),
    );
    if (stale.length === 0) {
      for (let i = have; i < wanted; i++) await spawner.start(endpoint);
      return;
    }
    await this.rollOut(endpoint, stale, have, wanted);
  }

  /** Called when jobs wait or LB requests are in flight: start workers up to the endpoint's maximum. */
  onDemand(endpointId: string, lbInFlight = 0): void {
    const { spawner } = this.options;
    if (spawner.closed) return;
    const endpoint = this.options.state.get('endpoint', endpointId);
    if (!endpoint) return;
    const live = spawner.workersOf(endpointId).length + spawner.startingOf(endpointId);
    const wanted = Math.max(
      this.desired(endpoint, lbInFlight),
      endpoint.type === 'LB' && lbInFlight > 0 ? 1 : 0,
    );
    for (let i = live; i < Math.min(wanted, endpoint.workersMax); i++) void spawner.start(endpoint);
  }

  /** Stops every worker of an endpoint (deleted) and forgets its jobs. */
  remove(endpointId: string): void {
    for (const w of this.options.spawner.workersOf(endpointId)) this.options.spawner.stop(w);
    this.options.jobs.dropEndpoint(endpointId);
    this.options.spawner.clearProblem(endpointId);
  }

  /** One pass of the supervisor's clock: idle workers stop, and each endpoint gets what it needs. */
  async tick(): Promise<void> {
    this.checkWorkers(Date.now());
    for (const endpoint of this.options.state.list('endpoint')) {
      const mine = this.options.spawner.workersOf(endpoint.id);
      // an old version's worker started while a rollout ran: roll it out too
      if (!this.isRolling(endpoint.id) && mine.some((w) => w.version !== endpoint.version))
        void this.reconcile(endpoint.id);
      else if (this.options.jobs.depth(endpoint.id).inQueue > 0 || mine.length < endpoint.workersMin)
        this.onDemand(endpoint.id);
    }
  }

  /** Starts the new version's workers, then retires the old ones once enough new ones are ready. */
  private async rollOut(
    endpoint: EndpointRecord,
    stale: WorkerProcess[],
    have: number,
    wanted: number,
  ): Promise<void> {
    const { spawner, state, log } = this.options;
    this.rolling.set(endpoint.id, (this.rolling.get(endpoint.id) ?? 0) + 1);
    try {
      for (let i = have; i < wanted; i++) await spawner.start(endpoint);
      const view = {
        state,
        workersOf: (id: string) => spawner.workersOf(id),
        closed: () => spawner.closed,
        log,
      };
      if (!(await newVersionReady(view, endpoint, wanted, this.options.rolloutReadyMs ?? 120_000))) return;
      for (const w of stale) spawner.retire(w);
    } finally {
      this.rolling.set(endpoint.id, (this.rolling.get(endpoint.id) ?? 1) - 1);
    }
  }

  /** Refreshes each worker's readiness and last busy time; stops the idle ones, down to workersMin. */
  private checkWorkers(now: number): void {
    const { spawner, jobs, state } = this.options;
    for (const w of spawner.all()) {
      const endpoint = state.get('endpoint', w.endpointId);
      if (!endpoint || w.stopping) continue;
      if (w.ports) void pingsReady(w, this.options.dispatcher).then((ok) => (w.ready = ok));
      const busy = w.ports
        ? jobs.depth(w.endpointId).inProgress > 0
        : jobs.busyWorkers(w.endpointId).has(w.id);
      if (busy) w.lastBusyAt = now;
      if (
        !busy &&
        !this.isRolling(w.endpointId) && // a rollout counts on every worker it started
        now - w.lastBusyAt > endpoint.idleTimeout * 1000 &&
        spawner.workersOf(w.endpointId).length > endpoint.workersMin
      ) {
        this.options.log?.('worker idle, stopping', { worker: w.id });
        spawner.stop(w);
      }
    }
  }

  private isRolling(endpointId: string): boolean {
    return (this.rolling.get(endpointId) ?? 0) > 0;
  }

  /** The endpoint's wanted workers, from what its queue tells: the scaler itself keeps no clock of jobs. */
  private desired(endpoint: EndpointRecord, lbInFlight = 0): number {
    const { jobs, queueDelayScale = 1 } = this.options;
    const load = {
      ...jobs.depth(endpoint.id),
      busyWorkers: jobs.busyWorkers(endpoint.id).size,
      overdue: jobs.waitedAtLeast(endpoint.id, queueDelayMs(endpoint, queueDelayScale)),
    };
    return desiredWorkers(endpoint, load, lbInFlight);
  }
}
