import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Where the built dashboard lies: `dist/dashboard` beside the compiled server (`dist/src/server` → `dist/dashboard`),
 * or the repository's `dist/dashboard` when the server runs from `src/` (tsx, jest); `FLASH_DASHBOARD_DIR` wins.
 */
export function dashboardDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLASH_DASHBOARD_DIR) return env.FLASH_DASHBOARD_DIR;
  const candidates = [
    join(__dirname, '..', '..', 'dashboard'),
    join(__dirname, '..', '..', 'dist', 'dashboard'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? (candidates[0] as string);
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The page holds no data (it fetches with the token), so it needs none; it runs only its own code: the
 * script and stylesheet written inside it, allowed by their hashes, and files from the server itself.
 */
export function securityHeaders(html: string): Record<string, string> {
  const hashes = (tag: string): string =>
    [...html.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'gi'))]
      .map((m) => m[1] ?? '')
      .filter((body) => body.trim() !== '')
      .map((body) => ` 'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`)
      .join('');
  return {
    'content-security-policy': [
      "default-src 'self'",
      `script-src 'self'${hashes('script')}`,
      `style-src 'self'${hashes('style')}`,
      "img-src 'self' data:",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

const fail = (reply: FastifyReply, status: number, code: string, message: string): FastifyReply =>
  reply
    .status(status)
    .header('content-type', 'application/json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send({ error: { code, message } });

/**
 * `GET /` (the dashboard's page) and `GET /assets/<file>` from the built dashboard, without a token: the
 * files hold no ledger data. 404 ASSET_NOT_FOUND for an asset it does not have, 503 DASHBOARD_NOT_BUILT
 * when `npm run build:dashboard` has not run. Files are read once and kept. Register before listen.
 */
export function registerDashboardRoute(fastify: FastifyInstance, dir: string = dashboardDir()): void {
  const cache = new Map<string, Buffer>();
  const read = (file: string): Buffer | undefined => {
    const cached = cache.get(file);
    if (cached) return cached;
    try {
      const body = readFileSync(join(dir, file));
      cache.set(file, body);
      return body;
    } catch {
      return undefined;
    }
  };
  const notBuilt = (reply: FastifyReply) =>
    fail(reply, 503, 'DASHBOARD_NOT_BUILT', `no dashboard in ${dir}: run \`npm run build:dashboard\``);

  let security: { body: Buffer; headers: Record<string, string> } | undefined;
  fastify.get('/', async (_request, reply) => {
    const body = read('index.html');
    if (!body) return notBuilt(reply);
    if (security?.body !== body) security = { body, headers: securityHeaders(body.toString('utf8')) };
    return reply
      .headers({ ...security.headers, 'content-type': TYPES['.html'], 'cache-control': 'no-cache' })
      .send(body);
  });

  fastify.get('/assets/*', async (request, reply) => {
    const name = (request.params as { '*'?: string })['*'] ?? '';
    // one plain file name: no folders, no dot files, so nothing outside assets/ is ever read
    if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/.test(name) || !TYPES[extname(name)])
      return fail(reply, 404, 'ASSET_NOT_FOUND', 'no such asset');
    if (!existsSync(join(dir, 'index.html'))) return notBuilt(reply);
    const body = read(join('assets', name));
    if (!body) return fail(reply, 404, 'ASSET_NOT_FOUND', `no asset ${name}`);
    return reply
      .headers({
        'content-type': TYPES[extname(name)] as string,
        // the names are not hashed: revalidate, so a new build shows at once
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      })
      .send(body);
  });
}
