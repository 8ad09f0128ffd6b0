/** Paths the platform keeps for itself: the health probe, and code shipping in `flash dev`. */
export const RESERVED_PATHS = ['/ping', '/execute'] as const;

/**
 * Checks a route path: starts with `/`, segments of URL-safe characters or `{param}`, no param twice,
 * not reserved. Returns the problem, or undefined when the path is fine.
 */
export function routePathProblem(path: string): string | undefined {
  if (typeof path !== 'string' || !path.startsWith('/')) return 'a path starts with /';
  if (path.length > 1 && path.endsWith('/')) return 'a path does not end with /';
  if ((RESERVED_PATHS as readonly string[]).includes(path)) return `${path} is reserved by the platform`;
  const params = new Set<string>();
  for (const segment of path.slice(1).split('/')) {
    if (path === '/') break;
    if (segment === '') return 'a path has no empty segment (//)';
    const param = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(segment);
    if (param) {
      if (params.has(param[1] as string)) return `parameter {${param[1]}} appears twice`;
      params.add(param[1] as string);
    } else if (!/^[A-Za-z0-9._~-]+$/.test(segment)) {
      return `segment "${segment}" may hold only letters, digits and - . _ ~, or be a {param}`;
    }
  }
  return undefined;
}

/** Two paths clash when they match the same requests: equal once every {param} is a wildcard. */
export function routeShape(path: string): string {
  return path.replace(/\{[^/}]+\}/g, '{}');
}
