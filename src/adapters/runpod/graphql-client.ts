import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { UpstreamFailed } from '../../domain/errors';

export interface GraphqlClientOptions {
  /** Control-plane base, e.g. `https://api.runpod.io` or the local cloud's URL; `/graphql` is appended. */
  baseUrl: string;
  apiKey: string;
  /** Injected HTTP dispatcher (an undici Agent, or MockAgent in tests). */
  dispatcher: Dispatcher;
  /** Attempts for queries on transient failures. Default 4 (Flash: 3 retries). Mutations: always 1. */
  queryAttempts?: number;
  /** First backoff delay; doubles, capped at 15 s, ±20% jitter. Default 1000 ms. */
  backoffMs?: number;
  timeoutMs?: number;
}

const answer = z.object({
  data: z.record(z.string(), z.unknown()).nullable().optional(),
  errors: z.array(z.object({ message: z.string() })).optional(),
});
const TRANSIENT = [
  'try again later',
  'internal server error',
  'service unavailable',
  'too many requests',
  'temporarily unavailable',
];

/** A GraphQL call that failed in a way worth retrying (network, 5xx, "try again later"). */
class Transient extends Error {}

/**
 * RunPod's GraphQL transport: Bearer key, JSON in and out. Queries are retried on transient failures
 * with exponential backoff and jitter; mutations are never retried blindly (runpod-contract.md §1.1).
 */
export class GraphqlClient {
  constructor(private readonly options: GraphqlClientOptions) {}

  async request(query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const isMutation = /^\s*mutation\b/.test(query);
    const attempts = isMutation ? 1 : (this.options.queryAttempts ?? 4);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(query, variables);
      } catch (error) {
        if (!(error instanceof Transient) || attempt >= attempts) {
          if (error instanceof Transient)
            throw new UpstreamFailed(
              'RUNPOD_UNAVAILABLE',
              `${error.message} (after ${attempt} attempt${attempt > 1 ? 's' : ''})`,
              { cause: error },
            );
          throw error;
        }
        const base = Math.min(15_000, (this.options.backoffMs ?? 1000) * 2 ** (attempt - 1));
        await new Promise((r) => setTimeout(r, base * (0.8 + Math.random() * 0.4)));
      }
    }
  }

  // Operation: POST {base}/graphql
  private async once(query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/graphql`;
    let res;
    try {
      res = await request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${this.options.apiKey}`,
          'user-agent': 'flash-ledger',
        },
        body: JSON.stringify({ query, variables }),
        dispatcher: this.options.dispatcher,
        headersTimeout: this.options.timeoutMs ?? 300_000,
        bodyTimeout: this.options.timeoutMs ?? 300_000,
      });
    } catch (error) {
      throw new Transient(`the control plane at ${url} did not answer: ${(error as Error).message}`);
    }
    const text = await res.body.text();
    if (res.statusCode === 401 || res.statusCode === 403) {
      throw new UpstreamFailed(
        'RUNPOD_UNAUTHORIZED',
        `the control plane at ${url} refused the API key (HTTP ${res.statusCode}): check RUNPOD_API_KEY`,
      );
    }
    if (res.statusCode >= 500)
      throw new Transient(`the control plane at ${url} answered HTTP ${res.statusCode}`);
    let parsed;
    try {
      parsed = answer.parse(JSON.parse(text));
    } catch (error) {
      throw new UpstreamFailed(
        'RUNPOD_BAD_RESPONSE',
        `the control plane at ${url} answered HTTP ${res.statusCode} with something that is not GraphQL JSON`,
        { cause: error },
      );
    }
    if (parsed.errors?.length) {
      const message = parsed.errors.map((e) => e.message).join('; ');
      if (TRANSIENT.some((t) => message.toLowerCase().includes(t))) throw new Transient(message);
      if (/unauthori[sz]ed/i.test(message))
        throw new UpstreamFailed('RUNPOD_UNAUTHORIZED', `${message}: check RUNPOD_API_KEY`);
      throw new UpstreamFailed(/not found/i.test(message) ? 'RUNPOD_NOT_FOUND' : 'RUNPOD_REJECTED', message);
    }
    if (res.statusCode >= 400)
      throw new UpstreamFailed('RUNPOD_REJECTED', `the control plane answered HTTP ${res.statusCode}`);
    return parsed.data ?? {};
  }
}
