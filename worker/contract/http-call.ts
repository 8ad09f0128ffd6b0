import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

/**
 * The one way this project makes an HTTP call to RunPod (or the local cloud): always through an injected
 * undici `Dispatcher` (an Agent, a composed one with retry interceptors, or a MockAgent in tests), never
 * the global one. Only `import type` from undici here: the worker loads undici lazily, and a dispatcher
 * carries its own `request()`.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface HttpCallOptions {
  headers?: Record<string, string>;
  body?: string | Readable;
  /** Headers and body timeout. Default 300 s (undici's). */
  timeoutMs?: number;
}

/** Transport failures worth another attempt: network, timeouts, a closed socket. Used by retry interceptors. */
export const TRANSIENT_ERROR_CODES: readonly string[] = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ENOTFOUND',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
];

/** One request through `dispatcher`; resolves with any status. A transport failure rejects as undici's error. */
export async function httpCall(
  dispatcher: Dispatcher,
  method: HttpMethod,
  url: string,
  options: HttpCallOptions = {},
): Promise<HttpAnswer> {
  const target = new URL(url);
  const timeout = options.timeoutMs ?? 300_000;
  const res = await dispatcher.request({
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
    method,
    headers: options.headers,
    body: options.body,
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

/**
 * The Bearer-key JSON headers RunPod's APIs take; no `Authorization` at all without a key, as Flash sends
 * the calls that need none (the login flow), rather than an empty Bearer.
 */
export function jsonHeaders(apiKey: string): Record<string, string> {
  return { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), 'content-type': 'application/json' };
}

/** A transport error's message, for a message that says what failed. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
