/**
 * Builds the dashboard that `flash serve` serves at `/`: `dashboard/src` (Preact) bundled and minified by
 * esbuild into one page, `dist/dashboard/index.html`, with its script and stylesheet inline (and an empty
 * `assets/` for files the page may link). Everything is in the package: no CDN, no font, nothing fetched
 * at run time. `npm run build:dashboard`.
 */
import { build } from 'esbuild';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const source = join(root, 'dashboard', 'src');
const out = join(root, 'dist', 'dashboard');

/**
 * The page: the stylesheet and the scripts written into it, so the first page needs one answer from the
 * server before it asks for its data (`flash serve` allows exactly these inline blocks by their hashes).
 * `boot`, first in the head, asks for the first page's data while the browser reads the rest.
 */
const page = (css: string, boot: string, js: string): string => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>flash-ledger dashboard</title>
    <link rel="icon" href="data:," />
    <script>${boot}</script>
    <style>${css}</style>
  </head>
  <body>
    <div id="app"></div>
    <noscript>The flash-ledger dashboard needs JavaScript.</noscript>
    <script>${js}</script>
  </body>
</html>
`;

/** The one output file of an esbuild run that was not written out. */
const only = (result: { outputFiles?: { text: string }[] }): string => {
  const [file] = result.outputFiles ?? [];
  if (!file) throw new Error('esbuild produced no output');
  return file.text.trimEnd();
};

/** One script: `entry` and what it imports, minified, as a classic script (it runs as soon as it is read). */
async function script(entry: string): Promise<string> {
  return only(
    await build({
      entryPoints: [join(source, entry)],
      bundle: true,
      minify: true,
      write: false,
      format: 'iife',
      target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
      jsx: 'automatic',
      jsxImportSource: 'preact',
      legalComments: 'none',
      logLevel: 'warning',
      tsconfig: join(root, 'dashboard', 'tsconfig.json'),
    }),
  );
}

export async function buildDashboard(): Promise<string[]> {
  const [boot, js] = await Promise.all([script('boot.ts'), script('main.tsx')]);
  const css = only(
    await build({
      entryPoints: [join(source, 'app.css')],
      bundle: true,
      minify: true,
      write: false,
      logLevel: 'warning',
    }),
  );
  // written inside the page, neither may close its element early
  if ([boot, js].some((code) => /<\/script|<!--/i.test(code)) || /<\/style/i.test(css))
    throw new Error('the bundle holds </script>, <!-- or </style>: it cannot be written inline');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'assets'), { recursive: true });
  writeFileSync(join(out, 'index.html'), page(css, boot, js));
  const size = statSync(join(out, 'index.html')).size;
  return [
    `index.html ${size} B (scripts ${Buffer.byteLength(boot)} + ${Buffer.byteLength(js)} B, style ${Buffer.byteLength(css)} B)`,
  ];
}

if (require.main === module)
  buildDashboard().then(
    (files) => process.stdout.write(`dist/dashboard: ${files.join(', ')}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
