/**
 * `npm run bench:dashboard`: the dashboard's first page over a ledger of 1,000 deployments. Seeds a fresh
 * FLASH_HOME, starts `flash serve` in process (`startServer({port: 0})`), and loads `/` cold (a new browser
 * context each time, the token put in sessionStorage before navigation, as after sign-in) BENCH_SAMPLES
 * times (default 21, at least 15) in the system's chromium: the time from navigation start to the first
 * row of the environments table. Prints one JSON object:
 * `{measured, deployments, samples, medianMs, p90Ms, minMs, maxMs, seedMs, firstFoldMs, targetMs: 200, pass}`.
 * When `/` does not serve the dashboard (404 or 503), it measures the API the page reads,
 * `GET /v1/environments`, instead, and `measured` says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/server/serve';
import { launchBrowser } from '../test/support/browser';
import { seedLedger } from './support/seed-ledger';

const DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 1000);
const SAMPLES = Math.max(15, Number(process.env.BENCH_SAMPLES ?? 21));
const TARGET_MS = 200;
/** Where the dashboard keeps its token (dashboard/src/api.ts TOKEN_KEY). */
const TOKEN_KEY = process.env.BENCH_TOKEN_KEY ?? 'flash-dashboard.token';
const FIRST_ROW = 'table[aria-label="Environments"] tbody tr';

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return (s[lo] ?? 0) + ((s[hi] ?? 0) - (s[lo] ?? 0)) * (rank - lo);
};
const round = (ms: number): number => Math.round(ms * 10) / 10;

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'flash-bench-dashboard-'));
  const saved = { FLASH_HOME: process.env.FLASH_HOME, FLASH_LEDGER: process.env.FLASH_LEDGER };
  process.env.FLASH_HOME = home;
  delete process.env.FLASH_LEDGER;
  const seedStart = performance.now();
  await seedLedger(join(home, 'ledger.db'), DEPLOYMENTS);
  const seedMs = performance.now() - seedStart;
  const server = await startServer({ port: 0, react: false, log: () => undefined });
  const auth = { authorization: `Bearer ${server.tokens.read}` };
  try {
    // the first read folds the ledger into the views; every later read finds them current
    const foldStart = performance.now();
    const first = await fetch(`${server.url}/v1/environments`, { headers: auth });
    const firstFoldMs = performance.now() - foldStart;
    const listed = ((await first.json()) as { environments?: unknown[] }).environments?.length ?? 0;
    if (first.status !== 200 || listed === 0)
      throw new Error(`GET /v1/environments answered ${first.status} with ${listed} environments`);

    const root = await fetch(`${server.url}/`);
    const html = (root.headers.get('content-type') ?? '').startsWith('text/html');
    await root.arrayBuffer();
    const samples: number[] = [];
    let measured: string;
    if (root.status === 200 && html) {
      measured = `dashboard / to the first row of ${FIRST_ROW}, cold browser context each time`;
      const browser = await launchBrowser();
      try {
        for (let n = 0; n < SAMPLES; n++) {
          const context = await browser.newContext();
          await context.addInitScript(
            ([key, token, selector]) => {
              // signed in: the token where the dashboard keeps it; and the page's own clock (0 at the
              // navigation's start) read when the first row is added
              const w = globalThis as unknown as {
                sessionStorage: { setItem(k: string, v: string): void };
                document: { querySelector(s: string): unknown; documentElement: unknown };
                MutationObserver: new (cb: () => void) => {
                  observe(n: unknown, o: object): void;
                  disconnect(): void;
                };
                __firstRowMs?: number;
              };
              w.sessionStorage.setItem(key, token);
              const observer = new w.MutationObserver(() => {
                if (w.__firstRowMs === undefined && w.document.querySelector(selector)) {
                  w.__firstRowMs = performance.now();
                  observer.disconnect();
                }
              });
              observer.observe(w.document, { childList: true, subtree: true });
            },
            [TOKEN_KEY, server.tokens.read, FIRST_ROW] as const,
          );
          const page = await context.newPage();
          await page.goto(`${server.url}/`, { waitUntil: 'commit' });
          await page.waitForSelector(FIRST_ROW, { state: 'visible', timeout: 30_000 });
          samples.push(
            await page.evaluate(
              () => (globalThis as unknown as { __firstRowMs?: number }).__firstRowMs ?? performance.now(),
            ),
          );
          await context.close();
        }
      } finally {
        await browser.close();
      }
    } else {
      measured = `API GET /v1/environments (no dashboard at /: ${root.status}${html ? '' : ', not HTML'})`;
      for (let n = 0; n < SAMPLES; n++) {
        const start = performance.now();
        const answer = await fetch(`${server.url}/v1/environments`, { headers: auth });
        await answer.json();
        samples.push(performance.now() - start);
      }
    }
    const medianMs = percentile(samples, 50);
    const p90Ms = percentile(samples, 90);
    console.log(
      JSON.stringify({
        measured,
        deployments: DEPLOYMENTS,
        environments: listed,
        samples: samples.length,
        medianMs: round(medianMs),
        p90Ms: round(p90Ms),
        minMs: round(Math.min(...samples)),
        maxMs: round(Math.max(...samples)),
        seedMs: Math.round(seedMs),
        firstFoldMs: Math.round(firstFoldMs),
        targetMs: TARGET_MS,
        pass: medianMs <= TARGET_MS,
      }),
    );
  } finally {
    await server.close();
    for (const [name, value] of Object.entries(saved))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    rmSync(home, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
