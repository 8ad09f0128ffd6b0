import type { Dispatcher } from 'undici';
import { undici } from '../runtime/undici-lazy';

/**
 * The stop channel (docs/RUNPOD.md#stop-channel): a long poll on the take URL with `/job-stop/`; 200 lists
 * `jobsToStop`, 204 means none, 429 means back off 5 s; at least 1 s between empty polls.
 */
export function startStopChannel(options: {
  url: string;
  headers: Record<string, string>;
  dispatcher: Dispatcher;
  onStop: (jobIds: string[]) => void;
  stopped: () => boolean;
}): void {
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());
  const poll = async (): Promise<void> => {
    while (!options.stopped()) {
      let wait = 1000;
      try {
        const res = await undici().request(options.url, {
          headers: options.headers,
          dispatcher: options.dispatcher,
          headersTimeout: 95_000,
          bodyTimeout: 95_000,
        });
        if (res.statusCode === 200) {
          const body = (await res.body.json()) as { jobsToStop?: unknown };
          const ids = Array.isArray(body.jobsToStop)
            ? body.jobsToStop.filter((x) => typeof x === 'string')
            : [];
          if (ids.length > 0) options.onStop(ids);
          wait = 0;
        } else {
          await res.body.dump();
          if (res.statusCode === 429) wait = 5000;
        }
      } catch {
        wait = 1000; // the platform is away: try again
      }
      if (wait > 0) await sleep(wait);
    }
  };
  void poll();
}
