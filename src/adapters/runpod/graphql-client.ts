import { interceptors, type Dispatcher } from 'undici';
import { graphqlCall, GraphqlCallFailed, type GraphqlTransport } from '../../../worker/contract/graphql-call';
import { TRANSIENT_ANSWER, transientAnswers } from '../../../worker/contract/graphql-transient';
import { TRANSIENT_ERROR_CODES } from '../../../worker/contract/http-call';
import { UpstreamFailed } from '../../domain/errors';

export interface GraphqlClientOptions {
  /** Control-plane base, e.g. `https://api.runpod.io` or the local cloud's URL; `/graphql` is appended. */
  baseUrl: string;
  apiKey: string;
  /** Injected HTTP dispatcher (an undici Agent, or MockAgent in tests). */
  dispatcher: Dispatcher;
  /** Attempts for queries on transient failures. Default 4 (Flash: 3 retries). Mutations: always 1. */
  queryAttempts?: number;
  /** First backoff delay; doubles, capped at 15 s; a `Retry-After` answer sets it instead. Default 1000 ms. */
  backoffMs?: number;
  timeoutMs?: number;
}

/** HTTP statuses worth another attempt: 429 and every 5xx. */
const RETRIED_STATUSES = [429, ...Array.from({ length: 100 }, (_, i) => 500 + i)];

/**
 * The dispatcher a GraphQL call goes through: "try again later" answers become errors
 * (`transientAnswers`), and undici's retry interceptor retries them, transport failures, 429 and 5xx
 * up to `retries` times (honouring `Retry-After`, else exponential backoff from `backoffMs`).
 */
function retrying(dispatcher: Dispatcher, retries: number, backoffMs: number): Dispatcher {
  return dispatcher.compose(
    transientAnswers(),
    interceptors.retry({
      maxRetries: retries,
      minTimeout: backoffMs,
      maxTimeout: 15_000,
      timeoutFactor: 2,
      methods: ['POST'],
      statusCodes: RETRIED_STATUSES,
      errorCodes: [...TRANSIENT_ERROR_CODES, TRANSIENT_ANSWER],
    }),
  );
}

/**
 * RunPod's GraphQL transport: Bearer key, JSON in and out (worker/contract/graphql-call). Queries are
 * retried on transient failures by an undici retry interceptor; mutations are never retried blindly
 * (see docs/RUNPOD.md). Failures are UpstreamFailed with a stable code.
 */
export class GraphqlClient {
  private readonly url: string;
  private readonly queries: Dispatcher;
  private readonly mutations: Dispatcher;

  constructor(private readonly options: GraphqlClientOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/graphql`;
    const backoffMs = options.backoffMs ?? 1000;
    this.queries = retrying(options.dispatcher, this.retries('query'), backoffMs);
    this.mutations = retrying(options.dispatcher, this.retries('mutation'), backoffMs);
  }

  // Operation: POST {base}/graphql, one query or mutation of RunPod's GraphQL API.
  async request(query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const kind = /^\s*mutation\b/.test(query) ? 'mutation' : 'query';
    return this.over(kind, (transport) => graphqlCall(transport, query, variables));
  }

  /** Runs a read made of queries (e.g. the contract's State Manager read) over the retried query transport. */
  read<T>(run: (transport: GraphqlTransport) => Promise<T>): Promise<T> {
    return this.over('query', run);
  }

  private retries(kind: 'query' | 'mutation'): number {
    return kind === 'mutation' ? 0 : Math.max(0, (this.options.queryAttempts ?? 4) - 1);
  }

  private async over<T>(
    kind: 'query' | 'mutation',
    run: (transport: GraphqlTransport) => Promise<T>,
  ): Promise<T> {
    try {
      return await run({
        dispatcher: kind === 'query' ? this.queries : this.mutations,
        url: this.url,
        apiKey: this.options.apiKey,
        timeoutMs: this.options.timeoutMs ?? 300_000,
        userAgent: 'flash-ledger',
      });
    } catch (error) {
      throw error instanceof GraphqlCallFailed ? this.failure(error, this.retries(kind)) : error;
    }
  }

  /** The stable error for a failed call; `retries` is how many retries its dispatcher allowed. */
  private failure(error: GraphqlCallFailed, retries: number): UpstreamFailed {
    const at = `the control plane at ${this.url}`;
    const options = { cause: error };
    const status = error.extra.status;
    const after = (attempts: number): string => ` (after ${attempts} attempt${attempts > 1 ? 's' : ''})`;
    switch (error.kind) {
      case 'unreachable': {
        // undici retries errors without a code or with a listed one: such an error comes last only once
        // every retry is spent
        const code = error.extra.code;
        const tail = code === undefined || TRANSIENT_ERROR_CODES.includes(code) ? after(retries + 1) : '';
        return new UpstreamFailed(
          'RUNPOD_UNAVAILABLE',
          `${at} did not answer: ${error.detail}${tail}`,
          options,
        );
      }
      case 'transient':
        return new UpstreamFailed('RUNPOD_UNAVAILABLE', `${error.detail}${after(retries + 1)}`, options);
      case 'unauthorized':
        return new UpstreamFailed(
          'RUNPOD_UNAUTHORIZED',
          status === 401 || status === 403
            ? `${at} refused the API key (HTTP ${status}): check RUNPOD_API_KEY`
            : `${error.detail}: check RUNPOD_API_KEY`,
          options,
        );
      case 'http':
        return status !== undefined && RETRIED_STATUSES.includes(status)
          ? new UpstreamFailed(
              'RUNPOD_UNAVAILABLE',
              `${at} answered HTTP ${status}${after(error.extra.attempts ?? 1)}`,
              options,
            )
          : new UpstreamFailed('RUNPOD_REJECTED', `${at} answered HTTP ${status ?? '?'}`, options);
      case 'not_graphql':
        return new UpstreamFailed(
          'RUNPOD_BAD_RESPONSE',
          `${at} answered HTTP ${status ?? '?'} with something that is not GraphQL JSON`,
          options,
        );
      case 'bad_shape':
        return new UpstreamFailed('RUNPOD_BAD_RESPONSE', `${at} answered ${error.detail}`, options);
      case 'errors':
        return new UpstreamFailed(
          /not found/i.test(error.detail) ? 'RUNPOD_NOT_FOUND' : 'RUNPOD_REJECTED',
          error.detail,
          options,
        );
    }
  }
}
