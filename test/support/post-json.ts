import { request } from 'undici';

/** POSTs `body` as JSON to `url`; answers the status and the JSON answer (the flash dev tests' caller). */
export async function postJson(
  url: string,
  body: unknown = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}
