/**
 * The first page's data, asked for before the app starts. `boot.ts`, a few hundred bytes at the top of
 * the page, starts the GET while the browser still reads the app's script; the app takes the answer
 * with its first `get` of the same path. The two scripts are bundled apart, so they share this state
 * through the window.
 */

/** The key under which the session's token is kept (sessionStorage: this tab only). */
export const TOKEN_KEY = 'flash-dashboard.token';

/** The token of this tab's session ('' when signed out or when storage is refused). */
export function readToken(): string {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

/** What a GET answered, its body read. */
export interface Answer {
  ok: boolean;
  status: number;
  statusText: string;
  text: string;
}

export const headersFor = (token: string, body?: unknown): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  accept: 'application/json',
  ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
});

/** Reads an answer in full. */
export async function answerOf(response: Promise<Response>): Promise<Answer> {
  const r = await response;
  return { ok: r.ok, status: r.status, statusText: r.statusText, text: await r.text() };
}

interface Early {
  /** By `<token> <path>`: each taken once. */
  answers: Map<string, Promise<Answer>>;
  /** Every GET started early, taken or not. */
  started: Promise<Answer>[];
}

const early = (): Early => {
  const window = globalThis as { flashEarly?: Early };
  window.flashEarly ??= { answers: new Map(), started: [] };
  return window.flashEarly;
};

/** Starts `GET path` with the token now. */
export function prefetch(token: string, path: string): void {
  const got = answerOf(fetch(path, { headers: headersFor(token) }));
  early().answers.set(`${token} ${path}`, got);
  early().started.push(got);
}

/** The early answer to `GET path` with this token, once; undefined when none was started or it was taken. */
export function takeEarly(token: string, path: string): Promise<Answer> | undefined {
  const key = `${token} ${path}`;
  const got = early().answers.get(key);
  early().answers.delete(key);
  return got;
}

/** Settles when every early GET has answered in full, or after `waitMs`, whichever comes first. */
export function firstData(waitMs: number): Promise<void> {
  return Promise.race([
    Promise.allSettled(early().started).then(() => undefined),
    new Promise<void>((resolve) => setTimeout(resolve, waitMs)),
  ]);
}
