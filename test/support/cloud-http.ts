import { request } from 'undici';

/** One JSON request to the local cloud with a Bearer key; the parsed body, status and headers back. */
export async function cloudHttp(method: 'GET' | 'POST', url: string, key: string, body?: unknown) {
  const res = await request(url, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    headers: res.headers,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}
