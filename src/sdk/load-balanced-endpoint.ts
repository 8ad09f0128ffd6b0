import type { ZodType } from 'zod';
import {
  ENDPOINT_DEFINITION,
  type HttpMethod,
  type LoadBalancedEndpointDefinition,
  type RouteDefinition,
  type RouteRequest,
} from '../../worker/contract/endpoint-definition';
import { ValidationError } from '../../worker/contract/errors';
import type { EndpointConfig } from './config';
import { checkedConfig } from './queue-endpoint';
import { routePathProblem, routeShape } from './route-path';
import { EndpointDeclarationError } from './sdk-errors';

/** Per-route options. */
export interface RouteOptions<B> {
  /** A zod schema for the JSON body; a mismatch answers 400 naming the field. */
  body?: ZodType<B>;
}

type Handler<B> = (request: RouteRequest<B>) => unknown;

export interface LoadBalancedEndpoint {
  readonly name: string;
  readonly [ENDPOINT_DEFINITION]: LoadBalancedEndpointDefinition;
  get(path: string, handler: Handler<undefined>): LoadBalancedEndpoint;
  post<B = unknown>(path: string, handler: Handler<B>, options?: RouteOptions<B>): LoadBalancedEndpoint;
  put<B = unknown>(path: string, handler: Handler<B>, options?: RouteOptions<B>): LoadBalancedEndpoint;
  patch<B = unknown>(path: string, handler: Handler<B>, options?: RouteOptions<B>): LoadBalancedEndpoint;
  delete<B = unknown>(path: string, handler: Handler<B>, options?: RouteOptions<B>): LoadBalancedEndpoint;
}

function withBodySchema<B>(
  schema: ZodType<B> | undefined,
  handler: Handler<B>,
  where: string,
): (request: RouteRequest) => unknown {
  if (!schema) return handler as (request: RouteRequest) => unknown;
  return (request) => {
    const parsed = schema.safeParse(request.body);
    if (!parsed.success) {
      const detail = parsed.error.issues.map(
        (i) => `${i.path.length ? `body.${i.path.map(String).join('.')}` : 'body'}: ${i.message}`,
      );
      throw new ValidationError(`${where}: ${detail.join('; ')}`);
    }
    return handler({ ...request, body: parsed.data });
  };
}

/** An LB endpoint: serves the routes declared on it, on its own HTTP server. */
export function loadBalancedEndpoint(config: EndpointConfig): LoadBalancedEndpoint {
  checkedConfig(config, 'load_balanced');
  const routes: RouteDefinition[] = [];
  const definition: LoadBalancedEndpointDefinition = {
    kind: 'load_balanced',
    name: config.name,
    config,
    routes,
  };
  const add = <B>(
    method: HttpMethod,
    path: string,
    handler: Handler<B>,
    options?: RouteOptions<B>,
  ): LoadBalancedEndpoint => {
    const where = `${config.name} ${method} ${path}`;
    const problem = routePathProblem(path);
    if (problem) throw new EndpointDeclarationError(`${where}: ${problem}`);
    if (typeof handler !== 'function')
      throw new EndpointDeclarationError(`${where}: the handler must be a function`);
    const clash = routes.find((r) => r.method === method && routeShape(r.path) === routeShape(path));
    if (clash)
      throw new EndpointDeclarationError(
        `${where}: clashes with ${clash.method} ${clash.path} on the same endpoint`,
      );
    routes.push({ method, path, handler: withBodySchema(options?.body, handler, where) });
    return endpoint;
  };
  const endpoint: LoadBalancedEndpoint = {
    name: config.name,
    [ENDPOINT_DEFINITION]: definition,
    get: (path, handler) => add('GET', path, handler),
    post: (path, handler, options) => add('POST', path, handler, options),
    put: (path, handler, options) => add('PUT', path, handler, options),
    patch: (path, handler, options) => add('PATCH', path, handler, options),
    delete: (path, handler, options) => add('DELETE', path, handler, options),
  };
  return endpoint;
}
