/**
 * Builds the dashboard that `flash serve` serves at `/`: `dashboard/src` (Preact) bundled and minified by
 * esbuild into `dist/dashboard/` (index.html, assets/app.js, assets/app.css). Everything is in the
 * package: no CDN, no font, nothing fetched at run time. `npm run build:dashboard`.
 */
import { build } from 'esbuild';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const source = join(root, 'dashboard', 'src');
const out = join(root, 'dist', 'dashboard');

const INDEX = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>flash-ledger dashboard</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/assets/app.css" />
    <script type="module" src="/assets/app.js"></script>
  </head>
  <body>
    <div id="app"></div>
    <noscript>The flash-ledger dashboard needs JavaScript.</noscript>
  </body>
</html>
`;

export async function buildDashboard(): Promise<string[]> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'assets'), { recursive: true });
  await build({
    entryPoints: { app: join(source, 'main.tsx') },
    outdir: join(out, 'assets'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
    tsconfig: join(root, 'dashboard', 'tsconfig.json'),
  });
  await build({
    entryPoints: { app: join(source, 'app.css') },
    outdir: join(out, 'assets'),
    bundle: true,
    minify: true,
    logLevel: 'warning',
  });
  writeFileSync(join(out, 'index.html'), INDEX);
  return ['index.html', 'assets/app.js', 'assets/app.css'].map(
    (file) => `${file} ${statSync(join(out, file)).size} B`,
  );
}

if (require.main === module)
  buildDashboard().then(
    (files) => process.stdout.write(`dist/dashboard: ${files.join(', ')}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
