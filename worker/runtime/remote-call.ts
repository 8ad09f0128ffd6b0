import type { Dispatcher } from 'undici';
import { undici } from './undici-lazy';
import { EMPTY_INPUT_SENTINEL, jobObjectSchema, TERMINAL_STATUSES, type JobObject } from '../contract/job';

/** A call to a peer endpoint failed; the message carries the peer's name and its own message. */
export class RemoteCallFailed extends Error {
  constructor(
    readonly code:
      'REMOTE_JOB_FAILED' | 'REMOTE_CALL_TIMED_OUT' | 'REMOTE_CALL_REFUSED' | 'REMOTE_UNREACHABLE',
    readonly peer: string,
    message: string,
    readonly remoteError?: string,
  ) {
    super(message);
    this.name = 'RemoteCallFailed';
  }
}

export interface RemoteCallOptions {
  peer: string;
  url: string;
  apiKey: string;
  dispatcher: Dispatcher;
  /** How long `/runsync` holds before answering IN_QUEUE/IN_PROGRESS. Default 30 s. */
  waitMs?: number;
  /** The whole call, polling included. Default 300 s. */
  timeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The JSON input a deployed call sends: `{}` would be dropped by the platform, so it becomes the sentinel. */
export function wireInput(input: unknown): unknown {
  const json = JSON.parse(JSON.stringify(input ?? {})) as unknown;
  return json !== null && typeof json === 'object' && !Array.isArray(json) && Object.keys(json).length === 0
    ? { [EMPTY_INPUT_SENTINEL]: true }
    : json;
}

/**
 * Calls a QB peer with JSON only: `POST {url}/runsync?wait=…` with the Bearer key, then polls
 * `/status/{id}` while the job is not finished. Resolves to the job's output.
 */
export async function callQueueEndpoint(options: RemoteCallOptions, input: unknown): Promise<unknown> {
  const { peer, url, apiKey, dispatcher } = options;
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const send = async (method: 'GET' | 'POST', target: string, body?: string): Promise<JobObject> => {
    let res;
    try {
      const left = Math.max(1000, deadline - Date.now());
      res = await undici().request(target, {
        method,
        headers,
        body,
        dispatcher,
        headersTimeout: left,
        bodyTimeout: left,
      });
    } catch (error) {
      throw new RemoteCallFailed(
        'REMOTE_UNREACHABLE',
        peer,
        `${peer} at ${url} did not answer: ${(error as Error).message}`,
      );
    }
    const text = await res.body.text();
    if (res.statusCode >= 400) {
      throw new RemoteCallFailed(
        'REMOTE_CALL_REFUSED',
        peer,
        `${peer} refused the call (HTTP ${res.statusCode}): ${text.slice(0, 500)}`,
      );
    }
    const parsed = jobObjectSchema.safeParse(JSON.parse(text || '{}'));
    if (!parsed.success)
      throw new RemoteCallFailed(
        'REMOTE_CALL_REFUSED',
        peer,
        `${peer} answered something that is not a job: ${text.slice(0, 200)}`,
      );
    return parsed.data;
  };
  let job = await send(
    'POST',
    `${url}/runsync?wait=${options.waitMs ?? 30_000}`,
    JSON.stringify({ input: wireInput(input) }),
  );
  let delay = 50;
  while (!TERMINAL_STATUSES.includes(job.status)) {
    if (Date.now() > deadline)
      throw new RemoteCallFailed(
        'REMOTE_CALL_TIMED_OUT',
        peer,
        `${peer} did not finish job ${job.id} in ${options.timeoutMs ?? 300_000} ms`,
      );
    await sleep(delay);
    delay = Math.min(delay * 2, 1000);
    job = await send('GET', `${url}/status/${job.id}`);
  }
  if (job.status === 'COMPLETED') return job.output ?? null;
  const why = job.error ?? job.status;
  throw new RemoteCallFailed(
    job.status === 'TIMED_OUT' ? 'REMOTE_CALL_TIMED_OUT' : 'REMOTE_JOB_FAILED',
    peer,
    `${peer} failed: ${why}`,
    job.error,
  );
}
