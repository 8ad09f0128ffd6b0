import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../support/cli-fixture';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(120_000);

describe('flash hooks add/list/remove/map/unmap', () => {
  const home = tempDir('flash-hooks-cli-');
  const appDir = join(tempDir('flash-hooks-app-'), 'shop');
  mkdirSync(appDir);
  writeFileSync(
    join(appDir, 'package.json'),
    JSON.stringify({ name: 'shop', dependencies: { 'flash-ledger': '*' } }),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, FLASH_HOME: home };
  delete env.FLASH_LEDGER;

  const flash = (args: string[], input?: string): SpawnSyncReturns<string> =>
    spawnSync(process.execPath, [BIN, ...args], {
      cwd: home,
      encoding: 'utf8',
      env,
      timeout: 60_000,
      ...(input === undefined ? { stdio: ['ignore', 'pipe', 'pipe'] } : { input }),
    });
  const json = (r: SpawnSyncReturns<string>): Record<string, unknown> =>
    JSON.parse(r.stdout) as Record<string, unknown>;
  const secretsFile = join(home, 'hooks', 'secrets.json');
  let githubSecret = '';

  it('adds github with a random secret printed once, in a 0600 file in a 0700 folder', () => {
    const r = flash(['hooks', 'add', 'github', '--json']);
    expect(r.status).toBe(0);
    const out = json(r);
    expect(out).toMatchObject({ ok: true, source: 'github', action: 'added', url: '/v1/hooks/github' });
    githubSecret = String(out.secret);
    expect(githubSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(String(out.where)).toContain('Webhooks');
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'hooks')).mode & 0o777).toBe(0o700);
    expect(readFileSync(secretsFile, 'utf8')).toContain(githubSecret);
  });

  it('adds runpod from stdin and prints the URL with ?token=', () => {
    const secret = 'piped-runpod-token-0123456789';
    const r = flash(
      ['hooks', 'add', 'runpod', '--secret-stdin', '--base-url', 'https://hooks.example.com/', '--json'],
      `${secret}\n`,
    );
    expect(r.status).toBe(0);
    expect(json(r)).toMatchObject({
      source: 'runpod',
      secret,
      url: `https://hooks.example.com/v1/hooks/runpod?token=${secret}`,
    });
    const short = flash(['hooks', 'add', 'generic', '--secret-stdin', '--json'], 'short\n');
    expect(short.status).toBe(1);
    expect(json(short)).toMatchObject({ ok: false, error: { code: 'HOOK_SECRET_INVALID' } });
  });

  it('lists sources with fingerprints and never a secret, in JSON and as a table', () => {
    const r = flash(['hooks', 'list', '--json']);
    expect(r.status).toBe(0);
    const out = json(r) as { sources: { source: string; fingerprint: string }[] };
    expect(out.sources.map((s) => s.source)).toEqual(['github', 'runpod']);
    expect(out.sources[0]?.fingerprint).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(r.stdout).not.toContain(githubSecret);
    expect(r.stdout).not.toContain('piped-runpod-token');
    const table = flash(['hooks', 'list']);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('github');
    expect(table.stdout + table.stderr).not.toContain(githubSecret);
  });

  it('maps and unmaps a repository branch to an app', () => {
    const r = flash([
      'hooks',
      'map',
      'octo/shop',
      'main',
      '--app-dir',
      appDir,
      '--env',
      'staging',
      '--target',
      'runpod',
      '--json',
    ]);
    expect(r.status).toBe(0);
    expect(json(r)).toMatchObject({
      ok: true,
      replaced: false,
      mapping: {
        repository: 'octo/shop',
        branch: 'main',
        app: 'shop',
        environment: 'staging',
        target: 'runpod',
        appDir,
      },
    });
    expect(statSync(join(home, 'hooks', 'map.json')).mode & 0o777).toBe(0o600);
    const again = flash([
      'hooks',
      'map',
      'octo/shop',
      'refs/heads/main',
      '--app-dir',
      appDir,
      '--app',
      'shop2',
      '--json',
    ]);
    expect(json(again)).toMatchObject({
      replaced: true,
      mapping: { app: 'shop2', environment: 'production', target: 'local' },
    });
    const listed = json(flash(['hooks', 'list', '--json'])) as { mappings: unknown[] };
    expect(listed.mappings).toHaveLength(1);

    const bad = flash(['hooks', 'map', 'not-a-repo', 'main', '--app-dir', appDir, '--json']);
    expect(bad.status).toBe(1);
    expect(json(bad)).toMatchObject({ error: { code: 'HOOK_MAPPING_INVALID' } });
    const badBranch = flash(['hooks', 'map', 'octo/shop', 'a..b', '--app-dir', appDir, '--json']);
    expect(json(badBranch)).toMatchObject({ error: { code: 'HOOK_MAPPING_INVALID' } });
    const noDir = flash(['hooks', 'map', 'octo/shop', 'dev', '--app-dir', join(home, 'nowhere'), '--json']);
    expect(json(noDir)).toMatchObject({ error: { code: 'HOOK_MAPPING_INVALID' } });

    const un = flash(['hooks', 'unmap', 'OCTO/shop', 'main', '--json']);
    expect(un.status).toBe(0);
    expect(json(un)).toMatchObject({ removed: { repository: 'octo/shop', branch: 'main' } });
    const gone = flash(['hooks', 'unmap', 'octo/shop', 'main', '--json']);
    expect(gone.status).toBe(1);
    expect(json(gone)).toMatchObject({ error: { code: 'HOOK_MAPPING_NOT_FOUND' } });
  });

  it('refuses an unknown source with HOOK_SOURCE_UNKNOWN, and removes a configured one', () => {
    const bad = flash(['hooks', 'add', 'gitlab', '--json']);
    expect([1, 2]).toContain(bad.status);
    expect(json(bad)).toMatchObject({ ok: false, error: { code: 'HOOK_SOURCE_UNKNOWN' } });
    const text = flash(['hooks', 'remove', 'gitlab']);
    expect([1, 2]).toContain(text.status);
    expect(text.stderr).toContain('HOOK_SOURCE_UNKNOWN');

    const removed = flash(['hooks', 'remove', 'github', '--json']);
    expect(removed.status).toBe(0);
    expect(removed.stdout).not.toContain(githubSecret);
    expect(readFileSync(secretsFile, 'utf8')).not.toContain(githubSecret);
    const twice = flash(['hooks', 'remove', 'github', '--json']);
    expect(json(twice)).toMatchObject({ error: { code: 'HOOK_NOT_CONFIGURED' } });
  });
});
