import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, type BuildResult } from '../../src/build/build-app';
import { createCloud, type Cloud } from '../../emulator/cloud-app';
import { copyFixtureApp } from '../support/app-fixture';
import { cloudHttp } from '../support/cloud-http';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud, type LocalDeployment } from '../support/local-deploy';

jest.setTimeout(120_000);

const http = cloudHttp;

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the local cloud, with real worker processes', () => {
  let home: string;
  let cloud: Cloud;
  let url: string;
  let build: BuildResult;
  let d: LocalDeployment;

  beforeAll(async () => {
    build = await buildApp({ root: copyFixtureApp('cloud_probe') });
    home = tempDir('flash-cloud-');
    cloud = await createCloud({ home, takeWaitMs: 2_000, lbWaitMs: 20_000 });
    url = await cloud.listen(0);
    d = await deployToCloud(url, cloud.apiKey, build);
  });
  afterAll(async () => {
    await cloud?.close();
    await d?.dispatcher.close();
  });

  it('provisions every endpoint of the artifact through the adapter, the key only to callers', async () => {
    expect(Object.keys(d.ids).sort()).toEqual(['api', 'caller', 'echo', 'failing', 'slow', 'writer']);
    expect(d.keyInjected).toEqual({
      api: true,
      caller: true,
      echo: false,
      failing: false,
      slow: false,
      writer: false,
    });
    const listed = await d.control.listEndpoints();
    expect(listed.map((e) => e.name).sort()).toEqual(['api', 'caller', 'echo', 'failing', 'slow', 'writer']);
    const manifest = await d.control.readManifest(d.environmentId);
    expect(
      (manifest?.manifest as { resources_endpoints: Record<string, string> }).resources_endpoints,
    ).toEqual(d.urls);
  });

  it('answers /runsync, /run and /status for a QB endpoint', async () => {
    const sync = await http('POST', `${d.urls.echo}/runsync`, cloud.apiKey, { input: { hello: 'world' } });
    expect(sync.status).toBe(200);
    expect(sync.json).toMatchObject({ status: 'COMPLETED', output: { echoed: { hello: 'world' } } });
    expect(sync.json.id).toMatch(/^sync-/);
    expect(typeof sync.json.workerId).toBe('string');
    const run = await http('POST', `${d.urls.echo}/run`, cloud.apiKey, { input: { n: 1 } });
    expect(run.json).toMatchObject({ status: 'IN_QUEUE' });
    const done = await until('the job to complete', async () => {
      const s = await http('GET', `${d.urls.echo}/status/${String(run.json.id)}`, cloud.apiKey);
      return s.json.status === 'COMPLETED' ? s.json : undefined;
    });
    expect(done).toMatchObject({ output: { echoed: { n: 1 } } });
    expect(typeof done.delayTime).toBe('number');
    expect(typeof done.executionTime).toBe('number');
    const health = await http('GET', `${d.urls.echo}/health`, cloud.apiKey);
    const metrics = await http('GET', `${d.urls.echo}/metrics`, cloud.apiKey);
    expect(metrics.json).toMatchObject({
      workers: { ready: expect.any(Number), unhealthy: 0 },
      readyWorkers: expect.any(Array),
    });
    expect((metrics.json.readyWorkers as string[]).length).toBeGreaterThanOrEqual(1);
    expect(health.json).toMatchObject({
      jobs: { completed: expect.any(Number), failed: 0, inQueue: 0 },
      workers: { throttled: 0 },
    });
  });

  it('reports a throwing handler as FAILED with its message, and keeps serving', async () => {
    const failed = await http('POST', `${d.urls.failing}/runsync`, cloud.apiKey, { input: { why: 'test' } });
    expect(failed.json).toMatchObject({
      status: 'FAILED',
      error: 'failing on purpose: test',
      output: { success: false, error_type: 'Error' },
    });
    expect(
      (await http('POST', `${d.urls.failing}/runsync`, cloud.apiKey, { input: { why: 'again' } })).json
        .status,
    ).toBe('FAILED');
  });

  it('serves LB routes through the gateway, which adds the worker id', async () => {
    const health = await http('GET', `${d.urls.api}/health`, cloud.apiKey);
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'healthy' });
    expect(typeof health.headers['x-runpod-worker-id']).toBe('string');
    const missing = await http('GET', `${d.urls.api}/nope`, cloud.apiKey);
    expect(missing.status).toBe(404);
  });

  it('makes LB→QB and QB→QB calls with the key, as JSON', async () => {
    const relay = await http('POST', `${d.urls.api}/relay`, cloud.apiKey, { text: 'hi' });
    expect(relay.status).toBe(200);
    expect(relay.json).toMatchObject({ relayed: { echoed: { text: 'hi' } } });
    const chain = await http('POST', `${d.urls.caller}/runsync`, cloud.apiKey, { input: { text: 'x' } });
    expect(chain.json).toMatchObject({
      status: 'COMPLETED',
      output: { via: 'caller', answer: { echoed: { from: 'caller', text: 'x' } } },
    });
    const remoteFailure = await http('POST', `${d.urls.api}/fail`, cloud.apiKey, {});
    expect(remoteFailure.status).toBe(500);
    expect(String(remoteFailure.json.error)).toContain('failing failed: failing on purpose: asked');
  });

  it('shares a network volume: a file one endpoint writes, another reads', async () => {
    const wrote = await http('POST', `${d.urls.writer}/runsync`, cloud.apiKey, {
      input: { file: 'a.txt', text: 'from the writer' },
    });
    expect(wrote.json).toMatchObject({ status: 'COMPLETED' });
    const read = await http('GET', `${d.urls.api}/notes/a.txt`, cloud.apiKey);
    expect(read.json).toEqual({ text: 'from the writer' });
  });

  it('refuses a wrong key, a wrong envelope, unknown ids, and an oversized payload', async () => {
    expect((await http('POST', `${d.urls.echo}/runsync`, 'wrong', { input: {} })).status).toBe(401);
    const envelope = await http('POST', `${d.urls.echo}/runsync`, cloud.apiKey, { text: 'no input key' });
    expect(envelope.status).toBe(400);
    expect(envelope.json).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect((await http('GET', `${url}/v2/nosuchendpoint/health`, cloud.apiKey)).status).toBe(404);
    expect((await http('GET', `${d.urls.echo}/status/no-such-job`, cloud.apiKey)).json).toMatchObject({
      error: { code: 'JOB_NOT_FOUND' },
    });
    const big = await http('POST', `${d.urls.echo}/run`, cloud.apiKey, {
      input: { blob: 'x'.repeat(11 * 1024 * 1024) },
    });
    expect(big.status).toBe(413);
    const badGraphql = await http('POST', `${url}/graphql`, cloud.apiKey, { query: '{ nope }' });
    expect(badGraphql.status).toBe(400);
    expect(JSON.stringify(badGraphql.json)).toContain('Cannot query field');
  });

  it('gives the job of a worker killed with -9 to another worker, never leaving it IN_PROGRESS', async () => {
    const run = await http('POST', `${d.urls.slow}/run`, cloud.apiKey, { input: { ms: 1500 } });
    const first = await until('a worker to take the job', async () => {
      const s = await http('GET', `${d.urls.slow}/status/${String(run.json.id)}`, cloud.apiKey);
      return s.json.status === 'IN_PROGRESS' ? String(s.json.workerId) : undefined;
    });
    const victim = cloud.supervisor.workersOf(d.ids.slow ?? '').find((w) => w.id === first);
    expect(victim?.child.pid).toBeDefined();
    execFileSync('kill', ['-9', String(victim?.child.pid)]);
    const done = await until('the job to finish on another worker', async () => {
      const s = await http('GET', `${d.urls.slow}/status/${String(run.json.id)}`, cloud.apiKey);
      return s.json.status === 'COMPLETED' || s.json.status === 'FAILED' ? s.json : undefined;
    });
    expect(done).toMatchObject({ status: 'COMPLETED', output: { slept: 1500 } });
    expect(done.workerId).not.toBe(first);
  });

  it('keeps per-worker logs', async () => {
    const logs = cloud.supervisor.logs(d.ids.echo ?? '');
    expect(logs).toContain('worker ready');
    expect(existsSync(join(home, 'logs', d.ids.echo ?? ''))).toBe(true);
    expect(readFileSync(join(home, 'api-key'), 'utf8').trim()).toBe(cloud.apiKey);
    expect(logs).not.toContain(cloud.apiKey);
  });
});
