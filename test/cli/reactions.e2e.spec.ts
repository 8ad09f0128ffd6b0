import { spawn } from 'node:child_process';
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { addHookSource, mapHook } from '../../src/ledger/hooks-config';
import { openHookStore, receiveHook } from '../../src/ledger/hooks';
import { BIN, cliFixture } from '../support/cli-fixture';
import { crashAfter } from '../support/crash-after';
import { GITHUB_SECRET, PUSH, RUNPOD_SECRET, githubDelivery } from '../hooks/hook-fixtures';
import { freePort } from '../support/child-server';

jest.setTimeout(600_000);

const WORKERS = (says: string): string => `import { Endpoint } from 'flash-ledger';
export const greet = Endpoint.queue({ name: 'greet', cpu: 'cpu3c-1-2', workers: [0, 1] }, async () => ({ says: '${says}' }));
`;

interface HistoryRecord {
  deploymentId: string;
  status: string;
  requestedBy: string;
  gitCommit: string | null;
  trigger?: { kind: string; commit?: string };
}

describe('reactions to outside events', () => {
  const { home, app, env, flash, target, stop } = cliFixture('pushy', 33000);
  writeFileSync(join(app, 'workers.ts'), WORKERS('one'));
  unlinkSync(join(app, 'api.ts'));
  addHookSource('github', GITHUB_SECRET, home);
  addHookSource('runpod', RUNPOD_SECRET, home);
  mapHook(
    {
      repository: 'octo/shop',
      branch: 'main',
      app: 'pushy',
      environment: 'main',
      target: 'local',
      appDir: app,
    },
    home,
  );
  const history = (): HistoryRecord[] =>
    (JSON.parse(flash(['history', '--json']).stdout) as { deployments: HistoryRecord[] }).deployments;
  const says = (): unknown => JSON.parse(flash(['invoke', 'greet', '{}', '--env', 'main']).stdout || '{}');
  /** What greet says once the rolled worker serves the new build (an old one may finish its idle time first). */
  async function saysEventually(expected: string): Promise<unknown> {
    let said = says();
    for (let i = 0; i < 60 && JSON.stringify(said) !== JSON.stringify({ says: expected }); i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      said = says();
    }
    return said;
  }
  async function push(id: string, after: string): Promise<void> {
    const store = await openHookStore({ home });
    try {
      const answer = await receiveHook(store, githubDelivery({ ...PUSH, after }, { id }), { home });
      expect(answer.status).toBe(200);
    } finally {
      await store.close();
    }
  }

  /** The heal policy off again, so only the push reacts in a later test. */
  const policyOff = async (): Promise<number | null> => flash(['env', 'policy', 'main', 'alert']).status;

  afterAll(stop);

  it('deploys a push to a mapped branch once, even when the reacting process is killed mid-deploy', async () => {
    await push('delivery-1', PUSH.after);
    const crashed = flash(['react', '--json'], crashAfter('EndpointProvisioned'));
    expect(crashed.signal).toBe('SIGKILL');
    expect(history().map((d) => d.status)).toEqual(['in_progress']);

    const again = flash(['react', '--json']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('"outcome":"resumed"');
    expect(again.stdout).toContain('"status":"succeeded"');
    expect(JSON.parse(flash(['react', '--json']).stdout.trim().split('\n').pop() ?? '{}')).toEqual({
      ok: true,
      reactions: 0,
    });

    const [only, ...rest] = history();
    expect(rest).toEqual([]);
    expect(only).toMatchObject({
      status: 'succeeded',
      requestedBy: 'reactor:push-to-deploy',
      gitCommit: PUSH.after,
      trigger: { kind: 'push', commit: PUSH.after },
    });
    expect(says()).toEqual({ says: 'one' });

    // a redelivery of the same push records nothing and deploys nothing
    await push('delivery-1', PUSH.after);
    expect(flash(['react']).stdout).toContain('nothing to react to');
    expect(history()).toHaveLength(1);

    // the next push deploys the new code
    writeFileSync(join(app, 'workers.ts'), WORKERS('two'));
    await push('delivery-2', 'fedcba9876543210fedcba9876543210fedcba98');
    expect(flash(['react']).status).toBe(0);
    expect(history().map((d) => [d.status, d.trigger?.commit])).toEqual([
      ['succeeded', PUSH.after],
      ['succeeded', 'fedcba9876543210fedcba9876543210fedcba98'],
    ]);
    expect(await saysEventually('two')).toEqual({ says: 'two' });
  });

  it('heals an endpoint a runpod webhook reports deleted, and deploys a push, through flash serve', async () => {
    expect(flash(['env', 'policy', 'main', 'heal']).status).toBe(0);
    const port = await freePort();
    const serve = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--json'], {
      cwd: app,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => serve.on('exit', (code) => r(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        serve.stdout.on('data', (c: Buffer) => (c.toString().includes('"ok":true') ? resolve() : undefined));
        serve.on('exit', () => reject(new Error('flash serve exited before it started')));
      });
      const t = target();
      const greet = (await t.control.listEndpoints()).find((e) => e.name === 'greet')?.id ?? '';
      await t.control.deleteEndpoint(greet);
      await t.close();

      const answer = await request(`http://127.0.0.1:${port}/v1/hooks/runpod?token=${RUNPOD_SECRET}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-flash-delivery': 'endpoint-deleted-1' },
        body: JSON.stringify({ event: 'endpoint.deleted', endpointId: greet }),
      });
      expect(answer.statusCode).toBe(200);
      await answer.body.dump();

      const deadline = Date.now() + 180_000;
      let healed: HistoryRecord | undefined;
      while (Date.now() < deadline) {
        healed = history().find((d) => d.trigger?.kind === 'heal' && d.status === 'succeeded');
        if (healed) break;
        await new Promise((r) => setTimeout(r, 1_000));
      }
      expect(healed).toMatchObject({ requestedBy: 'reactor:drift' });
      expect(await saysEventually('two')).toEqual({ says: 'two' });
      expect(flash(['audit']).stdout).toContain('found by webhook');

      // a push delivered over HTTP deploys the mapped environment from the server's own reactor
      writeFileSync(join(app, 'workers.ts'), WORKERS('three')); // (a push of code already deployed changes nothing)
      const pushed = githubDelivery(
        { ...PUSH, after: 'c0ffee0123456789c0ffee0123456789c0ffee01' },
        { id: 'delivery-3' },
      );
      const viaHttp = await request(`http://127.0.0.1:${port}/v1/hooks/github`, {
        method: 'POST',
        headers: pushed.headers as Record<string, string>,
        body: pushed.body,
      });
      expect(viaHttp.statusCode).toBe(200);
      await viaHttp.body.dump();
      let deployed: HistoryRecord | undefined;
      while (Date.now() < deadline && !deployed) {
        deployed = history().find((d) => d.trigger?.commit === 'c0ffee0123456789c0ffee0123456789c0ffee01');
        if (deployed?.status !== 'succeeded') deployed = undefined;
        if (!deployed) await new Promise((r) => setTimeout(r, 1_000));
      }
      expect(deployed).toMatchObject({ requestedBy: 'reactor:push-to-deploy' });
      expect(await saysEventually('three')).toEqual({ says: 'three' });
    } finally {
      serve.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('a flash serve killed between recording a push and finishing its deployment resumes it once on restart', async () => {
    await expect(policyOff()).resolves.toBe(0);
    writeFileSync(join(app, 'workers.ts'), WORKERS('four'));
    const commit = '4444444444444444444444444444444444444444';
    const before = history().length;
    const port = await freePort();
    const serveWith = (extra: NodeJS.ProcessEnv) =>
      spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--json'], {
        cwd: app,
        env: { ...env, ...extra },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const started = (child: ReturnType<typeof serveWith>): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (c: Buffer) => (c.toString().includes('"ok":true') ? resolve() : undefined));
        child.on('exit', () => reject(new Error('flash serve exited before it started')));
      });
    // the first server dies (SIGKILL) right after it records an endpoint of the push's deployment
    const doomed = serveWith(crashAfter('EndpointProvisioned'));
    const died = new Promise<NodeJS.Signals | null>((r) => doomed.on('exit', (_code, signal) => r(signal)));
    await started(doomed);
    const pushed = githubDelivery({ ...PUSH, after: commit }, { id: 'delivery-4' });
    const answer = await request(`http://127.0.0.1:${port}/v1/hooks/github`, {
      method: 'POST',
      headers: pushed.headers as Record<string, string>,
      body: pushed.body,
    });
    expect(answer.statusCode).toBe(200);
    await answer.body.dump();
    expect(await died).toBe('SIGKILL');
    expect(
      history()
        .filter((d) => d.trigger?.commit === commit)
        .map((d) => d.status),
    ).toEqual(['in_progress']);

    const revived = serveWith({});
    const exited = new Promise<number | null>((r) => revived.on('exit', (code) => r(code)));
    try {
      await started(revived);
      const deadline = Date.now() + 180_000;
      let mine = history().filter((d) => d.trigger?.commit === commit);
      while (Date.now() < deadline && mine[0]?.status !== 'succeeded') {
        await new Promise((r) => setTimeout(r, 1_000));
        mine = history().filter((d) => d.trigger?.commit === commit);
      }
      expect(mine.map((d) => d.status)).toEqual(['succeeded']); // resumed, not asked again
      expect(history()).toHaveLength(before + 1);
      expect(await saysEventually('four')).toEqual({ says: 'four' });
    } finally {
      revived.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('runs the reactors in one process at a time: flash react is told which, and flash serve waits for the lease', async () => {
    const lock = join(home, 'reactor.lock');
    const holder = (): number | undefined => {
      try {
        return (JSON.parse(readFileSync(lock, 'utf8')) as { pid: number }).pid;
      } catch {
        return undefined;
      }
    };
    const waitFor = async (ok: () => boolean, what: string, ms = 30_000): Promise<void> => {
      const deadline = Date.now() + ms;
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const serveOn = async (port: number) => {
      const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--json'], {
        cwd: app,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => (c.toString().includes('"ok":true') ? resolve() : undefined));
        child.on('exit', () => reject(new Error(`flash serve exited before it started: ${stderr}`)));
      });
      return { child, exited, stderr: () => stderr };
    };

    // flash serve runs them: flash react is refused, naming it
    const serve = await serveOn(await freePort());
    try {
      await waitFor(() => holder() === serve.child.pid, "flash serve's lease");
      const refused = flash(['react', '--json']);
      expect(refused.status).toBe(1);
      expect(JSON.parse(refused.stdout.trim().split('\n').pop() ?? '{}')).toMatchObject({
        ok: false,
        error: { code: 'REACTOR_RUNNING', message: expect.stringContaining(`process ${serve.child.pid}`) },
      });
      // flash refresh under heal records the drift and leaves the heal to the server's reactors
      expect(flash(['env', 'policy', 'main', 'heal']).status).toBe(0);
      const healsBefore = history().filter((d) => d.trigger?.kind === 'heal').length;
      const t = target();
      try {
        const greet = (await t.control.listEndpoints()).find((e) => e.name === 'greet')?.id ?? '';
        await t.control.deleteEndpoint(greet);
      } finally {
        await t.close();
      }
      const refreshed = flash(['refresh', '--env', 'main']);
      expect(refreshed.status).toBe(0);
      expect(refreshed.stdout + refreshed.stderr).toContain('the reactors running elsewhere heal it');
      await waitFor(
        () =>
          history()
            .filter((d) => d.trigger?.kind === 'heal')
            .slice(healsBefore)
            .some((d) => d.status === 'succeeded'),
        "the server's heal",
        180_000,
      );
      await expect(policyOff()).resolves.toBe(0);
    } finally {
      if (serve.child.exitCode === null) serve.child.kill('SIGTERM');
    }
    expect(await serve.exited).toBe(0);
    expect(existsSync(lock)).toBe(false); // given back on the way out

    // flash react --follow runs them: a server started then waits, and takes over once it stops
    const follower = spawn(process.execPath, [BIN, 'react', '--follow', '--json'], {
      cwd: app,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const followerExited = new Promise<number | null>((r) => follower.on('exit', (code) => r(code)));
    await waitFor(() => holder() === follower.pid, "flash react's lease");
    const second = await serveOn(await freePort());
    try {
      await waitFor(
        () => second.stderr().includes(`react: waiting: the reactors already run in process ${follower.pid}`),
        'the server saying it waits',
      );
      follower.kill('SIGTERM');
      expect(await followerExited).toBe(0);
      await waitFor(() => second.stderr().includes('react: running the reactors'), 'the server taking over');
      expect(holder()).toBe(second.child.pid);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});
