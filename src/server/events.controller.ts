import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { NeedsScope } from './auth.guard';
import { EventStreams } from './event-streams';
import { position, valid } from './validation';
import { ledgerHead } from '../ledger/serve-queries';

const streamQuery = z
  .object({
    from: position.optional(),
    /** Only the last `tail` events, then live: what a page that shows recent activity needs. */
    tail: z
      .string()
      .regex(/^[0-9]{1,5}$/, 'a whole number')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 10_000, 'from 1 to 10000')
      .optional(),
  })
  .strict();

/** The live feed of the ledger (read scope). */
@Controller('v1/events')
@NeedsScope('read')
export class EventsController {
  constructor(@Inject(EventStreams) private readonly streams: EventStreams) {}

  /**
   * `GET /v1/events/stream?from=<position>`: Server-Sent Events, one per ledger event (`id` its
   * position), from `from` (default 1: the whole ledger) and on as any process appends. `Last-Event-ID`
   * resumes after the event it names (exclusive) and wins over `from`.
   */
  @Get('stream')
  async stream(
    @Query() query: unknown,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { from, tail } = valid(streamQuery, query, 'query');
    let start = from ?? 1n;
    if (tail !== undefined && from === undefined) {
      const head = await ledgerHead();
      start = head === undefined || head < BigInt(tail) ? 1n : head - BigInt(tail) + 1n;
    }
    if (lastEventId !== undefined && lastEventId.trim() !== '') {
      const last = valid(
        z.object({ id: z.string().regex(/^[0-9]{1,19}$/, 'a ledger position') }),
        { id: lastEventId.trim() },
        'Last-Event-ID header',
      );
      start = BigInt(last.id) + 1n;
    }
    reply.hijack();
    this.streams.follow(reply.raw, start);
  }
}
