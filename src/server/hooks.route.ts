import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_HOOK_BODY_BYTES, openHookStore, receiveHook, type HookAnswer } from '../ledger/hooks';
import { SERVE_LOG, type ServeLog } from './deployment-runs';

type EventStore = Awaited<ReturnType<typeof openHookStore>>;

/** The route of the webhook intake; its only auth is the delivery's signature (or RunPod's `?token=`). */
export const HOOK_ROUTE = '/v1/hooks/:source';

/**
 * The webhook intake's one event store, opened on the first delivery and closed when the server stops
 * (the same store for every delivery of the server's lifetime).
 */
@Injectable()
export class HookIntake implements OnModuleDestroy {
  private store: Promise<EventStore> | undefined;

  constructor(@Inject(SERVE_LOG) private readonly log: ServeLog) {}

  /** `receiveHook` on the server's store; a thrown error is a 500 HOOK_NOT_RECORDED (the sender retries). */
  async receive(
    source: string,
    headers: FastifyRequest['headers'],
    query: Record<string, string | undefined>,
    body: Buffer,
  ): Promise<HookAnswer> {
    try {
      this.store ??= openHookStore();
      const store = await this.store.catch((error: unknown) => {
        this.store = undefined; // try again on the next delivery
        throw error;
      });
      return await receiveHook(store, { source, headers, query, body });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // never the URL or the query: RunPod's token is in it
      this.log(`flash serve: a ${source.slice(0, 64)} webhook was not recorded: ${message}`);
      return {
        status: 500,
        body: {
          error: {
            code: 'HOOK_NOT_RECORDED',
            message: `the delivery was not recorded (${message}): send it again`,
          },
        },
      };
    }
  }

  async onModuleDestroy(): Promise<void> {
    const store = this.store;
    this.store = undefined;
    if (store) await (await store.catch(() => undefined))?.close();
  }
}

/** The first value of each query parameter (fastify answers a repeated one as an array). */
function queryOf(query: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (typeof query !== 'object' || query === null) return out;
  for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[key] = first;
  }
  return out;
}

const send = (reply: FastifyReply, answer: HookAnswer): FastifyReply =>
  reply.status(answer.status).header('content-type', 'application/json; charset=utf-8').send(answer.body);

/**
 * `POST /v1/hooks/:source` straight on fastify, in a context of its own: any content type (GitHub sends
 * JSON or a form, the generic source whatever it signs) is read as the raw bytes the signature covers,
 * at most MAX_HOOK_BODY_BYTES (a larger body is answered 413 HOOK_PAYLOAD_TOO_LARGE before it is read
 * whole, and nothing is recorded). No bearer token: Nest's guard never sees this route. Fastify logs
 * nothing (no logger), and neither this route nor its errors ever name the URL or its query.
 * Register before the application listens.
 */
export function registerHookRoute(fastify: FastifyInstance, intake: HookIntake): void {
  void fastify.register((scope: FastifyInstance, _options: unknown, done: (error?: Error) => void) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: MAX_HOOK_BODY_BYTES },
      (
        _request: FastifyRequest,
        body: Buffer | string,
        parsed: (error: Error | null, body?: unknown) => void,
      ) => parsed(null, body),
    );
    scope.setErrorHandler((error: { statusCode?: number; message?: string }, _request, reply) => {
      const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
      if (status === 413)
        return send(reply, {
          status: 413,
          body: {
            error: {
              code: 'HOOK_PAYLOAD_TOO_LARGE',
              message: `the body is larger than ${MAX_HOOK_BODY_BYTES} bytes`,
            },
          },
        });
      if (status >= 400 && status < 500)
        return send(reply, {
          status,
          body: { error: { code: 'HOOK_PAYLOAD_INVALID', message: 'the request could not be read' } },
        });
      return send(reply, {
        status: 500,
        body: {
          error: { code: 'HOOK_NOT_RECORDED', message: 'the delivery was not recorded: send it again' },
        },
      });
    });
    scope.post(HOOK_ROUTE, { bodyLimit: MAX_HOOK_BODY_BYTES }, async (request, reply) => {
      const { source } = request.params as { source: string };
      const body = Buffer.isBuffer(request.body)
        ? request.body
        : typeof request.body === 'string'
          ? Buffer.from(request.body)
          : Buffer.alloc(0);
      return send(reply, await intake.receive(source, request.headers, queryOf(request.query), body));
    });
    done();
  });
}
