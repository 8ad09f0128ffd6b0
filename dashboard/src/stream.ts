import { SseParser, ledgerEventOf, type LedgerEventJson } from './sse';

/**
 * Follows `/v1/events/stream` with `fetch` (EventSource cannot send the bearer token), from `from`, and
 * reconnects after a drop with `Last-Event-ID` (no gap, no duplicate). Stops on `signal` or a 401.
 */
export function followEvents(options: {
  token: string;
  from?: number;
  /** Instead of `from`: only the ledger's last `tail` events, then live (fast on a big ledger). */
  tail?: number;
  onEvent: (event: LedgerEventJson) => void;
  onState?: (state: 'connecting' | 'live' | 'retrying') => void;
  /** Each time the stream opens: the server's clock then (its `Date`), to tell history from news. */
  onOpen?: (serverTime: number | undefined, reconnect: boolean) => void;
  onUnauthorized: (message: string) => void;
  signal: AbortSignal;
}): void {
  let lastEventId: string | undefined;
  const connect = async (): Promise<void> => {
    while (!options.signal.aborted) {
      options.onState?.('connecting');
      try {
        const start = options.tail !== undefined ? `tail=${options.tail}` : `from=${options.from ?? 1}`;
        const response = await fetch(`/v1/events/stream?${start}`, {
          headers: {
            authorization: `Bearer ${options.token}`,
            accept: 'text/event-stream',
            ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}),
          },
          signal: options.signal,
        });
        if (response.status === 401) {
          options.onUnauthorized('the token was refused: sign in again');
          return;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        const date = Date.parse(response.headers.get('date') ?? '');
        options.onOpen?.(Number.isNaN(date) ? undefined : date, lastEventId !== undefined);
        options.onState?.('live');
        const parser = new SseParser();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const message of parser.push(value)) {
            const event = ledgerEventOf(message);
            if (event) options.onEvent(event);
          }
          if (parser.lastEventId !== undefined) lastEventId = parser.lastEventId;
        }
      } catch {
        if (options.signal.aborted) return;
      }
      options.onState?.('retrying');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  void connect();
}
