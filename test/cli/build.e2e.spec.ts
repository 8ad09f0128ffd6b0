import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/ledger-processes';

const BIN = join(__dirname, '..', '..', 'bin', 'flash.js');

function flash(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('flash init and flash build', () => {
  it('init makes a starter app that builds as it is, with a summary table and the artifact size', () => {
    const cwd = tempDir();
    const init = flash(['init', 'my-app'], cwd);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('next: cd my-app && flash deploy');
    // the app depends on this package, so `npx flash` inside it is ours (a file: link from a checkout)
    const pkg = JSON.parse(readFileSync(join(cwd, 'my-app', 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies['flash-ledger']).toBe(`file:${join(__dirname, '..', '..')}`);
    const build = flash(['build', 'my-app'], cwd);
    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(
      /endpoint\s+type\s+compute\s+workers\s+serves\s+remote calls\s+dependencies/,
    );
    expect(build.stdout).toMatch(/api\s+LB\s+cpu cpu3c-1-2\s+1-3\s+2 route\(s\)\s+yes -> gpu_worker/);
    expect(build.stdout).toMatch(/gpu_worker\s+QB\s+gpu ADA_24\s+0-3\s+summarize\s+no/);
    expect(build.stdout).toMatch(/artifact\s+my-app\/\.flash\/artifact\.tar\.gz\s+[\d.]+ KiB/);
    expect(build.stderr).toContain('scanning 2 file(s)...');
    expect(existsSync(join(cwd, 'my-app', '.flash', 'build', 'flash_manifest.json'))).toBe(true);

    const again = flash(['build', 'my-app', '--json'], cwd);
    expect(again.code).toBe(0);
    const json = JSON.parse(again.stdout) as {
      ok: boolean;
      upToDate: boolean;
      resources: Record<string, { makes_remote_calls: boolean }>;
    };
    expect(json).toMatchObject({ ok: true, upToDate: true });
    expect(json.resources.api?.makes_remote_calls).toBe(true);
    expect(json.resources.gpu_worker?.makes_remote_calls).toBe(false);
  });

  it('init refuses a folder that already holds files', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'keep.txt'), 'mine');
    const { code, stderr } = flash(['init', '.'], cwd);
    expect(code).toBe(1);
    expect(stderr).toContain('INIT_DIR_NOT_EMPTY');
    expect(readFileSync(join(cwd, 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('a bad app exits 1 with one line per problem: file, line, what to fix', () => {
    const cwd = tempDir();
    flash(['init', 'app'], cwd);
    const file = join(cwd, 'app', 'gpu_worker.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("gpu: 'ADA_24'", "gpu: 'ADA_42'"));
    const { code, stderr } = flash(['build', 'app'], cwd);
    expect(code).toBe(1);
    expect(stderr).toContain('error BUILD_INVALID: the build stopped (.flash/ is as it was):');
    expect(stderr).toMatch(
      /gpu_worker\.ts:\d+:\d+: gpu_worker: gpu: unknown GPU "ADA_42" \(did you mean ADA_24\?\)/,
    );
    expect(existsSync(join(cwd, 'app', '.flash'))).toBe(false);
  });
});
