import { Inject, Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { followEvents } from '../ledger/events';
import { eventJson, type LedgerEvent } from '../ledger/serve-queries';

export const SSE_HEARTBEAT_MS = Symbol.for('flash-serve.sse-heartbeat-ms');

/** Unsent bytes a feed may hold for a slow client before it is ended (the client resumes with Last-Event-ID). */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** One SSE message for a ledger event: its position as the id, its type as the event name. */
export function sseMessage(event: LedgerEvent): string {
  return `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(eventJson(event))}\n\n`;
}

/**
 * The open `GET /v1/events/stream` feeds: each one follows the ledger (the store's subscription sees other
 * processes' appends) from a position, until its client goes or the server stops.
 */
@Injectable()
export class EventStreams {
  private readonly open = new Set<AbortController>();
  private readonly ending = new Set<Promise<void>>();

  constructor(@Inject(SSE_HEARTBEAT_MS) private readonly heartbeatMs: number) {}

  get size(): number {
    return this.open.size;
  }

  /**
   * Writes the events from position `from` (inclusive) on to `res` as Server-Sent Events, then each
   * new one, with a comment every `heartbeatMs`; ends when the client disconnects or `closeAll` runs.
   */
  follow(res: ServerResponse, from: bigint): void {
    const stop = new AbortController();
    this.open.add(stop);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': flash ledger events\n\n');
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), this.heartbeatMs);
    heartbeat.unref();
    const abort = (): void => stop.abort();
    res.on('close', abort);
    const write = (event: LedgerEvent): void => {
      if (stop.signal.aborted) return;
      res.write(sseMessage(event));
      if (res.writableLength > MAX_BUFFERED_BYTES) stop.abort();
    };
    const done = followEvents(from, write, stop.signal)
      .catch((error: unknown) => {
        // the ledger failed under the feed: say so as an SSE comment, then end it (the client resumes)
        if (!res.writableEnded) res.write(`: error ${(error as Error).message.replace(/\n/g, ' ')}\n\n`);
      })
      .finally(() => {
        clearInterval(heartbeat);
        res.off('close', abort);
        this.open.delete(stop);
        if (!res.writableEnded) res.end();
        this.ending.delete(done);
      });
    this.ending.add(done);
  }

  /** Ends every feed (server shutdown) and waits until their subscriptions are closed. */
  async closeAll(): Promise<void> {
    for (const stop of this.open) stop.abort();
    await Promise.all([...this.ending]);
  }
}
