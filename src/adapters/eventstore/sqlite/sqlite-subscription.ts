import type { RecordedEvent, Subscription } from '../eventstore.port';

export interface PollingSource {
  /** Events with position > after, in order, at most `limit`. */
  readAfter(after: bigint, limit: number): RecordedEvent[];
  /** Resolves when this process appended, when `ms` passed (another process may have), or on close. */
  waitForAppend(ms: number, closed: Promise<void>): Promise<void>;
}

const PAGE = 500;

/** Catch-up then live: pages through the ledger, then waits for an in-process append or the next poll. */
export function pollingSubscription(
  source: PollingSource,
  from: bigint,
  pollIntervalMs: number,
): Subscription {
  let closed = false;
  let signalClose: () => void = () => undefined;
  const closedPromise = new Promise<void>((resolve) => (signalClose = resolve));

  async function* iterate(): AsyncGenerator<RecordedEvent> {
    let after = from;
    while (!closed) {
      const page = source.readAfter(after, PAGE);
      for (const event of page) {
        if (closed) return;
        after = event.position;
        yield event;
      }
      if (page.length < PAGE && !closed) await source.waitForAppend(pollIntervalMs, closedPromise);
    }
  }

  const generator = iterate();
  return {
    [Symbol.asyncIterator]: () => generator,
    close: async () => {
      closed = true;
      signalClose();
      await generator.return(undefined);
    },
  };
}
