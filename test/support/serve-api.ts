/** A JSON answer of `flash serve`: its status and body (an error is `{error: {code, message}}`). */
export interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
}

/**
 * Calls a `flash serve` route with a bearer token (none when undefined) and a JSON body (a string is sent
 * as it is), and checks the answer is JSON.
 */
export async function callJson(
  baseUrl: string,
  path: string,
  token: string | undefined,
  method = 'GET',
  body?: unknown,
): Promise<Answer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}
