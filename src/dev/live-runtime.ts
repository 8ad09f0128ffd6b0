import { deserialize, serialize } from 'node:v8';
import { request, type Dispatcher } from 'undici';
import { FlashError } from '../domain/errors';
import type { FlashRuntime } from '../../worker/contract/endpoint-definition';
import { functionResponseSchema } from '../../worker/contract/live';

/**
 * A shipped function failed on the live worker; `traceback` names the app's file and line. The message
 * names the endpoint once: the SDK's own errors (input validation) already start with `{endpoint}: `.
 */
export class DevCallFailed extends FlashError {
  constructor(
    readonly endpoint: string,
    message: string,
    readonly traceback: string,
  ) {
    super('DEV_CALL_FAILED', message.startsWith(`${endpoint}: `) ? message : `${endpoint}: ${message}`, {
      details: { traceback },
    });
  }
}

export interface LiveRuntimeOptions {
  /** The live endpoint of a queue resource (`{cloud}/lb/{id}` locally), provisioned on its first call. */
  urlFor(resource: string): Promise<string>;
  apiKey: string;
  dispatcher: Dispatcher;
  /** The current bundle: read on every call, so an edit is picked up at once. */
  code(): { code: string; path: string };
  /** Where the function's console output goes. */
  onOutput?: (endpoint: string, line: string) => void;
}

/**
 * `flash dev`'s runtime: a QB call ships the app's current code and the `v8.serialize`d input to the live
 * worker's `/execute`, and answers the `v8.deserialize`d result. Only `flash dev` uses it.
 */
export function liveRuntime(options: LiveRuntimeOptions): FlashRuntime {
  return {
    async callQueue(name: string, input: unknown): Promise<unknown> {
      const { code, path } = options.code();
      const url = await options.urlFor(name);
      const res = await request(`${url}/execute`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          function_name: name,
          function_code: code,
          code_path: path,
          args: serialize(input).toString('base64'),
        }),
        dispatcher: options.dispatcher,
        headersTimeout: 600_000,
        bodyTimeout: 600_000,
      });
      const text = await res.body.text();
      if (res.statusCode !== 200)
        throw new FlashError(
          'LIVE_WORKER_FAILED',
          `the live worker answered ${res.statusCode}: ${text.slice(0, 300)}`,
        );
      const answer = functionResponseSchema.parse(JSON.parse(text));
      for (const line of answer.stdout) options.onOutput?.(name, line);
      if (!answer.success) throw new DevCallFailed(name, answer.error ?? 'failed', answer.traceback ?? '');
      return deserialize(Buffer.from(answer.result ?? '', 'base64'));
    },
  };
}
