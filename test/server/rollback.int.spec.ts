import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCloud, type Cloud } from '../../emulator/cloud-app';
import { buildApp } from '../../src/build/build-app';
import { invoke } from '../../src/ledger/invoke';
import { silentProgress } from '../../src/ledger/progress';
import { startServer, type RunningServer } from '../../src/server/serve';
import { writeApp } from '../support/app-fixture';
import { deployBuild, ledgerFor, type LedgerHarness } from '../support/ledger-deploy';
import { tempDir } from '../support/ledger-processes';
import { callJson, type Answer } from '../support/serve-api';

jest.setTimeout(240_000);

const APP = 'rollbacks-served';
const WORKERS = (says: string): string => `import { Endpoint } from 'flash-ledger';
export const greet = Endpoint.queue({ name: 'greet', cpu: 'cpu3c-1-2', workers: [0, 1] }, async () => ({ says: '${says}' }));
`;

let home: string;
let cloud: Cloud;
let h: LedgerHarness | undefined;
let server: RunningServer;
const saved = {
  FLASH_HOME: process.env.FLASH_HOME,
  FLASH_LEDGER: process.env.FLASH_LEDGER,
  FLASH_CLOUD_URL: process.env.FLASH_CLOUD_URL,
};

const call = (path: string, token: string, method = 'GET', body?: unknown): Promise<Answer> =>
  callJson(server.url, path, token, method, body);

const rollbackPath = `/v1/environments/${APP}/main/rollback`;

/** What the greet endpoint says, through the door's invoke. */
async function says(): Promise<string | undefined> {
  const result = await invoke(
    { app: APP, environment: 'main', resource: 'greet', target: 'local', body: {}, method: 'POST', path: '' },
    silentProgress,
  );
  if (result.kind !== 'queue') return undefined;
  return (result.job as { output?: { says?: string } }).output?.says;
}

/** Waits until greet says `expected` (the rolled workers serve the new build), or 60 s. */
async function saysEventually(expected: string): Promise<string | undefined> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const said = await says().catch((error: unknown) => String(error));
    if (said === expected || Date.now() > deadline) return said;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Follows a deployment with `GET /v1/deployments/:id` until it ends (or 120 s); answers its status. */
async function statusAtEnd(id: string): Promise<string> {
  const deadline = Date.now() + 120_000;
  let status = '';
  while (Date.now() < deadline) {
    const detail = await call(`/v1/deployments/${id}`, server.tokens.read);
    expect(detail.status).toBe(200);
    status = String((detail.body.state as { status?: string } | undefined)?.status ?? '');
    if (status === 'succeeded' || status === 'failed') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return status;
}

async function historyLength(): Promise<number> {
  const answer = await call(`/v1/environments/${APP}/main/history`, server.tokens.read);
  return (answer.body.deployments as unknown[]).length;
}

let root = '';

beforeAll(async () => {
  home = tempDir('flash-serve-rollback-');
  process.env.FLASH_HOME = home;
  delete process.env.FLASH_LEDGER;
  cloud = await createCloud({ home: join(home, 'cloud'), takeWaitMs: 2_000 });
  const url = await cloud.listen(0);
  writeFileSync(join(home, 'cloud', 'cloud.pid'), String(process.pid));
  process.env.FLASH_CLOUD_URL = url;
  root = writeApp({ 'package.json': JSON.stringify({ name: APP }), 'workers.ts': WORKERS('one') });
  h = await ledgerFor(url, cloud.apiKey, { dir: home });
  const first = await deployBuild(h, await buildApp({ root }), { environment: 'main' });
  expect(first.state?.status).toBe('succeeded');
  writeFileSync(join(root, 'workers.ts'), WORKERS('two'));
  const second = await deployBuild(h, await buildApp({ root }), { environment: 'main' });
  expect(second.state?.status).toBe('succeeded');
  await h.close();
  h = undefined;
  server = await startServer({ port: 0, log: () => undefined });
  expect(await saysEventually('two')).toBe('two');
});

afterAll(async () => {
  await server?.close();
  await h?.close();
  await cloud?.close();
  for (const [name, value] of Object.entries(saved))
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

describe('POST /v1/environments/:app/:env/rollback', () => {
  it('answers 403 FORBIDDEN to a read token, recording nothing', async () => {
    const answer = await call(rollbackPath, server.tokens.read, 'POST', {});
    expect(answer.status).toBe(403);
    expect(answer.body.error?.code).toBe('FORBIDDEN');
    expect(await historyLength()).toBe(2);
  });

  it('refuses a version the environment never had with ROLLBACK_VERSION_UNKNOWN, and a bad body with 400', async () => {
    const unknown = await call(rollbackPath, server.tokens.write, 'POST', { to: 99 });
    expect([404, 409]).toContain(unknown.status);
    expect(unknown.body.error?.code).toBe('ROLLBACK_VERSION_UNKNOWN');
    const bad = await call(rollbackPath, server.tokens.write, 'POST', { to: 'v1', extra: true });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe('BAD_REQUEST');
    const target = await call(rollbackPath, server.tokens.write, 'POST', { target: 'aws' });
    expect(target.status).toBe(400);
    expect(await historyLength()).toBe(2);
  });

  it("rolls back in the background with 202 {deploymentId, to, target}; the endpoint then answers the earlier version's way", async () => {
    const answer = await call(rollbackPath, server.tokens.write, 'POST', {});
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({
      deploymentId: expect.stringMatching(/^[A-Za-z0-9-]+$/) as string,
      to: 1,
      target: 'local',
    });
    expect(await statusAtEnd(String(answer.body.deploymentId))).toBe('succeeded');
    expect(await saysEventually('one')).toBe('one');
    expect(await historyLength()).toBe(3);
  });

  it('rolls forward again to a named version', async () => {
    const answer = await call(rollbackPath, server.tokens.write, 'POST', { to: 2, target: 'local' });
    expect(answer).toMatchObject({ status: 202, body: { to: 2, target: 'local' } });
    expect(await statusAtEnd(String(answer.body.deploymentId))).toBe('succeeded');
    expect(await saysEventually('two')).toBe('two');
    expect(await historyLength()).toBe(4);
  });

  it('refreshes an environment with a write token: its endpoints in line, no drift, nothing recorded twice', async () => {
    const path = `/v1/environments/${APP}/main/refresh`;
    expect((await call(path, server.tokens.read, 'POST', {})).status).toBe(403);
    expect((await call(path, server.tokens.write, 'POST', { target: 'aws' })).status).toBe(400);
    const answer = await call(path, server.tokens.write, 'POST', {});
    expect(answer).toMatchObject({
      status: 200,
      body: { drifts: [], detected: [], resolved: [], policy: 'alert' },
    });
    expect(answer.body.inLine).toEqual(expect.arrayContaining([expect.any(String)]));
    const drift = await call(`/v1/environments/${APP}/main/drift`, server.tokens.read);
    expect(drift).toMatchObject({ status: 200, body: { target: 'local', policy: 'alert', drifts: [] } });
    expect((await call(`/v1/environments/${APP}/main/drift?target=aws`, server.tokens.read)).status).toBe(
      400,
    );
  });
});

describe('POST /v1/environments/:app/:env/deploy (an already-built artifact)', () => {
  const deployPath = `/v1/environments/${APP}/main/deploy`;

  it('refuses a relative folder (400) and a folder without a build (409 BUILD_NOT_FOUND), recording nothing', async () => {
    const before = await historyLength();
    expect((await call(deployPath, server.tokens.write, 'POST', { appDir: 'shop' })).status).toBe(400);
    const none = await call(deployPath, server.tokens.write, 'POST', { appDir: tempDir('no-build-') });
    expect(none).toMatchObject({ status: 409, body: { error: { code: 'BUILD_NOT_FOUND' } } });
    expect((await call(deployPath, server.tokens.read, 'POST', { appDir: root })).status).toBe(403);
    expect(await historyLength()).toBe(before);
  });

  it('deploys the latest build as it was built, without building', async () => {
    writeFileSync(join(root, 'workers.ts'), WORKERS('three'));
    await buildApp({ root });
    writeFileSync(join(root, 'workers.ts'), WORKERS('four')); // not built: the server never builds
    const answer = await call(deployPath, server.tokens.write, 'POST', { appDir: root });
    expect(answer).toMatchObject({ status: 202, body: { target: 'local' } });
    expect(await statusAtEnd(String(answer.body.deploymentId))).toBe('succeeded');
    expect(await saysEventually('three')).toBe('three');
    const again = await call(deployPath, server.tokens.write, 'POST', { appDir: root });
    expect(again).toMatchObject({ status: 202, body: { changes: 0 } });
  });
});
