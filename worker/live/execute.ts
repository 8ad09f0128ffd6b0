import { endpointErrorOf } from '../contract/errors';
import { format } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { endpointDefinitionOf, type QueueEndpointDefinition } from '../contract/endpoint-definition';
import { loadBundle } from './load-bundle';
import { CODE_SHIPPING_LOADED, type FunctionRequest, type FunctionResponse } from '../contract/live';

(globalThis as { [CODE_SHIPPING_LOADED]?: boolean })[CODE_SHIPPING_LOADED] = true;
// stack traces of shipped code point at the app's own files and lines (the bundle carries its source map)
process.setSourceMapsEnabled(true);

function findQueue(
  modules: Record<string, Record<string, unknown>>,
  name: string,
): QueueEndpointDefinition | undefined {
  for (const exports of Object.values(modules))
    for (const value of Object.values(exports)) {
      const definition = endpointDefinitionOf(value);
      if (definition?.kind === 'queue' && definition.name === name) return definition;
    }
  return undefined;
}

/** Runs one shipped function: v8-deserialized input in, v8-serialized result out, console output captured. */
export async function executeFunction(request: FunctionRequest): Promise<FunctionResponse> {
  const stdout: string[] = [];
  // the function's console is captured for the caller while it runs
  const sink = console as unknown as Record<string, (...args: unknown[]) => void>;
  const levels = ['log', 'info', 'warn', 'error'] as const;
  const original = Object.fromEntries(levels.map((l) => [l, sink[l]]));
  const capture =
    (level: string) =>
    (...args: unknown[]): void => {
      stdout.push(`${level === 'log' ? '' : `[${level}] `}${format(...args)}`);
    };
  try {
    const definition = findQueue(loadBundle(request.function_code, request.code_path), request.function_name);
    if (!definition)
      return {
        success: false,
        error: `no queue endpoint ${request.function_name} in the shipped code`,
        stdout,
      };
    const input: unknown = deserialize(Buffer.from(request.args, 'base64'));
    for (const level of levels) sink[level] = capture(level);
    const result = await definition.invoke(input);
    return { success: true, result: serialize(result).toString('base64'), stdout };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    // bad input thrown on purpose (a 4xx) says what to change; its stack would only be noise
    const known = endpointErrorOf(error);
    if (known && known.status < 500) return { success: false, error: err.message, stdout };
    return { success: false, error: err.message, traceback: err.stack ?? err.message, stdout };
  } finally {
    Object.assign(sink, original);
  }
}
