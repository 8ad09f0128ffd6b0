import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { writeApp } from '../support/app-fixture';
import { tempDir } from '../support/ledger-processes';
import { crashAfter } from '../support/crash-after';

jest.setTimeout(600_000);
const BIN = join(__dirname, '..', '..', 'bin', 'flash.js');

const WORKER = `import { Endpoint } from 'flash-ledger';
export const echo = Endpoint.queue({ name: 'echo', cpu: 'cpu3c-1-2', workers: [0, 1] }, async (input: { text: string }) => ({ echoed: input.text }));
`;
const API = `import { Endpoint } from 'flash-ledger';
import { echo } from './worker';
export const api = Endpoint.loadBalanced({ name: 'api', cpu: 'cpu3c-1-2', workers: [0, 1] });
api.post('/relay', async ({ body }) => ({ relayed: await echo(body as { text: string }) }));
`;

interface Run {
  status: number | null;
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

describe('deploys that are safe to run', () => {
  const home = tempDir('flash-home-');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLASH_HOME: home,
    FLASH_CLOUD_URL: `http://127.0.0.1:${21000 + Math.floor(Math.random() * 2000)}`,
    FLASH_CLOUD_FAULTS: '1',
    NO_COLOR: '1',
  };
  delete env.RUNPOD_API_KEY;
  delete env.FLASH_LEDGER;
  const app = writeApp({
    'package.json': JSON.stringify({ name: 'safe', devDependencies: { 'flash-ledger': '*' } }),
    'worker.ts': WORKER,
    'api.ts': API,
  });
  const flash = (args: string[], extra: NodeJS.ProcessEnv = {}, cwd = app): Run => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...env, ...extra },
      timeout: 180_000,
    });
    return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  };
  /**
   * Runs the CLI on a 120-column pseudo-terminal (util-linux `script`), typing `answer` once `prompt`
   * shows. stdout holds everything the terminal showed; stdin stays open until the CLI exits.
   */
  const onTerminal = (args: string[], prompt?: string, answer?: string): Promise<Run> => {
    const cli = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qec', `stty cols 120 rows 40; ${cli}`, '/dev/null'], { cwd: app, env });
    let out = '';
    let answered = false;
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (prompt && answer !== undefined && !answered && out.includes(prompt)) {
        answered = true;
        // as typed: once the prompt is up, ended by the Enter key (a carriage return)
        setTimeout(() => child.stdin.write(answer), 200);
      }
    });
    return new Promise((resolve) =>
      child.on('exit', (status) => resolve({ status, stdout: out, stderr: '' })),
    );
  };
  const json = (run: Run): Record<string, unknown> => JSON.parse(run.stdout) as Record<string, unknown>;
  async function faults(body: Record<string, number>): Promise<void> {
    const res = await request(`${env.FLASH_CLOUD_URL ?? ''}/admin/faults`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${readFileSync(join(home, 'cloud', 'api-key'), 'utf8').trim()}`,
      },
      body: JSON.stringify(body),
    });
    await res.body.dump();
  }
  const deploymentsOf = (environment: string): { status: string; version: number | null }[] =>
    (
      json(flash(['history', '--env', environment, '--json'])) as {
        deployments: { status: string; version: number | null }[];
      }
    ).deployments;

  afterAll(() => {
    spawnSync(process.execPath, [BIN, 'cloud', 'stop'], { env, encoding: 'utf8', timeout: 60_000 });
  });

  it('refuses an app name the platform rejects before anything is built, started or recorded', () => {
    const scratch = join(tempDir('flash-names-'), '_scratch');
    mkdirSync(scratch);
    writeFileSync(join(scratch, 'worker.ts'), WORKER);
    const r = flash(['deploy'], {}, scratch);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error INVALID_APP_NAME: app name "_scratch" is not valid');
    expect(r.stderr).toContain('pass --app <name>');
    expect(existsSync(join(scratch, '.flash'))).toBe(false);
    expect(existsSync(join(home, 'ledger.db'))).toBe(false);
    expect(existsSync(join(home, 'cloud', 'cloud.pid'))).toBe(false);
    const badEnv = flash(['deploy', '--env', '-x', '--app', 'scratch'], {}, scratch);
    expect(badEnv.status).toBe(2);
    expect(badEnv.stderr).toContain('environment name "-x" is not valid');
  });

  it('says "no changes" and records nothing when nothing changed; --force records a new version', () => {
    const first = flash(['deploy', '--env', 'calm', '--json']);
    expect(first.status).toBe(0);
    expect(json(first)).toMatchObject({ ok: true, version: 1 });
    const again = flash(['deploy', '--env', 'calm']);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(
      /^no changes: safe\/calm is at v1 \(deployment [0-9a-f-]{36}\); nothing recorded/,
    );
    expect(deploymentsOf('calm')).toHaveLength(1);
    const forced = flash(['deploy', '--env', 'calm', '--force', '--json']);
    expect(forced.status).toBe(0);
    expect(json(forced)).toMatchObject({ ok: true, version: 2 });
    expect(deploymentsOf('calm').map((d) => d.version)).toEqual([1, 2]);
  });

  it('stops cleanly on Ctrl-C, frees the environment, says what is left and how to resume', async () => {
    await faults({ failStateManagerWrites: 1000 });
    let stderr = '';
    const child = spawn(process.execPath, [BIN, 'deploy', '--env', 'ctrlc'], {
      cwd: app,
      env: { ...env, FLASH_PUBLISH_BACKOFF_MS: '1500' },
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const deadline = Date.now() + 120_000;
    while (!stderr.includes('publish attempt 1 failed') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    await faults({});
    const id = /deployment ([0-9a-f-]{36}) stopped/.exec(stderr)?.[1] ?? '';
    expect(id).not.toBe('');
    expect(stderr).toContain('error DEPLOYMENT_INTERRUPTED:');
    expect(stderr).toContain('publish the manifest');
    expect(stderr).toContain(`flash deploy --resume ${id}`);
    const audit = flash(['audit', '--deployment', id.slice(0, 8), '--json']);
    const types = (json(audit) as { entries: { type: string; summary: string }[] }).entries.map(
      (e) => e.type,
    );
    expect(types.slice(-2)).toEqual(['DeploymentFailed', 'EnvironmentReleased']);
    // the environment is free: the resume (by prefix) takes it and finishes the deployment
    const resumed = flash(['deploy', '--resume', id.slice(0, 8), '--json']);
    expect(resumed.status).toBe(0);
    expect(json(resumed)).toMatchObject({ ok: true, deploymentId: id, status: 'succeeded' });
  });

  it('waits for a held environment with --lock-timeout, and gives up with ENVIRONMENT_LOCKED after it', async () => {
    const crashed = flash(['deploy', '--env', 'held'], crashAfter('BuildActivated'));
    expect(crashed.signal).toBe('SIGKILL');
    const started = Date.now();
    const gaveUp = flash(['deploy', '--env', 'held', '--lock-timeout', '2', '--json']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(gaveUp.status).toBe(1);
    expect(json(gaveUp)).toMatchObject({ ok: false, error: { code: 'ENVIRONMENT_LOCKED' } });
    expect(flash(['deploy', '--env', 'held', '--resume']).status).toBe(0);

    await faults({ delayStateManagerWritesMs: 15_000 });
    try {
      const slow = spawn(process.execPath, [BIN, 'deploy', '--env', 'held', '--force'], { cwd: app, env });
      let err = '';
      slow.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const slowExit = new Promise<number | null>((r) => slow.on('exit', (code) => r(code)));
      const deadline = Date.now() + 60_000;
      while (!err.includes('manifest finalized') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const waited = flash(['deploy', '--env', 'held', '--force', '--lock-timeout', '60']);
      expect(waited.status).toBe(0);
      expect(waited.stderr).toContain('waiting up to 60 s for safe/held');
      expect(await slowExit).toBe(0);
    } finally {
      await faults({});
    }
    // the crashed one (resumed), the one that gave up, the slow one, the one that waited for it
    expect(deploymentsOf('held').map((d) => d.status)).toEqual([
      'succeeded',
      'rejected',
      'succeeded',
      'succeeded',
    ]);
  });

  it('builds two deploys of one folder at once without either seeing the other’s artifact', async () => {
    const run = (environment: string): Promise<number | null> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [BIN, 'deploy', '--env', environment, '--force'], {
          cwd: app,
          env,
          stdio: 'ignore',
        });
        child.on('exit', (code) => resolve(code));
      });
    writeFileSync(join(app, 'worker.ts'), `${WORKER}// touched\n`);
    expect(await Promise.all([run('twin-a'), run('twin-b')])).toEqual([0, 0]);
  });

  it('asks before undeploying on a terminal, and needs --yes elsewhere', async () => {
    const refused = flash(['undeploy', '--env', 'calm']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('error CONFIRMATION_REQUIRED');
    expect(refused.stderr).toContain('--yes');
    expect(flash(['status', '--env', 'calm']).status).toBe(0); // still deployed
    const no = await onTerminal(['undeploy', '--env', 'calm'], '[y/N]', 'n\r');
    expect(no.stdout).toMatch(/delete 2 endpoint\(s\) of safe\/calm on local \(api, echo\)\? \[y\/N\]/);
    expect(no.stdout).toContain('nothing deleted');
    expect(flash(['status', '--env', 'calm']).status).toBe(0);
    const yes = await onTerminal(['undeploy', '--env', 'calm'], '[y/N]', 'y\r');
    expect(yes.stdout).toContain('undeployed safe from calm: removed 2 endpoint(s)');
    expect(flash(['status', '--env', 'calm']).status).toBe(1);
    const scripted = flash(['undeploy', '--env', 'ctrlc', '--yes', '--json']);
    expect(scripted.status).toBe(0);
    expect(json(scripted)).toMatchObject({ ok: true, removed: ['api', 'echo'] });
  });

  it('shows a spinner with elapsed time on a terminal and plain step lines elsewhere', async () => {
    const tty = await onTerminal(['build', '--force']);
    expect(tty.status).toBe(0);
    expect(tty.stdout.length).toBeLessThan(100_000); // redrawn in place, not scrolled
    expect(/✔\S* type-checking \S*\(\d+\.\d s\)/.test(tty.stdout)).toBe(true);
    const plain = flash(['build', '--force']);
    expect(plain.stderr).toContain('  type-checking...');
    expect(plain.stderr).not.toContain('\u001b[');
  });
});
