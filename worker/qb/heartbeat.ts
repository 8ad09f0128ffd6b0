import type { Dispatcher } from 'undici';
import { undici } from '../runtime/undici-lazy';

export interface HeartbeatOptions {
  /** The ping URL naming the jobs held now. */
  url: (jobIds: readonly string[]) => string;
  jobIds: () => string[];
  intervalMs: number;
  headers: Record<string, string>;
  dispatcher: Dispatcher;
}

/**
 * Pings the platform every interval with the jobs the worker holds (docs/RUNPOD.md#heartbeat). Returns
 * what stops it. The timer is unref'd: a heartbeat alone never keeps the worker alive.
 */
export function startHeartbeat(options: HeartbeatOptions): () => void {
  const timer = setInterval(() => {
    undici()
      .request(options.url(options.jobIds()), { headers: options.headers, dispatcher: options.dispatcher })
      .then((res) => res.body.dump())
      .catch(() => undefined); // a missed heartbeat is not an error
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
