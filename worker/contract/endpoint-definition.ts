/**
 * What the SDK hands to a runtime, and what a runtime installs for the SDK. Both sides find each
 * other through global symbols, so a bundled copy of the SDK and the worker agree without sharing code.
 */

/** Marks an endpoint definition on the value the SDK returns (a QB function or an LB endpoint). */
export const ENDPOINT_DEFINITION = Symbol.for('flash-ledger.endpoint');

/** Where a worker (or `flash dev`) installs its runtime: `globalThis[FLASH_RUNTIME]`. */
export const FLASH_RUNTIME = Symbol.for('flash-ledger.runtime');

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route handler receives. */
export interface RouteRequest<B = unknown> {
  body: B;
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
}

export interface QueueEndpointDefinition {
  kind: 'queue';
  name: string;
  /** The config as declared (functions and schemas included). */
  config: object;
  /** Methods of a class-based endpoint, in definition order; empty for a function. */
  methods: readonly string[];
  /** Validates the input, runs the once-per-process init, then the handler. */
  invoke(input: unknown): Promise<unknown>;
  /** Runs the once-per-process init now (the init hook, or the class constructor), before any job. */
  warm(): Promise<void>;
}

export interface RouteDefinition {
  method: HttpMethod;
  path: string;
  handler: (request: RouteRequest) => unknown;
}

export interface LoadBalancedEndpointDefinition {
  kind: 'load_balanced';
  name: string;
  config: object;
  routes: readonly RouteDefinition[];
}

export type EndpointDefinition = QueueEndpointDefinition | LoadBalancedEndpointDefinition;

/** A runtime routes calls between endpoints; with none installed a call runs in-process. */
export interface FlashRuntime {
  /** Calls the QB endpoint `name` with a JSON input and resolves to its JSON output. */
  callQueue(name: string, input: unknown): Promise<unknown>;
  /** A progress update for the job the caller runs in (shown by `/status` while IN_PROGRESS). */
  progress?(update: unknown): void;
}

/** The definition carried by a value the SDK returned, if it is one. */
export function endpointDefinitionOf(value: unknown): EndpointDefinition | undefined {
  if ((typeof value !== 'function' && typeof value !== 'object') || value === null) return undefined;
  const definition = (value as { [ENDPOINT_DEFINITION]?: EndpointDefinition })[ENDPOINT_DEFINITION];
  return definition && (definition.kind === 'queue' || definition.kind === 'load_balanced')
    ? definition
    : undefined;
}

/** The runtime installed on this process, if any. */
export function installedRuntime(): FlashRuntime | undefined {
  const runtime = (globalThis as { [FLASH_RUNTIME]?: FlashRuntime })[FLASH_RUNTIME];
  return runtime && typeof runtime.callQueue === 'function' ? runtime : undefined;
}
