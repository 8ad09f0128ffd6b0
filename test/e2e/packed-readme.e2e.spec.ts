import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { containerTestsUnavailable } from '../support/container-tests';
import { tempDir } from '../support/ledger-processes';

const unavailable = containerTestsUnavailable();

jest.setTimeout(1_200_000);
const ROOT = join(__dirname, '..', '..');

/** The first `sh` block after a README heading: the commands a user copies. */
function readmeBlock(heading: string): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`\n## ${heading}\n`));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error(`README.md has no sh block under "## ${heading}"`);
  return block.split('\n').filter((line) => line.trim() !== '');
}

/** The README's `sh` block that holds `line`. */
function readmeBlockWith(line: string): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const [, block] of readme.matchAll(/```sh\n([\s\S]*?)```/g))
    if (block?.includes(line)) return block.split('\n').filter((l) => l.trim() !== '');
  throw new Error(`README.md has no sh block with ${line}`);
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  const r = spawnSync(command, args, { ...options, encoding: 'utf8', timeout: 900_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/**
 * The README's Deploy section, verbatim, in a fresh folder, with the package as a user gets it: packed
 * from this checkout (dist/ is what `npm ci` built) and installed globally into a temporary prefix.
 * The install resolves the package's dependencies as any install does (from npm's cache where it can).
 */
describe('the packed package, installed globally, runs the README Deploy section verbatim', () => {
  const work = tempDir('flash-packed-');
  const prefix = join(work, 'prefix');
  const home = join(work, 'flash-home');
  const fresh = join(work, 'fresh');
  mkdirSync(fresh);
  const port = 23000 + Math.floor(Math.random() * 2000);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NPM_CONFIG_PREFIX: prefix,
    PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
    FLASH_HOME: home,
    FLASH_CLOUD_URL: `http://127.0.0.1:${port}`,
    NO_COLOR: '1',
  };
  delete env.RUNPOD_API_KEY;
  delete env.FLASH_LEDGER;
  delete env.TSX_TSCONFIG_PATH;

  afterAll(() => {
    if (existsSync(join(prefix, 'bin', 'flash'))) run('flash', ['cloud', 'stop'], { cwd: fresh, env });
    rmSync(work, { recursive: true, force: true });
  });

  it('packs, installs, and deploys, invokes and undeploys the starter app as the README says', () => {
    const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, env });
    expect(pack.status).toBe(0);
    const tarball = readdirSync(work).find((f) => /^flash-ledger-.*\.tgz$/.test(f));
    expect(tarball).toBeDefined();

    // the README's install line, with the tarball packed above
    const install = readmeBlock('Install').find((l) => l.startsWith('npm install -g'));
    expect(install).toBeDefined();
    const args = (install ?? '').split('#')[0]?.trim().split(/\s+/).slice(1) ?? [];
    const installed = run(
      'npm',
      [...args.slice(0, -1), join(work, tarball ?? ''), '--prefer-offline', '--no-audit', '--no-fund'],
      { cwd: work, env },
    );
    expect({ status: installed.status, out: installed.status === 0 ? '' : installed.out }).toEqual({
      status: 0,
      out: '',
    });
    const pkg = join(prefix, 'lib', 'node_modules', 'flash-ledger');
    expect(existsSync(join(pkg, 'dist', 'src', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(pkg, 'src'))).toBe(false); // compiled JavaScript only
    expect(existsSync(join(pkg, 'node_modules', 'tsx'))).toBe(false); // no TypeScript loader at run time
    expect(existsSync(join(pkg, 'LICENSE'))).toBe(true);
    const version = run('flash', ['--version'], { cwd: fresh, env });
    expect(version.out.trim()).toBe(
      (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    );

    const lines = readmeBlock('Deploy');
    expect(lines[0]).toBe('flash init my-app && cd my-app');
    writeFileSync(join(work, 'deploy.sh'), ['set -euo pipefail', ...lines].join('\n'));
    const deployed = run('bash', [join(work, 'deploy.sh')], { cwd: fresh, env });
    expect({ status: deployed.status, out: deployed.status === 0 ? '' : deployed.out }).toEqual({
      status: 0,
      out: '',
    });
    expect(deployed.out).toMatch(/deployed my-app to production \(version 1, deployment [0-9a-f-]{36}\)/);
    expect(deployed.out).toContain('"word_count": 2');
    expect(deployed.out).toContain('plan for my-app in production: no changes');
    expect(deployed.out).toContain('undeployed my-app from production: removed 2 endpoint(s)');
    expect(deployed.out).toContain('stopped the local cloud and its workers');
    // the app depends on the installed package's version, so `npx flash` inside it is this tool
    const app = JSON.parse(readFileSync(join(fresh, 'my-app', 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(app.devDependencies['flash-ledger']).toMatch(/^\^\d+\.\d+\.\d+/);
    expect(
      run('npx', ['--offline', 'flash', '--version'], { cwd: join(fresh, 'my-app'), env }).out.trim(),
    ).toBe(version.out.trim());
  });

  (unavailable ? it.skip : it)(
    `builds the worker image and runs the starter app in containers, as the README says${unavailable ? ` (skipped: ${unavailable})` : ''}`,
    () => {
      expect(existsSync(join(prefix, 'bin', 'flash'))).toBe(true); // installed by the test above
      const lines = readmeBlockWith('flash cloud start --runtime container');
      const script = [
        'set -euo pipefail',
        'flash init contained && cd contained',
        ...lines,
        'flash deploy',
        `flash invoke api '{"text":"hello world"}' --path /summarize`,
        'flash undeploy --yes',
        'flash cloud stop',
      ];
      writeFileSync(join(work, 'containers.sh'), script.join('\n'));
      const ran = run('bash', [join(work, 'containers.sh')], { cwd: fresh, env });
      expect({ status: ran.status, out: ran.status === 0 ? '' : ran.out }).toEqual({ status: 0, out: '' });
      expect(ran.out).toMatch(/size {2}\d+\.\d MB/); // flash image build says how big the image is
      expect(ran.out).toContain('workers as containers');
      expect(ran.out).toContain('"word_count": 2');
    },
  );
});
