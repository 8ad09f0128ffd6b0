import type { Dispatcher } from 'undici';
import { EMPTY_INPUT_SENTINEL, TERMINAL_STATUSES, type JobObject } from '../contract/job';
import { PeerCallFailed, runToCompletion } from '../contract/peer-call';

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

/** The JSON input a deployed call sends: `{}` would be dropped by the platform, so it becomes the sentinel. */
export function wireInput(input: unknown): unknown {
  const json: unknown = JSON.parse(JSON.stringify(input ?? {}));
  return json !== null && typeof json === 'object' && !Array.isArray(json) && Object.keys(json).length === 0
    ? { [EMPTY_INPUT_SENTINEL]: true }
    : json;
}

/** A failed job request as this worker reports it, naming the peer. */
function refusal(peer: string, url: string, error: unknown): unknown {
  if (!(error instanceof PeerCallFailed)) return error;
  if (error.kind === 'unreachable')
    return new RemoteCallFailed(
      'REMOTE_UNREACHABLE',
      peer,
      `${peer} at ${url} did not answer: ${error.detail}`,
    );
  return new RemoteCallFailed(
    'REMOTE_CALL_REFUSED',
    peer,
    error.kind === 'refused'
      ? `${peer} refused the call (HTTP ${error.status}): ${error.detail.slice(0, 500)}`
      : `${peer} answered something that is not a job: ${error.detail.slice(0, 200)}`,
  );
}

/**
 * Calls a QB peer with JSON only: `POST {url}/runsync?wait=…` with the Bearer key, then polls
 * `/status/{id}` while the job is not finished (the shared job operations of `contract/peer-call`).
 * Resolves to the job's output.
 */
export async function callQueueEndpoint(options: RemoteCallOptions, input: unknown): Promise<unknown> {
  const { peer, url } = options;
  const timeoutMs = options.timeoutMs ?? 300_000;
  let job: JobObject;
  try {
    job = await runToCompletion({
      url,
      apiKey: options.apiKey,
      dispatcher: options.dispatcher,
      input: wireInput(input),
      waitMs: options.waitMs ?? 30_000,
      timeoutMs,
    });
  } catch (error) {
    throw refusal(peer, url, error);
  }
  if (!TERMINAL_STATUSES.includes(job.status))
    throw new RemoteCallFailed(
      'REMOTE_CALL_TIMED_OUT',
      peer,
      `${peer} did not finish job ${job.id} in ${timeoutMs} ms`,
    );
  if (job.status === 'COMPLETED') return job.output ?? null;
  const why = job.error ?? job.status;
  throw new RemoteCallFailed(
    job.status === 'TIMED_OUT' ? 'REMOTE_CALL_TIMED_OUT' : 'REMOTE_JOB_FAILED',
    peer,
    `${peer} failed: ${why}`,
    job.error,
  );
}
