import Fastify from 'fastify';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerDashboardRoute } from '../../src/server/dashboard.route';
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
