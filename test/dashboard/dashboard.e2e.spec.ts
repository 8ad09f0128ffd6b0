import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  browserUnavailable,
  checkAccessibility,
  launchBrowser,
  screenshot,
  watchConsole,
} from '../support/browser';
import { BIN, cliFixture } from '../support/cli-fixture';
import { firstLine, freePort } from '../support/child-server';

jest.setTimeout(600_000);

const WORKERS = (says: string): string => `import { Endpoint } from 'flash-ledger';
export const greet = Endpoint.queue({ name: 'greet', cpu: 'cpu3c-1-2', workers: [0, 1] }, async () => ({ says: '${says}' }));
`;

/** Waits until `read()` answers something `ok` accepts (the page renders after a tick); answers it. */
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${String(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const unavailable = browserUnavailable();
if (unavailable) process.stderr.write(`dashboard browser test skipped: ${unavailable}\n`);
const describeBrowser = unavailable ? describe.skip : describe;

describeBrowser(`the dashboard in a browser${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  const { env, app, flash, stop } = cliFixture('dashapp', 33000);
  writeFileSync(join(app, 'workers.ts'), WORKERS('one'));
  unlinkSync(join(app, 'api.ts'));
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
    stop();
  });

  /** Axe finds no serious or critical violation on the page as it is now, and a screenshot is saved. */
  async function check(page: Page, name: string): Promise<void> {
    await screenshot(page, name);
    expect([name, await checkAccessibility(page)]).toEqual([name, []]);
  }

  it('signs in, shows environments, history, a deployment step by step, live events and a rollback', async () => {
    expect(flash(['deploy', '--env', 'main']).status).toBe(0);
    writeFileSync(join(app, 'workers.ts'), WORKERS('two'));
    expect(flash(['deploy', '--env', 'main']).status).toBe(0);

    const token = spawnSync(process.execPath, [BIN, 'serve', '--print-token'], {
      env,
      encoding: 'utf8',
    }).stdout.trim();
    expect(token).toMatch(/^fls_write_/);
    const port = await freePort();
    server = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--json', '--no-react'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { url } = JSON.parse(await firstLine(server)) as { url: string };

    browser = await launchBrowser();
    // the page's CSP allows its own scripts only: axe-core is injected inline, so the test bypasses it
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    // a wrong token: back to the form with a message (in a tab of its own: chromium logs the 401s)
    const wrong = await context.newPage();
    await wrong.goto(`${url}/`);
    await wrong.getByLabel('Token', { exact: true }).fill('fls_write_wrong');
    await wrong.getByRole('button', { name: 'Sign in' }).click();
    await wrong.getByRole('alert').filter({ hasText: 'refused' }).first().waitFor();
    await check(wrong, '01-login');
    await wrong.close();

    const page = await context.newPage();
    const consoleWatch = watchConsole(page);
    await page.goto(`${url}/`);
    await page.getByLabel('Token', { exact: true }).fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // environments
    const environments = page.getByRole('table', { name: 'Environments' });
    await environments.getByRole('link', { name: 'dashapp/main', exact: true }).waitFor();
    await expect(environments.getByRole('row').nth(1).textContent()).resolves.toMatch(/v2.*succeeded/);
    await page.getByLabel('Search', { exact: true }).fill('nothing-like-this');
    await environments
      .getByRole('link', { name: 'dashapp/main', exact: true })
      .waitFor({ state: 'detached' });
    await page.getByLabel('Search', { exact: true }).fill('dashapp');
    await check(page, '02-environments');

    // history
    await environments.getByRole('link', { name: 'dashapp/main', exact: true }).click();
    const history = page.getByRole('table', { name: 'History' });
    await history.getByRole('link', { name: 'v2' }).waitFor();
    await history.getByRole('link', { name: 'v1' }).waitFor();
    await check(page, '03-history');

    // a deployment, step by step
    await history.getByRole('link', { name: 'v2' }).click();
    await page.getByRole('heading', { name: /^Deployment \S{8}$/ }).waitFor();
    await page.getByRole('list', { name: 'Timeline' }).getByRole('listitem').first().waitFor();
    const state = page.getByRole('region', { name: 'State after step' });
    const last = await state.textContent();
    await page.getByRole('button', { name: 'Previous step' }).click();
    await until(
      () => state.textContent(),
      (t) => t !== last,
      'the state after the previous step',
    );
    await page.getByLabel('Step', { exact: true }).fill('1');
    await until(
      () => state.textContent(),
      (t) => !!t?.includes('Step 1 of') && t.includes('DeploymentRequested'),
      'the state after step 1',
    );
    await page.getByRole('button', { name: 'Next step' }).click();
    await until(
      () => state.textContent(),
      (t) => !!t?.includes('Step 2 of'),
      'the state after step 2',
    );
    for (const section of ['Manifest', 'Endpoints', 'Changes'])
      await page.getByRole('heading', { name: section, exact: true }).waitFor();
    await check(page, '04-deployment');

    // live: a deploy from the CLI shows up without a reload
    await page.getByRole('link', { name: 'Live', exact: true }).click();
    const live = page.getByRole('list', { name: 'Live events' });
    await live.getByRole('listitem').first().waitFor();
    const before = await live.getByRole('listitem').count();
    writeFileSync(join(app, 'workers.ts'), WORKERS('three'));
    expect(flash(['deploy', '--env', 'main']).status).toBe(0);
    await page.waitForFunction(
      `document.querySelectorAll('ol[aria-label="Live events"] > li').length > ${before}`,
    );
    await expect(live.getByRole('listitem').first().textContent()).resolves.toMatch(/deployment/i);
    await check(page, '05-live');

    // roll back to v1 from History, confirmed: a new version marked as a rollback
    await page.goto(`${url}/#/env/dashapp/main/local`);
    await history.getByRole('link', { name: 'v3' }).waitFor();
    await page.getByRole('button', { name: 'Roll back to v1' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await check(page, '06-confirm');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('status').filter({ hasText: 'Rolling back to v1' }).waitFor();
    const rolled = history.getByRole('row').filter({ has: page.getByRole('link', { name: 'v4' }) });
    await rolled.filter({ hasText: 'rollback to v1' }).waitFor({ timeout: 120_000 });
    await rolled.filter({ hasText: 'succeeded' }).waitFor({ timeout: 120_000 });
    await check(page, '07-history-after-rollback');

    consoleWatch.assertNone();
  });
});
