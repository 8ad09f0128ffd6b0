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
 * Pings the platform at once, then every interval, with the jobs the worker holds
 * (docs/RUNPOD.md#heartbeat), as RunPod's worker library does: the first ping announces the worker. `first`
 * settles when that ping is answered (or failed, or after 2 s). The timer is unref'd: a heartbeat alone
 * never keeps the worker alive.
 */
export function startHeartbeat(options: HeartbeatOptions): { stop: () => void; first: Promise<void> } {
  const ping = (): Promise<void> =>
    undici()
      .request(options.url(options.jobIds()), { headers: options.headers, dispatcher: options.dispatcher })
      .then((res) => res.body.dump())
      .catch(() => undefined); // a missed heartbeat is not an error
  const first = Promise.race([ping(), new Promise<void>((r) => setTimeout(r, 2_000).unref())]);
  const timer = setInterval(() => void ping(), options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), first };
}
