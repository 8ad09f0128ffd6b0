import { existsSync, statSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import {
  browserUnavailable,
  checkAccessibility,
  launchBrowser,
  screenshot,
  watchConsole,
} from './support/browser';

/** The browser harness itself (test/support/browser.ts), on a page that needs no server. */

jest.setTimeout(60_000);

const unavailable = browserUnavailable();
const maybe = unavailable ? describe.skip : describe;

const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Harness</title></head>
  <body>
    <main>
      <h1>Sign in</h1>
      <form>
        <label for="token">Token</label>
        <input id="token" name="token" type="password" autocomplete="off">
        <button type="submit">Sign in</button>
      </form>
    </main>
  </body>
</html>`;

maybe(`the browser harness${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('opens a page, finds no accessibility violation and no console error, and saves a screenshot', async () => {
    const page = await browser!.newPage();
    const console = watchConsole(page);
    await page.goto(`data:text/html;charset=utf-8,${encodeURIComponent(PAGE)}`);
    expect(await page.getByLabel('Token').count()).toBe(1);
    expect(await checkAccessibility(page)).toEqual([]);
    const path = await screenshot(page, 'harness');
    expect(existsSync(path) && statSync(path).size > 0).toBe(true);
    console.assertNone();
    await page.close();
  });

  it('reports what it is there to catch: an unlabelled input, a console error, a page error', async () => {
    const page = await browser!.newPage();
    const console = watchConsole(page);
    await page.goto(
      `data:text/html;charset=utf-8,${encodeURIComponent(
        '<!doctype html><html><body><input type="text"><script>console.error("boom"); setTimeout(() => { throw new Error("bang"); });</script></body></html>',
      )}`,
    );
    await page.waitForTimeout(100);
    const violations = await checkAccessibility(page);
    expect(violations.map((v) => v.id)).toEqual(expect.arrayContaining(['label']));
    expect(console.errors.join('\n')).toMatch(/boom/);
    expect(console.errors.join('\n')).toMatch(/bang/);
    expect(() => console.assertNone()).toThrow(/error\(s\)/);
    await page.close();
  });
});

describe('browserUnavailable', () => {
  const saved = {
    FLASH_CHROMIUM: process.env.FLASH_CHROMIUM,
    FLASH_REQUIRE_BROWSER: process.env.FLASH_REQUIRE_BROWSER,
  };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  });

  it('names why a missing browser skips, and skips nothing under FLASH_REQUIRE_BROWSER=1 (it fails instead)', async () => {
    process.env.FLASH_CHROMIUM = '/nowhere/chromium';
    delete process.env.FLASH_REQUIRE_BROWSER;
    expect(browserUnavailable()).toMatch(/FLASH_CHROMIUM=\/nowhere\/chromium/);
    process.env.FLASH_REQUIRE_BROWSER = '1';
    expect(browserUnavailable()).toBeUndefined();
    await expect(launchBrowser()).rejects.toThrow(/no chromium/);
  });
});
