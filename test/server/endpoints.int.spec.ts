import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCloud, type Cloud } from '../../emulator/cloud-app';
import { buildApp } from '../../src/build/build-app';
import { startServer, type RunningServer } from '../../src/server/serve';
import { writeApp } from '../support/app-fixture';
import { deployBuild, ledgerFor } from '../support/ledger-deploy';
import { tempDir } from '../support/ledger-processes';
import { callJson, type Answer } from '../support/serve-api';

/** The Endpoints page's routes: health, logs and invoke of a deployed environment, on a real local cloud. */

jest.setTimeout(240_000);

const APP = 'endpoints-served';
const WORKERS = `import { Endpoint } from 'flash-ledger';
export const greet = Endpoint.queue({ name: 'greet', cpu: 'cpu3c-1-2', workers: [0, 1] }, async (input: { name?: string }) => ({ says: 'hello ' + (input.name ?? 'world') }));
export const api = Endpoint.loadBalanced({ name: 'api', cpu: 'cpu3c-1-2', workers: [0, 1] });
api.post('/echo', ({ body }) => ({ got: body }));
`;

let home: string;
let cloud: Cloud;
let server: RunningServer;
const saved = {
  FLASH_HOME: process.env.FLASH_HOME,
  FLASH_LEDGER: process.env.FLASH_LEDGER,
  FLASH_CLOUD_URL: process.env.FLASH_CLOUD_URL,
};

const call = (path: string, token: string, method = 'GET', body?: unknown): Promise<Answer> =>
  callJson(server.url, path, token, method, body);

const base = `/v1/environments/${APP}/main`;

beforeAll(async () => {
  home = tempDir('flash-serve-endpoints-');
  process.env.FLASH_HOME = home;
  delete process.env.FLASH_LEDGER;
  cloud = await createCloud({ home: join(home, 'cloud'), takeWaitMs: 2_000 });
  const url = await cloud.listen(0);
  writeFileSync(join(home, 'cloud', 'cloud.pid'), String(process.pid));
  process.env.FLASH_CLOUD_URL = url;
  const root = writeApp({ 'package.json': JSON.stringify({ name: APP }), 'workers.ts': WORKERS });
  const h = await ledgerFor(url, cloud.apiKey, { dir: home });
  try {
    const deployed = await deployBuild(h, await buildApp({ root }), { environment: 'main' });
    expect(deployed.state?.status).toBe('succeeded');
  } finally {
    await h.close();
  }
  server = await startServer({ port: 0, log: () => undefined });
});

afterAll(async () => {
  await server?.close();
  await cloud?.close();
  for (const [name, value] of Object.entries(saved))
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

describe('POST /v1/environments/:app/:env/invoke/:resource', () => {
  it('runs a job on a queue endpoint through /runsync: {kind: "queue", job}', async () => {
    const answer = await call(`${base}/invoke/greet`, server.tokens.write, 'POST', {
      input: { name: 'ledger' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      kind: 'queue',
      target: 'local',
      job: { status: 'COMPLETED', output: { says: 'hello ledger' } },
    });
  });

  it('calls a load-balanced endpoint\'s route: {kind: "route", answer: {status, body}}', async () => {
    const answer = await call(`${base}/invoke/api`, server.tokens.write, 'POST', {
      path: '/echo',
      method: 'POST',
      input: { n: 1 },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ kind: 'route', answer: { status: 200, body: { got: { n: 1 } } } });
  });

  it('answers 403 FORBIDDEN to a read token and 401 without one', async () => {
    const read = await call(`${base}/invoke/greet`, server.tokens.read, 'POST', { input: {} });
    expect(read.status).toBe(403);
    expect(read.body.error?.code).toBe('FORBIDDEN');
    const none = await call(`${base}/invoke/greet`, 'nope', 'POST', { input: {} });
    expect(none.status).toBe(401);
  });

  it('refuses an unknown resource with 404 RESOURCE_NOT_DEPLOYED, a bad body with 400, over 1 MiB with 413', async () => {
    const unknown = await call(`${base}/invoke/nope`, server.tokens.write, 'POST', { input: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe('RESOURCE_NOT_DEPLOYED');
    const nothing = await call(`/v1/environments/${APP}/never/invoke/greet`, server.tokens.write, 'POST', {});
    expect(nothing.status).toBe(404);
    expect(nothing.body.error?.code).toBe('NOTHING_DEPLOYED');
    for (const bad of [{ method: 'TRACE' }, { path: 'no-slash' }, { path: '/../x' }, { extra: 1 }]) {
      const answer = await call(`${base}/invoke/api`, server.tokens.write, 'POST', bad);
      expect([answer.status, answer.body.error?.code]).toEqual([400, 'BAD_REQUEST']);
    }
    const big = await call(`${base}/invoke/greet`, server.tokens.write, 'POST', {
      input: { blob: 'x'.repeat(1024 * 1024 + 10) },
    });
    expect(big.status).toBe(413);
    expect(big.body.error?.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('GET /v1/environments/:app/:env/health', () => {
  it("answers each resource's workers and jobs from the target", async () => {
    const answer = await call(`${base}/health`, server.tokens.read);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ app: APP, environment: 'main', target: 'local' });
    const resources = answer.body.resources as Record<
      string,
      { health?: { workers: Record<string, number>; jobs: Record<string, number> }; error?: string }
    >;
    expect(Object.keys(resources).sort()).toEqual(['api', 'greet']);
    const greet = resources.greet?.health;
    expect(greet).toBeDefined();
    expect(greet?.workers).toEqual(expect.objectContaining({}));
    expect(greet?.jobs.completed ?? 0).toBeGreaterThanOrEqual(1);
    const explicit = await call(`${base}/health?target=local`, server.tokens.read);
    expect(explicit.status).toBe(200);
  });

  it('answers 404 NOTHING_DEPLOYED for an environment without endpoints, 400 for a bad query', async () => {
    const nothing = await call(`/v1/environments/${APP}/never/health`, server.tokens.read);
    expect([nothing.status, nothing.body.error?.code]).toEqual([404, 'NOTHING_DEPLOYED']);
    const bad = await call(`${base}/health?target=aws`, server.tokens.read);
    expect([bad.status, bad.body.error?.code]).toEqual([400, 'BAD_REQUEST']);
  });
});

describe('GET /v1/environments/:app/:env/logs/:resource', () => {
  it('answers the log lines of the workers serving the resource, the last `lines` of each', async () => {
    const answer = await call(`${base}/logs/greet?since=10m&lines=200`, server.tokens.read);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ app: APP, environment: 'main', resource: 'greet' });
    const workers = answer.body.workers as { workerId: string; lines: string[] }[];
    expect(workers.length).toBeGreaterThanOrEqual(1);
    expect(workers.flatMap((w) => w.lines).join('\n')).toContain('worker ready');
    const one = await call(`${base}/logs/greet?lines=1`, server.tokens.read);
    for (const w of one.body.workers as { lines: string[] }[]) expect(w.lines.length).toBeLessThanOrEqual(1);
  });

  it('refuses an unknown resource with 404 RESOURCE_NOT_DEPLOYED and a bad age with 400', async () => {
    const unknown = await call(`${base}/logs/nope`, server.tokens.read);
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'RESOURCE_NOT_DEPLOYED']);
    const bad = await call(`${base}/logs/greet?since=yesterday`, server.tokens.read);
    expect([bad.status, bad.body.error?.code]).toEqual([400, 'BAD_REQUEST']);
    const none = await fetch(`${server.url}${base}/logs/greet`);
    expect(none.status).toBe(401);
  });
});
