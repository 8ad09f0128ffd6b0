/** The dashboard's calls to `flash serve`, with the bearer token of the session. */

import { answerOf, headersFor, takeEarly } from './early';

export { TOKEN_KEY } from './early';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}

/** `onUnauthorized` runs on a 401 (a wrong or revoked token): the app signs out with a message. */
export function createApi(token: string, onUnauthorized: (message: string) => void): Api {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await ((method === 'GET' ? takeEarly(token, path) : undefined) ??
      answerOf(
        fetch(path, {
          method,
          headers: headersFor(token, body),
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        }),
      ));
    const { text } = response;
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the status and the text say what went wrong
    }
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      const failure = new ApiError(
        response.status,
        error?.code ?? `HTTP_${response.status}`,
        error?.message ?? (text.slice(0, 200) || response.statusText),
      );
      if (response.status === 401) onUnauthorized(failure.message);
      throw failure;
    }
    return json as T;
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
  };
}

export const errorText = (error: unknown): string =>
  error instanceof ApiError
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);
