import { ValidationError } from '../../worker/contract/errors';
import type { QueueEndpointDefinition } from '../../worker/contract/endpoint-definition';
import { EndpointDeclarationError } from './sdk-errors';
import {
  checkedConfig,
  once,
  parseInput,
  remoteFunction,
  type QueueConfig,
  type RemoteFunction,
} from './queue-endpoint';

type Instance = Record<string, unknown>;

/** Public methods of a class, in definition order (constructor and `_private` ones left out). */
export function publicMethods(cls: new () => object): string[] {
  return Object.getOwnPropertyNames(cls.prototype).filter(
    (name) =>
      name !== 'constructor' &&
      !name.startsWith('_') &&
      typeof Object.getOwnPropertyDescriptor(cls.prototype, name)?.value === 'function',
  );
}

/**
 * A class-based QB endpoint: the constructor runs once per worker. With one public method the input
 * goes to it; with several, `input.method` names the method and is removed before the call.
 */
export function queueClassEndpoint<C extends new () => object>(
  config: Omit<QueueConfig, 'init'>,
  cls: C,
): RemoteFunction<Record<string, unknown>, unknown> {
  checkedConfig(config, 'queue');
  if (typeof cls !== 'function' || typeof cls.prototype !== 'object') {
    throw new EndpointDeclarationError(`endpoint ${config.name}: queueClass takes a class`);
  }
  const methods = publicMethods(cls);
  if (methods.length === 0)
    throw new EndpointDeclarationError(
      `endpoint ${config.name}: class ${cls.name} has no public method to call`,
    );
  const instance = once(() => new cls() as Instance);
  const definition: QueueEndpointDefinition = {
    kind: 'queue',
    name: config.name,
    config,
    methods,
    invoke: async (raw) => {
      let input = raw;
      let method = methods[0] as string;
      if (methods.length > 1) {
        const named =
          typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).method : undefined;
        if (typeof named !== 'string' || !methods.includes(named)) {
          throw new ValidationError(`${config.name}: input.method must name one of ${methods.join(', ')}`);
        }
        method = named;
        const { method: _drop, ...rest } = raw as Record<string, unknown>;
        input = rest;
      }
      const target = await instance();
      const fn = target[method] as (input: unknown) => unknown;
      return fn.call(target, parseInput(config.input, input, config.name));
    },
    warm: async () => {
      await instance();
    },
  };
  return remoteFunction(definition);
}
