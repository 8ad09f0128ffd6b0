import { request, type Dispatcher } from 'undici';
import type { JobObject } from '../../worker/contract/job';

/** Tries of one webhook delivery, each after the last failed. */
const MAX_ATTEMPTS = 3;
const RETRY_AFTER_MS = 10_000;

const loopback = (url: string): boolean =>
  /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\//.test(url);

/**
 * Delivers a finished job to its webhook: POSTed as JSON, tried again (up to 3 times) while it fails or
 * answers 3xx or worse. Only loopback addresses are reached (any other is logged and dropped), so a job's
 * webhook cannot make the local cloud send requests to other hosts.
 */
export function webhookDelivery(
  dispatcher: Dispatcher,
  log?: (message: string, fields?: Record<string, unknown>) => void,
): (url: string, job: JobObject) => void {
  return (url, job) => {
    if (!loopback(url))
      return log?.('webhook refused: only loopback addresses are reachable from the local cloud', { url });
    const send = (attempt: number): void =>
      void request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(job),
        dispatcher,
      })
        .then(async (res) => {
          await res.body.dump();
          if (res.statusCode >= 300 && attempt < MAX_ATTEMPTS)
            setTimeout(() => send(attempt + 1), RETRY_AFTER_MS).unref();
        })
        .catch(() => attempt < MAX_ATTEMPTS && setTimeout(() => send(attempt + 1), RETRY_AFTER_MS).unref());
    send(1);
  };
}
