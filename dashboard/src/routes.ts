/**
 * The dashboard's pages, one per hash: `#/`, `#/env/<app>/<env>/<target>`, `#/endpoints/<app>/<env>/<target>`,
 * `#/deployment/<id>`, `#/live`.
 */
export type Route =
  | { page: 'environments' }
  | { page: 'history'; app: string; env: string; target: string }
  | { page: 'endpoints'; app: string; env: string; target: string }
  | { page: 'deployment'; id: string }
  | { page: 'live' }
  | { page: 'not-found'; hash: string };

const decode = (part: string): string | undefined => {
  try {
    const value = decodeURIComponent(part);
    return value === '' ? undefined : value;
  } catch {
    return undefined;
  }
};

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  if (path === '') return { page: 'environments' };
  const parts = path.split('/').map(decode);
  if (parts.some((p) => p === undefined)) return { page: 'not-found', hash };
  const [head, ...rest] = parts as string[];
  if (head === 'live' && rest.length === 0) return { page: 'live' };
  if (head === 'deployment' && rest.length === 1) return { page: 'deployment', id: rest[0] as string };
  if ((head === 'env' || head === 'endpoints') && (rest.length === 2 || rest.length === 3)) {
    const [app, env, target] = rest as [string, string, string | undefined];
    return { page: head === 'env' ? 'history' : 'endpoints', app, env, target: target ?? 'local' };
  }
  return { page: 'not-found', hash };
}

export function href(route: Exclude<Route, { page: 'not-found' }>): string {
  const e = encodeURIComponent;
  switch (route.page) {
    case 'environments':
      return '#/';
    case 'live':
      return '#/live';
    case 'deployment':
      return `#/deployment/${e(route.id)}`;
    case 'history':
      return `#/env/${e(route.app)}/${e(route.env)}/${e(route.target)}`;
    case 'endpoints':
      return `#/endpoints/${e(route.app)}/${e(route.env)}/${e(route.target)}`;
  }
}

/** What the page of `route` asks for first, when the page's head should ask for it early (see boot.ts). */
export function firstDataPath(route: Route): string | undefined {
  return route.page === 'environments' ? '/v1/environments' : undefined;
}
