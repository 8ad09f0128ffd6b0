import type { ControlState } from '../state/control-state';
import type { EndpointRecord } from '../state/records';
import type { WorkerProcess } from './worker-process';

export interface RolloutView {
  state: ControlState;
  workersOf(endpointId: string): WorkerProcess[];
  closed(): boolean;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Waits until `wanted` workers of the endpoint's version `endpoint.version` are ready, for at most
 * `readyMs`; then the old workers may stop (after `readyMs` they stop anyway). False when they are not
 * this rollout's to stop: the cloud closes, or a newer version took over and stops them itself.
 */
export async function newVersionReady(
  view: RolloutView,
  endpoint: EndpointRecord,
  wanted: number,
  readyMs: number,
): Promise<boolean> {
  const deadline = Date.now() + readyMs;
  for (;;) {
    const now = view.state.get('endpoint', endpoint.id);
    if (view.closed() || now?.version !== endpoint.version) return false;
    const ready = view.workersOf(endpoint.id).filter((w) => w.version === endpoint.version && w.ready);
    if (ready.length >= wanted) return true;
    if (Date.now() >= deadline) {
      view.log?.('new workers not ready in time: stopping the old ones anyway', {
        endpoint: endpoint.name,
        ready: ready.length,
        wanted,
      });
      return true;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
