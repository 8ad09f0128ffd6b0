import type { ZodType } from 'zod';
import {
  ENDPOINT_DEFINITION,
  installedRuntime,
  type QueueEndpointDefinition,
} from '../../worker/contract/endpoint-definition';
import { ValidationError } from '../../worker/contract/errors';
import { normalizeConfig, type EndpointConfig } from './config';
import { EndpointDeclarationError, throughJson } from './sdk-errors';

/** A QB endpoint's config: the shared settings plus an optional input schema and init hook. */
export interface QueueConfig<I = unknown, S = undefined> extends EndpointConfig {
  /** A zod schema the worker enforces before the handler runs; bad input names the field. */
  input?: ZodType<I>;
  /** Runs once per worker before the first job (a model load, a volume check); its result is the handler's second argument. */
  init?: () => S | Promise<S>;
  /** Jobs one worker runs at once. Default 1. */
  maxConcurrency?: number;
}

/** What `Endpoint.queue` returns: call it like the handler; it runs where the endpoint runs. */
export type RemoteFunction<I, O> = ((input: I) => Promise<O>) & {
  readonly [ENDPOINT_DEFINITION]: QueueEndpointDefinition;
};

export function checkedConfig(config: EndpointConfig, kind: 'queue' | 'load_balanced'): void {
  const result = normalizeConfig(config, kind);
  if (!result.ok) {
    const name = typeof config?.name === 'string' ? config.name : '(unnamed)';
    throw new EndpointDeclarationError(
      `endpoint ${name}: ${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    );
  }
}

function formatIssues(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}): string {
  return error.issues
    .map((i) => `${i.path.length ? `input.${i.path.map(String).join('.')}` : 'input'}: ${i.message}`)
    .join('; ');
}

/** Checks input against the schema; a failure is a ValidationError naming each field. */
export function parseInput<I>(schema: ZodType<I> | undefined, input: unknown, endpoint: string): I {
  if (!schema) return input as I;
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationError(`${endpoint}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

/** A promise made once, on first use, and shared after (the once-per-worker init). */
export function once<T>(make: () => T | Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= Promise.resolve().then(make));
}

/** Wraps a definition in the callable users import and call. */
export function remoteFunction<I, O>(definition: QueueEndpointDefinition): RemoteFunction<I, O> {
  const call = async (input: I): Promise<O> => {
    const runtime = installedRuntime();
    if (runtime) return (await runtime.callQueue(definition.name, input)) as O;
    // No runtime: run here, with the same JSON boundary a deployed call has.
    const output = await definition.invoke(throughJson(input, `input to ${definition.name}`));
    return throughJson(output, `output of ${definition.name}`) as O;
  };
  Object.defineProperty(call, ENDPOINT_DEFINITION, { value: definition, enumerable: false });
  Object.defineProperty(call, 'name', { value: definition.name });
  return call as RemoteFunction<I, O>;
}

export function queueEndpoint<I, O, S>(
  config: QueueConfig<I, S>,
  handler: (input: I, state: S) => O | Promise<O>,
): RemoteFunction<I, Awaited<O>> {
  checkedConfig(config, 'queue');
  if (typeof handler !== 'function')
    throw new EndpointDeclarationError(`endpoint ${config.name}: the handler must be a function`);
  const init = once(async () => (config.init ? await config.init() : (undefined as S)));
  return remoteFunction<I, Awaited<O>>({
    kind: 'queue',
    name: config.name,
    config,
    methods: [],
    invoke: async (input) => handler(parseInput(config.input, input, config.name), await init()),
    warm: async () => {
      await init();
    },
  });
}
