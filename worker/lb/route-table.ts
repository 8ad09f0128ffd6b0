import type { HttpMethod, RouteDefinition } from '../contract/endpoint-definition';

/** `/items/{id}` → fastify's `/items/:id`. */
export function toFastifyPath(path: string): string {
  return path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1');
}

/** The methods declared for a concrete path, to tell 405 (known path, other method) from 404. */
export function methodsForPath(routes: readonly RouteDefinition[], path: string): HttpMethod[] {
  const clean = path.split('?')[0] ?? path;
  return routes
    .filter((r) =>
      new RegExp(`^${r.path.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+')}$`).test(
        clean,
      ),
    )
    .map((r) => r.method);
}
