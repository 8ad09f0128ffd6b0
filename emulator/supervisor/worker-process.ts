import type { ChildProcess } from 'node:child_process';
import { request, type Dispatcher } from 'undici';

export interface WorkerProcess {
  id: string;
  endpointId: string;
  version: number;
  child: ChildProcess;
  ports?: { port: number; health: number };
  ready: boolean;
  lastBusyAt: number;
  /** Out of rotation: it gets no new request or job, and stops (at once, or once drained). */
  stopping: boolean;
  /** SIGTERM was sent. */
  signalled: boolean;
  /** Kills it where SIGKILL to `child` would not (a container outlives its engine's client). */
  forceStop?: () => void;
  /** Removes what it left on disk, once it exited. */
  cleanUp?: () => void;
}

export const isRunning = (worker: WorkerProcess): boolean =>
  worker.child.exitCode === null && worker.child.signalCode === null;

/** SIGTERM now (once), then SIGKILL after `killAfterMs` unless it exited by then. */
export function terminate(worker: WorkerProcess, killAfterMs: number): void {
  if (!worker.signalled) {
    worker.signalled = true;
    worker.child.kill('SIGTERM');
  }
  setTimeout(() => {
    if (!isRunning(worker)) return;
    if (worker.forceStop) worker.forceStop();
    else worker.child.kill('SIGKILL');
  }, killAfterMs).unref();
}

export function exited(worker: WorkerProcess): Promise<void> {
  return isRunning(worker)
    ? new Promise((resolve) => worker.child.once('exit', () => resolve()))
    : Promise.resolve();
}

/** GET /ping on an LB worker's health port: 200 means it serves. */
export async function pingsReady(worker: WorkerProcess, dispatcher: Dispatcher): Promise<boolean> {
  try {
    const res = await request(`http://127.0.0.1:${worker.ports?.health}/ping`, {
      dispatcher,
      headersTimeout: 1000,
      bodyTimeout: 1000,
    });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

/** Probes a new LB worker's /ping often until it answers 200 (for 2 min at most), so it serves at once. */
export async function awaitReady(worker: WorkerProcess, dispatcher: Dispatcher): Promise<void> {
  const until = Date.now() + 120_000;
  while (!worker.ready && !worker.stopping && isRunning(worker) && Date.now() < until) {
    worker.ready = await pingsReady(worker, dispatcher);
    if (!worker.ready) await new Promise((r) => setTimeout(r, 10));
  }
}
