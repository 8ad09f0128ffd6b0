import Fastify from 'fastify';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerDashboardRoute, securityHeaders } from '../../src/server/dashboard.route';
import { tempDir } from '../support/ledger-processes';

describe('flash serve serves the built dashboard', () => {
  const built = tempDir('flash-dashboard-');
  mkdirSync(join(built, 'assets'));
  writeFileSync(join(built, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(built, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(built, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(built, 'secret.json'), '{}');

  const serve = (dir: string) => {
    const app = Fastify();
    registerDashboardRoute(app, dir);
    return app;
  };

  it('answers the page and its assets without a token, with their types and caching', async () => {
    const app = serve(built);
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('<title>x</title>');
    const js = await app.inject({ url: '/assets/app.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('no-cache');
    const css = await app.inject({ url: '/assets/app.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    await app.close();
  });

  it('allows the inline script and stylesheet of the page by their hashes, and nothing else inline', async () => {
    const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const html =
      '<!doctype html><head><script>boot()</script><style>body{color:red}</style></head>' +
      '<body><script>main()</script><script src="/assets/x.js"></script></body>';
    const dir = tempDir('flash-dashboard-inline-');
    writeFileSync(join(dir, 'index.html'), html);
    const app = serve(dir);
    const page = await app.inject({ url: '/' });
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toBe(securityHeaders(html)['content-security-policy']);
    const directive = (name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `));
    expect(directive('script-src')).toBe(`script-src 'self' ${sha('boot()')} ${sha('main()')}`);
    expect(directive('style-src')).toBe(`style-src 'self' ${sha('body{color:red}')}`);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("default-src 'self'");
    await app.close();
  });

  it('answers 404 for an asset it does not have, and never a file outside assets/', async () => {
    const app = serve(built);
    for (const url of [
      '/assets/nope.js',
      '/assets/../secret.json',
      '/assets/%2e%2e%2fsecret.json',
      '/assets/x.exe',
    ]) {
      const r = await app.inject({ url });
      expect([url, r.statusCode]).toEqual([url, 404]);
      expect(r.body).not.toContain('{}\n');
    }
    const r = await app.inject({ url: '/assets/nope.js' });
    expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'ASSET_NOT_FOUND' } });
    await app.close();
  });

  it('answers 503 DASHBOARD_NOT_BUILT when the dashboard was not built', async () => {
    const app = serve(join(built, 'missing'));
    for (const url of ['/', '/assets/app.js']) {
      const r = await app.inject({ url });
      expect(r.statusCode).toBe(503);
      expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'DASHBOARD_NOT_BUILT' } });
    }
    await app.close();
  });
});
