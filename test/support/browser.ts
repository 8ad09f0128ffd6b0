import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * The browser tests' harness: the system's chromium driven by playwright-core (no browser download),
 * console and page errors collected, axe-core's accessibility check and screenshots under
 * test-results/dashboard/. `.ci/run` installs chromium with apt and sets FLASH_REQUIRE_BROWSER=1.
 */

const ROOT = join(__dirname, '..', '..');
/** Where `screenshot` saves (git-ignored). */
export const SCREENSHOTS = join(ROOT, 'test-results', 'dashboard');

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && executable(candidate)) return candidate;
  }
  return undefined;
}

/** FLASH_CHROMIUM, else /usr/bin/chromium, else `chromium` or `chromium-browser` on PATH; undefined when none. */
export function chromiumPath(): string | undefined {
  const given = process.env.FLASH_CHROMIUM;
  if (given) return executable(given) ? given : undefined;
  if (executable('/usr/bin/chromium')) return '/usr/bin/chromium';
  return onPath('chromium') ?? onPath('chromium-browser');
}

/**
 * Why the browser tests cannot run here, or undefined when they can: a chromium that answers `--version`.
 * Checked when a test file loads, so a skip names its reason in the test's title. With
 * FLASH_REQUIRE_BROWSER=1 (CI) nothing is skipped: a machine without a browser fails them.
 */
export function browserUnavailable(): string | undefined {
  if (process.env.FLASH_REQUIRE_BROWSER === '1') return undefined;
  const path = chromiumPath();
  if (!path)
    return process.env.FLASH_CHROMIUM
      ? `FLASH_CHROMIUM=${process.env.FLASH_CHROMIUM} is not an executable`
      : 'no chromium here (apt-get install chromium, or set FLASH_CHROMIUM)';
  const version = spawnSync(path, ['--version'], { stdio: 'ignore', timeout: 20_000 });
  if (version.status !== 0) return `${path} --version failed`;
  return undefined;
}

/** Headless chromium (the system's), `--no-sandbox` when running as root. Fails when there is none. */
export async function launchBrowser(): Promise<Browser> {
  const path = chromiumPath();
  if (!path)
    throw new Error(
      'no chromium to launch: apt-get install chromium, or set FLASH_CHROMIUM to its executable',
    );
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return chromium.launch({
    executablePath: path,
    headless: true,
    args: [...(root ? ['--no-sandbox'] : []), '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

export interface ConsoleWatch {
  /** Console errors and uncaught page errors seen so far, in order. */
  readonly errors: string[];
  /** Fails (throws) when any was seen, naming them. */
  assertNone(): void;
}

/** Collects the page's console errors and uncaught errors from now on; assert none at the end of a test. */
export function watchConsole(page: Page): ConsoleWatch {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return {
    errors,
    assertNone() {
      if (errors.length > 0)
        throw new Error(`the page reported ${errors.length} error(s):\n${errors.join('\n')}`);
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  /** The CSS targets of the offending nodes. */
  targets: string[];
}

let axeSource: string | undefined;

/** Runs axe-core on the page as it is now; answers its serious and critical violations (none is a pass). */
export async function checkAccessibility(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            context: unknown,
            options: unknown,
          ): Promise<{
            violations: {
              id: string;
              impact?: string | null;
              help: string;
              helpUrl: string;
              nodes: { target: unknown[] }[];
            }[];
          }>;
        };
      }
    ).axe;
    const page = (globalThis as unknown as { document: unknown }).document;
    const result = await axe.run(page, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => n.target.map(String).join(' ')),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Saves a full-page PNG to test-results/dashboard/<name>.png; answers its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  if (!/^[A-Za-z0-9._-]+$/.test(name))
    throw new Error(`a screenshot name of letters, digits, ".", "_" and "-": ${name}`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
