import type { Dispatcher } from 'undici';
import { httpCall, jsonHeaders, reasonOf, type HttpAnswer } from './http-call';
import { jobObjectSchema, TERMINAL_STATUSES, type JobObject } from './job';

/**
 * A queue endpoint's job operations (`/run`, `/runsync`, `/status`), shared by the deployer (`flash
 * invoke`) and a worker calling a peer. See docs/RUNPOD.md and
 * https://docs.runpod.io/serverless/endpoints/operation-reference. No retries: a job POST is not
 * idempotent; polling a job until it finishes is not a retry and is done here, once.
 */

/** Why a job request failed: no answer, an HTTP error status, or an answer that is not a job object. */
export type PeerCallFailure = 'unreachable' | 'refused' | 'not_a_job';

export class PeerCallFailed extends Error {
  constructor(
    readonly kind: PeerCallFailure,
    readonly request: string,
    /** The transport error's message, or the answer's body. */
    readonly detail: string,
    readonly status?: number,
    cause?: unknown,
  ) {
    super(
      `${request}: ${kind === 'unreachable' ? 'no answer' : `HTTP ${status ?? '?'}`}: ${detail.slice(0, 300)}`,
      cause === undefined ? undefined : { cause },
    );
    this.name = 'PeerCallFailed';
  }
}

export interface JobTransport {
  dispatcher: Dispatcher;
  apiKey: string;
  /** Headers and body timeout of this request. Default 300 s. */
  timeoutMs?: number;
}

/** One job request with the Bearer key (`body` is sent as JSON); resolves with the job object. */
export async function jobCall(
  transport: JobTransport,
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
): Promise<JobObject> {
  const request = `${method} ${url}`;
  let answer: HttpAnswer;
  try {
    answer = await httpCall(transport.dispatcher, method, url, {
      headers: jsonHeaders(transport.apiKey),
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: transport.timeoutMs,
    });
  } catch (error) {
    throw new PeerCallFailed('unreachable', request, reasonOf(error), undefined, error);
  }
  if (answer.status >= 400) throw new PeerCallFailed('refused', request, answer.text, answer.status);
  let json: unknown;
  try {
    json = JSON.parse(answer.text || '{}');
  } catch {
    json = undefined;
  }
  const job = jobObjectSchema.safeParse(json);
  if (!job.success) throw new PeerCallFailed('not_a_job', request, answer.text, answer.status);
  return job.data;
}

export interface RunToCompletionOptions {
  /** The queue endpoint's URL, e.g. `https://api.runpod.ai/v2/{id}`. */
  url: string;
  apiKey: string;
  dispatcher: Dispatcher;
  /** The job's `input`, as it goes on the wire. */
  input: unknown;
  /** How long `/runsync` holds before answering IN_QUEUE/IN_PROGRESS (`?wait=`). */
  waitMs: number;
  /** The whole call, polling included. */
  timeoutMs: number;
  /** The first poll delay and its cap; the delay doubles. Default 50 ms, 1 s. */
  poll?: { firstMs: number; maxMs: number };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * `POST {url}/runsync?wait=…`, then `GET {url}/status/{id}` while the job is not finished and the
 * deadline has not passed. Resolves with the last job seen: terminal, or not if time ran out.
 */
export async function runToCompletion(options: RunToCompletionOptions): Promise<JobObject> {
  const deadline = Date.now() + options.timeoutMs;
  const transport = (): JobTransport => ({
    dispatcher: options.dispatcher,
    apiKey: options.apiKey,
    timeoutMs: Math.max(1000, deadline - Date.now()),
  });
  let job = await jobCall(transport(), 'POST', `${options.url}/runsync?wait=${options.waitMs}`, {
    input: options.input,
  });
  let delay = options.poll?.firstMs ?? 50;
  while (!TERMINAL_STATUSES.includes(job.status) && Date.now() < deadline) {
    await sleep(delay);
    delay = Math.min(delay * 2, options.poll?.maxMs ?? 1000);
    job = await jobCall(transport(), 'GET', `${options.url}/status/${job.id}`);
  }
  return job;
}
