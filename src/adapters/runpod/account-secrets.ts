import { Agent, type Dispatcher } from 'undici';
import { z } from 'zod';
import {
  httpCall,
  jsonHeaders,
  reasonOf,
  type HttpAnswer,
  type HttpMethod,
} from '../../../worker/contract/http-call';
import { UpstreamFailed } from '../../domain/errors';

/**
 * What RunPod answers about an account secret. Its shape was not fully verified against RunPod
 * (docs/RUNPOD.md, "Account secrets"): only `id` and `name` are required, the rest is read when present.
 */
const metadataSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z
    .string()
    .nullish()
    .transform((d) => d ?? null),
  createdAt: z
    .string()
    .nullish()
    .transform((d) => d ?? null),
  updatedAt: z
    .string()
    .nullish()
    .transform((d) => d ?? null),
});
export type AccountSecret = z.infer<typeof metadataSchema>;

/** A list is an array, or (should RunPod wrap it) an object holding one under `secrets` or `data`. */
const listSchema = z.union([
  z.array(metadataSchema),
  z.object({ secrets: z.array(metadataSchema) }).transform((l) => l.secrets),
  z.object({ data: z.array(metadataSchema) }).transform((l) => l.data),
]);

/** An error answer: the local cloud's `{error: {code, message}}`, or a flat `{code?, message}`. */
const errorSchema = z.union([
  z.object({ error: z.object({ code: z.string().optional(), message: z.string().optional() }) }),
  z.object({ code: z.string().optional(), message: z.string().optional(), error: z.string().optional() }),
]);

/** Upstream codes worth passing on as they are: the caller can act on them. */
const KNOWN_CODES = new Set([
  'SECRET_NAME_INVALID',
  'SECRET_EXISTS',
  'SECRET_NOT_FOUND',
  'SECRET_VALUE_INVALID',
  'SECRET_DESCRIPTION_INVALID',
]);

export interface AccountSecretsOptions {
  apiKey: string;
  /** REST v2 base: `https://api.runpod.io/v2` on RunPod, `{cloud}/v2` locally. */
  baseUrl: string;
  /** Default: an Agent of its own, closed by `close()`. */
  dispatcher?: Dispatcher;
}

/**
 * RunPod's REST v2 account secrets (`/v2/account/secrets`): create, list, read, rotate, delete. Values go
 * in and never come back; no message this client makes holds one, even when the upstream echoes it.
 */
export class AccountSecrets {
  private readonly dispatcher: Dispatcher;
  private readonly own: Agent | undefined;
  private readonly base: string;

  constructor(private readonly options: AccountSecretsOptions) {
    this.own = options.dispatcher ? undefined : new Agent({ connections: 4 });
    this.dispatcher = options.dispatcher ?? (this.own as Agent);
    this.base = `${options.baseUrl.replace(/\/+$/, '')}/account/secrets`;
  }

  // Operation: GET /v2/account/secrets.
  async list(): Promise<AccountSecret[]> {
    return listSchema.parse(await this.call('GET', this.base));
  }

  /** The secret of that name, if any: RunPod addresses secrets by id, so this lists them. */
  async byName(name: string): Promise<AccountSecret | undefined> {
    return (await this.list()).find((s) => s.name === name);
  }

  // Operation: POST /v2/account/secrets {name, value, description?}.
  async create(input: { name: string; value: string; description?: string }): Promise<AccountSecret> {
    return metadataSchema.parse(await this.call('POST', this.base, input, input.value));
  }

  // Operation: PATCH /v2/account/secrets/{id} {value?, description?}: a rotation reaches the next worker boot.
  async update(id: string, input: { value?: string; description?: string }): Promise<AccountSecret> {
    return metadataSchema.parse(await this.call('PATCH', this.idUrl(id), input, input.value));
  }

  // Operation: DELETE /v2/account/secrets/{id}.
  async remove(id: string): Promise<void> {
    await this.call('DELETE', this.idUrl(id));
  }

  async close(): Promise<void> {
    await this.own?.close();
  }

  private idUrl(id: string): string {
    return `${this.base}/${encodeURIComponent(id)}`;
  }

  /** One JSON call with the Bearer key; `value` is cut out of any message it could reach. */
  private async call(method: HttpMethod, url: string, body?: unknown, value?: string): Promise<unknown> {
    const hide = (text: string): string => (value ? text.split(value).join('[value]') : text);
    let answer: HttpAnswer;
    try {
      answer = await httpCall(this.dispatcher, method, url, {
        headers: jsonHeaders(this.options.apiKey),
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: 60_000,
      });
    } catch (error) {
      throw new UpstreamFailed('RUNPOD_UNAVAILABLE', `${url} did not answer: ${hide(reasonOf(error))}`);
    }
    if (answer.status >= 400) throw refusal(method, url, answer, hide);
    try {
      return answer.text ? (JSON.parse(answer.text) as unknown) : null;
    } catch {
      throw new UpstreamFailed('RUNPOD_BAD_RESPONSE', `${method} ${url} answered no JSON`);
    }
  }
}

/** An error answer as a stable error: the upstream's secret codes as they are, else RUNPOD_*. */
function refusal(
  method: string,
  url: string,
  answer: HttpAnswer,
  hide: (t: string) => string,
): UpstreamFailed {
  if (answer.status === 401 || answer.status === 403)
    return new UpstreamFailed('RUNPOD_UNAUTHORIZED', `${url} refused the API key`);
  let parsed: z.infer<typeof errorSchema> | undefined;
  try {
    parsed = errorSchema.parse(JSON.parse(answer.text));
  } catch {
    parsed = undefined;
  }
  const detail = parsed && 'error' in parsed && typeof parsed.error === 'object' ? parsed.error : parsed;
  const code = detail && 'code' in detail ? detail.code : undefined;
  const message = (detail && 'message' in detail ? detail.message : undefined) ?? answer.text.slice(0, 300);
  if (code && KNOWN_CODES.has(code)) return new UpstreamFailed(code, hide(message));
  // a 404 for one secret is that secret missing; for the list it is a host without the API
  if (answer.status === 404 && /\/account\/secrets\/[^/]+$/.test(url))
    return new UpstreamFailed('SECRET_NOT_FOUND', `${method} ${url} answered 404: ${hide(message)}`);
  return new UpstreamFailed(
    'RUNPOD_REJECTED',
    `${method} ${url} answered ${answer.status}: ${hide(message)}`,
  );
}
