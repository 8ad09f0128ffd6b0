import { z } from 'zod';
import type { Dispatcher } from 'undici';
import { httpCall, jsonHeaders, reasonOf, type HttpAnswer } from './http-call';
import { TransientAnswer } from './graphql-transient';

/**
 * One call to RunPod's GraphQL API (`POST {api}/graphql`, Bearer key, JSON in and out), shared by the
 * deployer's control-plane client and the worker's State Manager read. See docs/RUNPOD.md and
 * https://docs.runpod.io/api-reference/overview. Retries are not done here: they are the dispatcher's
 * (undici interceptors), so each side picks its policy.
 */

const answerSchema = z.object({
  data: z.record(z.string(), z.unknown()).nullable().optional(),
  errors: z.array(z.object({ message: z.string() })).optional(),
});
/** undici's RequestRetryError: the last answer of a retrying dispatcher was an HTTP error. */
const retriedStatus = z.object({
  code: z.literal('UND_ERR_REQ_RETRY'),
  statusCode: z.number(),
  data: z.object({ count: z.number() }).optional(),
});
const coded = z.object({ code: z.string() });

export interface GraphqlTransport {
  dispatcher: Dispatcher;
  /** The full GraphQL URL, e.g. `https://api.runpod.io/graphql`. */
  url: string;
  apiKey: string;
  timeoutMs?: number;
  userAgent?: string;
}

/**
 * Why a GraphQL call failed: `unreachable` (transport), `transient` (an answer saying "try again later"),
 * `unauthorized` (401/403 or an "Unauthorized" error), `http` (an HTTP error status), `not_graphql`,
 * `errors` (GraphQL errors; `detail` is their messages), `bad_shape` (data not as the read expects).
 */
export type GraphqlFailure =
  'unreachable' | 'transient' | 'unauthorized' | 'http' | 'not_graphql' | 'errors' | 'bad_shape';

export class GraphqlCallFailed extends Error {
  constructor(
    readonly kind: GraphqlFailure,
    readonly detail: string,
    /** `status`: the HTTP status; `attempts`: as counted by a retrying dispatcher; `code`: a transport error's. */
    readonly extra: { status?: number; attempts?: number; code?: string; cause?: unknown } = {},
  ) {
    super(detail, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'GraphqlCallFailed';
  }
}

function transportFailure(error: unknown): GraphqlCallFailed {
  if (error instanceof TransientAnswer)
    return new GraphqlCallFailed('transient', error.message, { cause: error });
  const retried = retriedStatus.safeParse(error);
  if (retried.success)
    return new GraphqlCallFailed('http', `HTTP ${retried.data.statusCode}`, {
      status: retried.data.statusCode,
      attempts: retried.data.data?.count,
      cause: error,
    });
  const code = coded.safeParse(error);
  return new GraphqlCallFailed('unreachable', reasonOf(error), {
    code: code.success ? code.data.code : undefined,
    cause: error,
  });
}

function parsed(text: string): z.infer<typeof answerSchema> | undefined {
  try {
    const answer = answerSchema.safeParse(JSON.parse(text));
    return answer.success ? answer.data : undefined;
  } catch {
    return undefined;
  }
}

/** Sends one query or mutation; resolves with `data`, or throws GraphqlCallFailed saying why not. */
export async function graphqlCall(
  transport: GraphqlTransport,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  let answer: HttpAnswer;
  try {
    answer = await httpCall(transport.dispatcher, 'POST', transport.url, {
      headers: {
        ...jsonHeaders(transport.apiKey),
        ...(transport.userAgent ? { 'user-agent': transport.userAgent } : {}),
      },
      body: JSON.stringify({ query, variables }),
      timeoutMs: transport.timeoutMs,
    });
  } catch (error) {
    throw transportFailure(error);
  }
  const { status, text } = answer;
  if (status === 401 || status === 403)
    throw new GraphqlCallFailed('unauthorized', `HTTP ${status}`, { status });
  if (status >= 500) throw new GraphqlCallFailed('http', `HTTP ${status}`, { status });
  const body = parsed(text);
  if (!body) throw new GraphqlCallFailed('not_graphql', `HTTP ${status}, not GraphQL JSON`, { status });
  if (body.errors?.length) {
    const message = body.errors.map((e) => e.message).join('; ');
    throw new GraphqlCallFailed(/unauthori[sz]ed/i.test(message) ? 'unauthorized' : 'errors', message, {
      status,
    });
  }
  if (status >= 400) throw new GraphqlCallFailed('http', `HTTP ${status}`, { status });
  return body.data ?? {};
}

/** `data[key]` parsed with `schema` (a missing field counts as null); bad_shape if it does not fit. */
export function pickField<T>(data: Record<string, unknown>, key: string, schema: z.ZodType<T>): T {
  const field = schema.safeParse(data[key] ?? null);
  if (!field.success)
    throw new GraphqlCallFailed(
      'bad_shape',
      `${key} came back in an unexpected shape: ${field.error.issues[0]?.message ?? ''}`,
    );
  return field.data;
}
