import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  browserUnavailable,
  checkAccessibility,
  launchBrowser,
  screenshot,
  watchConsole,
} from '../support/browser';
import { firstLine, freePort } from '../support/child-server';
import { BIN, WORKERS, cliFixture } from '../support/cli-fixture';
import { crashAfter } from '../support/crash-after';

/**
 * The dashboard's Endpoints page, its write actions (resume, refresh) and a keyboard-only pass, in
 * Debian's chromium against `flash serve` and a local cloud with real workers. The page runs under its
 * own Content-Security-Policy in the keyboard pass (a refused inline script is a console error there).
 */

jest.setTimeout(600_000);

const APP = 'dashops';

const unavailable = browserUnavailable();
if (unavailable) process.stderr.write(`dashboard actions browser test skipped: ${unavailable}\n`);
const describeBrowser = unavailable ? describe.skip : describe;

/** Waits until `read()` answers something `ok` accepts; answers it. */
async function until<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What has the keyboard focus: its tag, accessible text and whether a focus ring is drawn. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const d = (globalThis as unknown as { document: { activeElement: unknown } }).document;
    const el = d.activeElement as {
      tagName: string;
      id: string;
      textContent: string | null;
      getAttribute(n: string): string | null;
    } | null;
    const style = el
      ? (
          globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }
        ).getComputedStyle(el)
      : undefined;
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      id: el?.id ?? '',
      text: (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim(),
      ring: style !== undefined && style.outlineStyle !== 'none',
    };
  });

/** Presses Tab until the focused element matches (at most `max` times); fails naming what was passed. */
async function tabTo(
  page: Page,
  matches: (f: Awaited<ReturnType<typeof focused>>) => boolean,
  what: string,
  max = 60,
): Promise<Awaited<ReturnType<typeof focused>>> {
  const seen: string[] = [];
  for (let n = 0; n < max; n++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (matches(f)) return f;
    seen.push(`${f.tag}:${f.text.slice(0, 30)}`);
  }
  throw new Error(`${what}: not reached with Tab; passed ${seen.join(' | ')}`);
}

describeBrowser(
  `the dashboard's endpoints and actions in a browser${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    const { env, app, flash, setFaults, target, stop } = cliFixture(APP, 37000);
    writeFileSync(join(app, 'workers.ts'), WORKERS(false));
    let server: ChildProcess | undefined;
    let browser: Browser | undefined;
    let url = '';
    let failedId = '';
    const tokens = { write: '', read: '' };

    const printToken = (scope: 'read' | 'write'): string =>
      spawnSync(process.execPath, [BIN, 'serve', '--print-token', '--scope', scope], {
        env,
        encoding: 'utf8',
      }).stdout.trim();

    /** A browser context; `strict` keeps the page's CSP (no axe then: it is injected inline). */
    const newContext = (strict = false): Promise<BrowserContext> =>
      (browser as Browser).newContext({ bypassCSP: !strict, viewport: { width: 1280, height: 900 } });

    async function signIn(page: Page, token: string): Promise<void> {
      await page.goto(`${url}/`);
      await page.getByLabel('Token', { exact: true }).fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('table', { name: 'Environments' }).waitFor();
    }

    async function check(page: Page, name: string): Promise<void> {
      await screenshot(page, name);
      expect([name, await checkAccessibility(page)]).toEqual([name, []]);
    }

    beforeAll(async () => {
      expect(flash(['deploy', '--env', 'main']).status).toBe(0);
      // a deployment that fails: the State Manager refuses every write until the faults are cleared
      await setFaults({ failStateManagerWrites: 1000 });
      const failed = flash(['deploy', '--env', 'flaky', '--json']);
      await setFaults({});
      expect(failed.status).toBe(1);
      const history = flash(['history', '--env', 'flaky', '--json']);
      const records = JSON.parse(history.stdout) as {
        deployments: { deploymentId: string; status: string }[];
      };
      failedId = records.deployments.find((d) => d.status === 'failed')?.deploymentId ?? '';
      expect(failedId).not.toBe('');

      // a deployment left in progress: its process killed right after the first endpoint was provisioned
      const stuck = flash(['deploy', '--env', 'stuck'], crashAfter('EndpointProvisioned'));
      expect(stuck.signal).toBe('SIGKILL');

      tokens.write = printToken('write');
      tokens.read = printToken('read');
      expect(tokens.write).toMatch(/^fls_write_/);
      expect(tokens.read).toMatch(/^fls_read_/);
      const port = await freePort();
      server = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--json', '--no-react'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      url = (JSON.parse(await firstLine(server)) as { url: string }).url;
      browser = await launchBrowser();
    });

    afterAll(async () => {
      await browser?.close();
      if (server && server.exitCode === null) {
        const exited = new Promise((resolve) => server?.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
      stop();
    });

    it('works with the keyboard alone, under its own Content-Security-Policy', async () => {
      const context = await newContext(true);
      const page = await context.newPage();
      const consoleWatch = watchConsole(page);
      await page.goto(`${url}/`);
      const token = await tabTo(page, (f) => f.id === 'token', 'the token field');
      expect(token.ring).toBe(true);
      await page.keyboard.type(tokens.write);
      await page.keyboard.press('Enter');
      await page.getByRole('table', { name: 'Environments' }).waitFor();

      // signed in, the focus is on the page's content: Tab goes on from there
      await until(
        () => focused(page),
        (f) => f.tag === 'main',
        'the focus on the content',
      );
      await tabTo(page, (f) => f.tag === 'a' && f.text === `${APP}/main`, 'the environment link');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: `History of ${APP}/main (local)` }).waitFor();
      await tabTo(page, (f) => f.tag === 'a' && f.text === `Endpoints of ${APP}/main`, 'the Endpoints link');
      await page.keyboard.press('Enter');
      await page.getByRole('table', { name: 'Endpoints' }).waitFor();
      // the invoke form of a queue endpoint: a labelled text box, reached and filled by keyboard
      await tabTo(page, (f) => f.id === 'input-echo', "echo's input");
      await page.keyboard.press('Control+A');
      await page.keyboard.type('{"text":"typed"}');
      const invoke = await tabTo(page, (f) => f.text === 'Invoke echo', 'the Invoke button', 3);
      expect(invoke.ring).toBe(true);
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: '"echoed": "typed"' }).waitFor({ timeout: 120_000 });

      // a confirmation opens on Confirm, Escape closes it and gives the focus back
      await page.goto(`${url}/#/`);
      await page.getByRole('table', { name: 'Environments' }).waitFor();
      await tabTo(page, (f) => f.text === 'Refresh', 'a Refresh button');
      await page.keyboard.press('Enter');
      await page.getByRole('dialog').waitFor();
      expect(await focused(page)).toMatchObject({ text: 'Confirm', ring: true });
      await page.keyboard.press('Tab');
      expect((await focused(page)).text).toBe('Cancel');
      await page.keyboard.press('Tab');
      expect((await focused(page)).text).toBe('Confirm');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      expect((await focused(page)).text).toBe('Refresh');
      consoleWatch.assertNone();
      await context.close();
    });

    it('shows a read token no action and no invoke form', async () => {
      const context = await newContext();
      const page = await context.newPage();
      const consoleWatch = watchConsole(page);
      await signIn(page, tokens.read);
      await page.getByText('read token', { exact: true }).waitFor();
      const environments = page.getByRole('table', { name: 'Environments' });
      await expect(environments.getByRole('columnheader', { name: 'Actions' }).count()).resolves.toBe(0);
      await page.goto(`${url}/#/endpoints/${APP}/main/local`);
      await page.getByRole('table', { name: 'Endpoints' }).waitFor();
      await page.getByText('Calling an endpoint needs a write token.').first().waitFor();
      await expect(page.getByRole('button', { name: /^Invoke / }).count()).resolves.toBe(0);
      consoleWatch.assertNone();
      await context.close();
    });

    it('the Endpoints page: URL, workers and jobs, recent log lines, and calls with JSON in and out', async () => {
      const context = await newContext();
      const page = await context.newPage();
      const consoleWatch = watchConsole(page);
      await signIn(page, tokens.write);
      await page.getByRole('link', { name: new RegExp(`endpoints of ${APP}/main`) }).click();
      const table = page.getByRole('table', { name: 'Endpoints' });
      await table.waitFor();
      const echoRow = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'echo' }) });
      const apiRow = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'api' }) });
      await expect(echoRow.textContent()).resolves.toMatch(/queue.*http:\/\/127\.0\.0\.1:\d+\/v2\//);
      await expect(apiRow.textContent()).resolves.toMatch(/load-balanced/);

      // not JSON: said on the page, nothing sent; then JSON in, the job out
      const echo = page.getByRole('form', { name: 'Invoke echo' });
      const echoAnswer = echo.getByRole('status');
      await echo.getByLabel('Input (JSON)').fill('{"text": ');
      await echo.getByRole('button', { name: 'Invoke echo' }).click();
      await echoAnswer.filter({ hasText: 'The input is not JSON' }).waitFor();
      await echo.getByLabel('Input (JSON)').fill('{"text": "from the page"}');
      await echo.getByRole('button', { name: 'Invoke echo' }).click();
      await echoAnswer.filter({ hasText: '"echoed": "from the page"' }).waitFor({ timeout: 120_000 });
      await expect(echoAnswer.textContent()).resolves.toContain('"status": "COMPLETED"');

      // a load-balanced endpoint: method, path and body, the route's answer out
      const api = page.getByRole('form', { name: 'Invoke api' });
      await api.getByLabel('Method').selectOption('POST');
      await api.getByLabel('Path').fill('/relay');
      await api.getByLabel('Body (JSON; empty for none)').fill('{"text": "relayed"}');
      await api.getByRole('button', { name: 'Invoke api' }).click();
      const apiAnswer = api.getByRole('status');
      await apiAnswer.filter({ hasText: '"status": 200' }).waitFor({ timeout: 120_000 });
      await expect(apiAnswer.textContent()).resolves.toContain('"echoed": "relayed"');

      // health and logs read again: the jobs done, and the lines of the worker that ran them
      await until(
        async () => {
          await page.getByRole('button', { name: 'Reload health and logs' }).click();
          await page.waitForTimeout(300);
          return (await echoRow.textContent()) ?? '';
        },
        (text) => /[1-9]\d* done/.test(text) && /\d+ idle, \d+ running/.test(text),
        "echo's jobs done",
      );
      const logs = page.getByRole('log', { name: /^Log lines of echo's worker / });
      await until(
        async () => ((await logs.count()) > 0 ? ((await logs.first().textContent()) ?? '') : ''),
        (text) => text.includes('worker ready'),
        "echo's worker log lines",
      );
      await check(page, '08-endpoints');
      consoleWatch.assertNone();
      await context.close();
    });

    it('shows a deployment in progress on Live, resource by resource', async () => {
      const context = await newContext();
      const page = await context.newPage();
      const consoleWatch = watchConsole(page);
      await signIn(page, tokens.write);
      await page.getByRole('link', { name: 'Live', exact: true }).click();
      const running = page.getByRole('list', { name: 'Deployments in progress' });
      const stuck = running
        .getByRole('listitem')
        .filter({ hasText: `${APP}/stuck (local)` })
        .first();
      await stuck.waitFor();
      // one of its two endpoints provisioned (created), the other still pending
      await expect(stuck.textContent()).resolves.toContain('1/2 resources done');
      const resources = (await stuck.getByRole('listitem').allTextContents()).sort();
      expect(resources).toHaveLength(2);
      expect(resources.filter((r) => r.endsWith(': created'))).toHaveLength(1);
      expect(resources.filter((r) => r.endsWith(': pending'))).toHaveLength(1);
      await check(page, '12-live-in-progress');
      consoleWatch.assertNone();
      await context.close();
    });

    it('resumes a failed deployment and refreshes an environment, each after a confirmation', async () => {
      const context = await newContext();
      const page = await context.newPage();
      const consoleWatch = watchConsole(page);
      await signIn(page, tokens.write);

      // the failed deployment: its error, the command that resumes it, and the Resume button
      await page.goto(`${url}/#/deployment/${failedId}`);
      const failure = page.getByRole('region', { name: 'Failure' });
      await failure.waitFor();
      await expect(failure.textContent()).resolves.toContain(`flash deploy --resume ${failedId}`);
      await check(page, '09-deployment-failed');
      await failure.getByRole('button', { name: 'Resume' }).click();
      const dialog = page.getByRole('dialog', { name: `Resume deployment ${failedId.slice(0, 8)}` });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Confirm' }).click();
      await page.getByRole('status').filter({ hasText: 'Deployment resuming' }).waitFor();
      // the live feed brings the deployment's new events: the page shows it succeeded
      await page.locator('dl').getByText('succeeded', { exact: true }).waitFor({ timeout: 120_000 });
      await check(page, '10-deployment-resumed');

      // an endpoint deleted outside the tool: Refresh finds it, the table shows the drift
      const endpoints = (await (
        await fetch(`${url}/v1/environments/${APP}/main/endpoints`, {
          headers: { authorization: `Bearer ${tokens.read}` },
        })
      ).json()) as { endpoints: Record<string, { endpointId: string }> };
      const apiId = endpoints.endpoints.api?.endpointId ?? '';
      expect(apiId).not.toBe('');
      const t = target();
      try {
        await t.control.deleteEndpoint(apiId);
      } finally {
        await t.close();
      }

      await page.goto(`${url}/#/`);
      const environments = page.getByRole('table', { name: 'Environments' });
      const main = environments
        .getByRole('row')
        .filter({ has: page.getByRole('link', { name: `${APP}/main`, exact: true }) });
      await expect(main.textContent()).resolves.toContain('in line');
      await main.getByRole('button', { name: 'Refresh' }).click();
      const confirm = page.getByRole('dialog', { name: `Refresh ${APP}/main` });
      await confirm.waitFor();
      await confirm.getByRole('button', { name: 'Confirm' }).click();
      await main.getByRole('status').filter({ hasText: 'Refreshed: 1 drifted, 1 new' }).waitFor();
      await main.getByText('1 drifted (alert)').waitFor({ timeout: 30_000 });
      await check(page, '11-environments-drift');
      consoleWatch.assertNone();
      await context.close();
    });
  },
);
