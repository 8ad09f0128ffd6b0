import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createCloud, type Cloud } from '../../emulator/cloud-app';
import { buildApp, type BuildResult } from '../../src/build/build-app';
import { deploymentRequest } from '../../src/ledger/request';
import { startServer, type RunningServer } from '../../src/server/serve';
import { copyFixtureApp } from '../support/app-fixture';
import { deployBuild, ledgerFor, type LedgerHarness } from '../support/ledger-deploy';
import { tempDir } from '../support/ledger-processes';
import { callJson, type Answer } from '../support/serve-api';

jest.setTimeout(120_000);

let home: string;
let cloud: Cloud;
let h: LedgerHarness;
let server: RunningServer;
let build: BuildResult;
let deploymentId: string;
const logged: string[] = [];
const saved = {
  FLASH_HOME: process.env.FLASH_HOME,
  FLASH_LEDGER: process.env.FLASH_LEDGER,
  FLASH_CLOUD_URL: process.env.FLASH_CLOUD_URL,
};

const call = (path: string, token?: string, method = 'GET'): Promise<Answer> =>
  callJson(server.url, path, token, method);

const read = (path: string): Promise<Answer> => call(path, server.tokens.read);

/** Records a new deployment of the app to `environment` through the door and stops it: real events, no cloud work. */
async function recordInterruptedDeployment(environment: string): Promise<string> {
  const request = await deploymentRequest({
    app: build.manifest.project_name,
    environment,
    target: h.target,
    manifest: build.manifest,
    artifact: { path: build.artifactPath, bytes: build.artifactBytes },
    previous: {},
    who: { requestedBy: 'user:serve-test', host: hostname(), gitCommit: null },
    at: h.ledger.now(),
  });
  const outcome = await h.ledger.request(request);
  expect(outcome.ok).toBe(true);
  await h.ledger.interrupt(request.deploymentId, 'user:serve-test');
  return request.deploymentId;
}

const lastPosition = async (): Promise<bigint> => {
  const events = await h.store.readAll({ limit: 100_000 });
  return events[events.length - 1]?.position ?? 0n;
};

interface SseMessage {
  id: string;
  event: string;
  data: { position: string; stream: string; type: string; recordedAt: string };
}

/**
 * Reads Server-Sent Events from the stream until `enough` says so (or 20 s pass), then disconnects.
 * Answers the messages and the comments seen.
 */
async function readStream(
  headers: Record<string, string>,
  query: string,
  enough: (messages: SseMessage[]) => boolean,
): Promise<{ messages: SseMessage[]; status: number; type: string | null }> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), 20_000);
  const res = await fetch(`${server.url}/v1/events/stream${query}`, {
    headers: { authorization: `Bearer ${server.tokens.read}`, ...headers },
    signal: stop.signal,
  });
  const messages: SseMessage[] = [];
  let buffer = '';
  try {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    while (!enough(messages)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(
          block
            .split('\n')
            .filter((line) => line !== '' && !line.startsWith(':'))
            .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
        );
        if (fields.data === undefined) continue;
        messages.push({
          id: String(fields.id),
          event: String(fields.event),
          data: JSON.parse(String(fields.data)) as SseMessage['data'],
        });
        if (enough(messages)) break;
      }
    }
  } finally {
    clearTimeout(timer);
    stop.abort();
  }
  return { messages, status: res.status, type: res.headers.get('content-type') };
}

beforeAll(async () => {
  home = tempDir('flash-serve-');
  process.env.FLASH_HOME = home;
  delete process.env.FLASH_LEDGER;
  build = await buildApp({ root: copyFixtureApp('cloud_probe') });
  // the local cloud where `flash cloud start` keeps it ($FLASH_HOME/cloud), so the door's resume finds it
  cloud = await createCloud({ home: join(home, 'cloud'), takeWaitMs: 2_000 });
  const url = await cloud.listen(0);
  writeFileSync(join(home, 'cloud', 'cloud.pid'), String(process.pid));
  process.env.FLASH_CLOUD_URL = url;
  h = await ledgerFor(url, cloud.apiKey, { dir: home });
  const deployed = await deployBuild(h, build, { environment: 'dev' });
  expect(deployed.state?.status).toBe('succeeded');
  deploymentId = deployed.deploymentId;
  server = await startServer({ port: 0, log: (line) => logged.push(line) });
});

afterAll(async () => {
  await server?.close();
  await h?.close();
  await cloud?.close();
  for (const [name, value] of Object.entries(saved))
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

describe('flash serve: auth', () => {
  it('answers /health without a token, on loopback', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await call('/health')).toEqual({ status: 200, body: { ok: true } });
  });

  it('answers 401 UNAUTHORIZED without a token, with a wrong one, and with a malformed header', async () => {
    for (const token of [
      undefined,
      'fls_read_wrong',
      `${server.tokens.read}x`,
      server.tokens.read.slice(0, -1),
    ]) {
      const answer = await call('/v1/environments', token);
      expect(answer.status).toBe(401);
      expect(answer.body.error?.code).toBe('UNAUTHORIZED');
    }
    const res = await fetch(`${server.url}/v1/inventory`, {
      headers: { authorization: server.tokens.write },
    });
    expect(res.status).toBe(401);
    const sse = await fetch(`${server.url}/v1/events/stream`);
    expect(sse.status).toBe(401);
    expect(((await sse.json()) as Answer['body']).error?.code).toBe('UNAUTHORIZED');
  });

  it('answers 403 FORBIDDEN to a read token on resume, and lets a write token read', async () => {
    const answer = await call(`/v1/deployments/${deploymentId}/resume`, server.tokens.read, 'POST');
    expect(answer.status).toBe(403);
    expect(answer.body.error?.code).toBe('FORBIDDEN');
    expect((await call('/v1/inventory', server.tokens.write)).status).toBe(200);
  });

  it('refuses to resume a deployment that succeeded (409) and one that does not exist (404), with the write token', async () => {
    const done = await call(`/v1/deployments/${deploymentId}/resume`, server.tokens.write, 'POST');
    expect(done.status).toBe(409);
    expect(done.body.error?.code).toBe('DEPLOYMENT_SUCCEEDED');
    const missing = await call('/v1/deployments/ffffffff-0000/resume', server.tokens.write, 'POST');
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe('DEPLOYMENT_NOT_FOUND');
  });
});

describe('flash serve: queries', () => {
  const app = (): string => build.manifest.project_name;
  const resources = (): string[] => Object.keys(build.manifest.resources).sort();

  it('GET /v1/environments lists the environment with its version, status and endpoints', async () => {
    const { status, body } = await read('/v1/environments');
    expect(status).toBe(200);
    expect(body.environments).toEqual([
      expect.objectContaining({
        app: app(),
        environment: 'dev',
        version: 1,
        status: 'succeeded',
        endpointCount: resources().length,
        lastDeployment: expect.objectContaining({ deploymentId }),
        drift: { policy: 'alert', drifts: [] },
      }),
    ]);
  });

  it('GET /v1/environments/:app/:env/history lists its deployments', async () => {
    const { status, body } = await read(`/v1/environments/${app()}/dev/history`);
    expect(status).toBe(200);
    expect(body.deployments).toEqual([
      expect.objectContaining({ deploymentId, status: 'succeeded', version: 1 }),
    ]);
    const none = await read(`/v1/environments/${app()}/nowhere/history`);
    expect(none.status).toBe(404);
    expect(none.body.error?.code).toBe('ENVIRONMENT_NOT_FOUND');
  });

  it('GET /v1/environments/:app/:env/endpoints answers resources_endpoints and the inventory', async () => {
    const { status, body } = await read(`/v1/environments/${app()}/dev/endpoints`);
    expect(status).toBe(200);
    const urls = body.resources_endpoints as Record<string, string>;
    const endpoints = body.endpoints as Record<
      string,
      { endpointId: string; configHash: string; url?: string }
    >;
    expect(Object.keys(urls).sort()).toEqual(resources());
    expect(Object.keys(endpoints).sort()).toEqual(resources());
    for (const [name, e] of Object.entries(endpoints)) {
      expect(e.endpointId).toEqual(expect.any(String));
      expect(e.configHash).toEqual(expect.any(String));
      expect(e.url).toBe(urls[name]);
    }
    const none = await read(`/v1/environments/${app()}/nowhere/endpoints`);
    expect(none.status).toBe(404);
    expect(none.body.error?.code).toBe('NOTHING_DEPLOYED');
    // ?target= names where: the same local endpoints, nothing on RunPod, and no other target
    expect((await read(`/v1/environments/${app()}/dev/endpoints?target=local`)).body).toEqual(body);
    const runpod = await read(`/v1/environments/${app()}/dev/endpoints?target=runpod`);
    expect([runpod.status, runpod.body.error?.code]).toEqual([404, 'NOTHING_DEPLOYED']);
    const other = await read(`/v1/environments/${app()}/dev/endpoints?target=aws`);
    expect([other.status, other.body.error?.code]).toEqual([400, 'BAD_REQUEST']);
  });

  it('GET /v1/deployments/:id answers the state and events, by id or unique prefix', async () => {
    for (const id of [deploymentId, deploymentId.slice(0, 8)]) {
      const { status, body } = await read(`/v1/deployments/${id}`);
      expect(status).toBe(200);
      expect(body.deploymentId).toBe(deploymentId);
      expect(body.state).toMatchObject({ status: 'succeeded', request: { deploymentId } });
      const events = body.events as { type: string; position: string; stream: string }[];
      expect(events[0]?.type).toBe('DeploymentRequested');
      expect(events[events.length - 1]?.type).toBe('DeploymentSucceeded');
      expect(events.every((e) => /^\d+$/.test(e.position) && e.stream === `deployment-${deploymentId}`)).toBe(
        true,
      );
    }
  });

  it('answers an unknown deployment 404 DEPLOYMENT_NOT_FOUND, a short one 400', async () => {
    const missing = await read('/v1/deployments/0000aaaa-bbbb');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual({ code: 'DEPLOYMENT_NOT_FOUND', message: expect.any(String) });
    const short = await read('/v1/deployments/ab');
    expect(short.status).toBe(400);
    expect(short.body.error?.code).toBe('DEPLOYMENT_ID_TOO_SHORT');
    const odd = await read('/v1/deployments/%27%3B%20drop');
    expect(odd.status).toBe(400);
    expect(odd.body.error?.code).toBe('BAD_REQUEST');
  });

  it('GET /v1/deployments/:id/replay?until=N folds the first N events', async () => {
    const { status, body } = await read(`/v1/deployments/${deploymentId}/replay?until=2`);
    expect(status).toBe(200);
    const steps = body.steps as { n: number; type: string; state: { status: string } }[];
    expect(steps.map((s) => s.n)).toEqual([1, 2]);
    expect(steps[0]).toMatchObject({ type: 'DeploymentRequested', state: { status: 'active' } });
    const all = await read(`/v1/deployments/${deploymentId}/replay`);
    expect((all.body.steps as unknown[]).length).toBeGreaterThan(2);
  });

  it('GET /v1/audit filters by actor, type, time and limit', async () => {
    const all = (await read('/v1/audit')).body.entries as { actor: string; type: string; at: string }[];
    expect(all.length).toBeGreaterThan(5);
    const mine = (await read('/v1/audit?actor=user:test')).body.entries as typeof all;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.actor === 'user:test')).toBe(true);
    const requested = (await read('/v1/audit?type=DeploymentRequested')).body.entries as typeof all;
    expect(requested.map((e) => e.type)).toEqual(['DeploymentRequested']);
    expect(((await read('/v1/audit?limit=3')).body.entries as unknown[]).length).toBe(3);
    const future = (await read('/v1/audit?since=2999-01-01T00:00:00Z')).body.entries as unknown[];
    expect(future).toEqual([]);
    const until = (await read(`/v1/audit?until=${encodeURIComponent(all[0]!.at)}`)).body
      .entries as typeof all;
    expect(until.length).toBeGreaterThan(0);
    expect(until.every((e) => e.at <= all[0]!.at)).toBe(true);
  });

  it('answers a bad query 400 BAD_REQUEST, and keeps serving', async () => {
    for (const query of [
      '/v1/audit?limit=abc',
      '/v1/audit?limit=0',
      '/v1/audit?since=yesterday',
      '/v1/audit?since=2030-01-01T00:00:00Z&until=2020-01-01T00:00:00Z',
      '/v1/audit?colour=red',
      '/v1/audit?limit=1&limit=2',
      `/v1/deployments/${deploymentId}/replay?until=-1`,
      '/v1/events/stream?from=0',
      '/v1/events/stream?from=x',
    ]) {
      const answer = await read(query);
      expect([query, answer.status, answer.body.error?.code]).toEqual([query, 400, 'BAD_REQUEST']);
    }
    const badId = await fetch(`${server.url}/v1/events/stream`, {
      headers: { authorization: `Bearer ${server.tokens.read}`, 'last-event-id': 'nope' },
    });
    expect(badId.status).toBe(400);
    const unknown = await read('/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe('ROUTE_NOT_FOUND');
    expect((await call('/health')).status).toBe(200);
  });

  it('GET /v1/inventory answers what is deployed where', async () => {
    const { status, body } = await read('/v1/inventory');
    expect(status).toBe(200);
    const environments = body.environments as Record<string, Record<string, { endpointId: string }>>;
    expect(Object.keys(environments[`${app()}.dev`] ?? {}).sort()).toEqual(resources());
  });
});

describe('flash serve: the live event stream', () => {
  it('resumes with Last-Event-ID after appends made while disconnected: no gap, no duplicate', async () => {
    const before = await lastPosition();
    expect(before).toBeGreaterThan(6n);
    // first connection: the first 5 events of the ledger, then gone
    const first = await readStream({}, '?from=1', (m) => m.length >= 5);
    expect(first.status).toBe(200);
    expect(first.type).toMatch(/^text\/event-stream/);
    expect(first.messages.map((m) => m.id)).toEqual(['1', '2', '3', '4', '5']);
    for (const m of first.messages) {
      expect(m.data.position).toBe(m.id);
      expect(m.event).toBe(m.data.type);
      expect(m.data).toEqual(
        expect.objectContaining({
          stream: expect.any(String),
          recordedAt: expect.any(String),
          metadata: expect.any(Object),
        }),
      );
    }

    // while nobody listens, another deployment is recorded (and interrupted) through the door
    await recordInterruptedDeployment('staging');
    const after = await lastPosition();
    expect(after).toBeGreaterThan(before);

    // the client comes back with the last id it saw (and a `from` that Last-Event-ID overrides)
    const lastSeen = first.messages[first.messages.length - 1]!.id;
    const second = await readStream({ 'last-event-id': lastSeen }, '?from=1', (m) =>
      m.some((x) => BigInt(x.id) >= after),
    );
    const union = [...first.messages, ...second.messages].map((m) => BigInt(m.id));
    const expected = Array.from({ length: Number(after) }, (_, i) => BigInt(i + 1));
    expect(union).toEqual(expected);
    expect(second.messages.some((m) => m.event === 'DeploymentFailed')).toBe(true);
  });

  it('follows appends made while connected, from a position', async () => {
    const from = (await lastPosition()) + 1n;
    const live = readStream({}, `?from=${from}`, (m) => m.some((x) => x.event === 'DeploymentFailed'));
    // give the stream a moment to open, then append
    await new Promise((resolve) => setTimeout(resolve, 200));
    await recordInterruptedDeployment('qa');
    const { messages } = await live;
    expect(messages[0]?.id).toBe(String(from));
    const ids = messages.map((m) => BigInt(m.id));
    expect(ids).toEqual(ids.map((_, i) => from + BigInt(i)));
  });

  it('ends its subscriptions when clients disconnect', async () => {
    await readStream({}, '?from=1', (m) => m.length >= 1);
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && server.openStreams() > 0) await new Promise((r) => setTimeout(r, 50));
    expect(server.openStreams()).toBe(0);
  });
});

describe('flash serve: its own server', () => {
  it('sends a heartbeat comment on an idle stream, and refuses a port in use', async () => {
    const other = await startServer({ port: 0, heartbeatMs: 50, log: () => undefined });
    try {
      const from = (await lastPosition()) + 1000n; // nothing there: only comments come
      const res = await fetch(`${other.url}/v1/events/stream?from=${from}`, {
        headers: { authorization: `Bearer ${other.tokens.read}` },
      });
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes(': heartbeat\n\n')) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      await expect(startServer({ port: other.port, log: () => undefined })).rejects.toMatchObject({
        code: 'PORT_IN_USE',
      });
    } finally {
      await other.close();
    }
  });
});

describe('flash serve: resume', () => {
  it('answers 202 with the deployment id, and the door finishes the deployment in the background', async () => {
    const id = await recordInterruptedDeployment('resumed');
    expect((await read(`/v1/deployments/${id}`)).body.state).toMatchObject({ status: 'failed' });
    const answer = await call(`/v1/deployments/${id.slice(0, 8)}/resume`, server.tokens.write, 'POST');
    expect(answer).toEqual({ status: 202, body: { deploymentId: id, target: 'local', status: 'resuming' } });
    let status = 'active';
    const deadline = Date.now() + 60_000;
    while (status === 'active' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = ((await read(`/v1/deployments/${id}`)).body.state as { status: string }).status;
    }
    expect(status).toBe('succeeded');
    const history = await read(`/v1/environments/${build.manifest.project_name}/resumed/history`);
    expect(history.body.deployments).toEqual([
      expect.objectContaining({ deploymentId: id, status: 'succeeded' }),
    ]);
  });
});

describe('flash serve: the environments answer', () => {
  it('GET /v1/environments answers from memory until the ledger grows, then shows what is new', async () => {
    const before = await read('/v1/environments');
    expect(await read('/v1/environments')).toEqual(before);
    const id = await recordInterruptedDeployment('summary-check');
    const after = await read('/v1/environments');
    expect(after.body.environments).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          environment: 'summary-check',
          lastDeployment: expect.objectContaining({ deploymentId: id, status: 'failed' }),
        }),
      ]),
    );
    expect(after.body.environments).toHaveLength((before.body.environments as unknown[]).length + 1);
  });
});
