import { spawnSync } from 'node:child_process';
import type { EventStore } from '../../src/adapters/eventstore/eventstore.port';
import { auditTrail, type AuditEntry } from '../../src/ledger/audit-views';
import { readEvents } from '../../src/ledger/events';
import { addHookSource } from '../../src/ledger/hooks-config';
import { openHookStore, receiveHook, type HookDelivery } from '../../src/ledger/hooks';
import { auditQuery } from '../../src/ledger/serve-queries';
import { startServer, type RunningServer } from '../../src/server/serve';
import {
  GENERIC_SECRET,
  GITHUB_SECRET,
  JOB,
  NOW,
  RUNPOD_SECRET,
  genericDelivery,
  githubDelivery,
  runpodDelivery,
} from '../hooks/hook-fixtures';
import { succeededDeployment } from '../projections/facts';
import { record } from '../projections/support';
import { BIN } from '../support/cli-fixture';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(60_000);

const DEPLOYMENT = 'aaaa0001-0000-4000-8000-000000000000';
const LATER = 'aaaa0002-0000-4000-8000-000000000000';
const PUSH_SUMMARY = 'push to octo/shop@main (abcdef012345) by octocat';

let home: string;
let store: EventStore;
const saved = { FLASH_HOME: process.env.FLASH_HOME, FLASH_LEDGER: process.env.FLASH_LEDGER };

const receive = (d: HookDelivery) => receiveHook(store, d, { now: NOW });
const flash = (args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], {
    cwd: home,
    env: { ...process.env, FLASH_HOME: home, NO_COLOR: '1', COLUMNS: '200' },
    encoding: 'utf8',
    timeout: 60_000,
  });

beforeAll(async () => {
  home = tempDir('flash-audit-external-');
  process.env.FLASH_HOME = home;
  delete process.env.FLASH_LEDGER;
  addHookSource('github', GITHUB_SECRET);
  addHookSource('runpod', RUNPOD_SECRET);
  addHookSource('generic', GENERIC_SECRET);
  store = await openHookStore();
  // a deployment, the webhooks, then another deployment: the audit keeps ledger order
  await record(store, succeededDeployment(DEPLOYMENT, 'shop', 1, '2026-12-01T10:00:00.000Z'));
  expect((await receive(githubDelivery())).status).toBe(200);
  expect((await receive(runpodDelivery(JOB, { id: 'job-1' }))).status).toBe(200);
  expect(
    (await receive(runpodDelivery({ event: 'endpoint.deleted', endpointId: 'ep1' }, { id: 'ep-deleted-1' })))
      .status,
  ).toBe(200);
  expect((await receive(genericDelivery())).status).toBe(200);
  await record(store, succeededDeployment(LATER, 'shop', 2, '2026-12-01T11:00:00.000Z'));
});

afterAll(async () => {
  await store?.close();
  for (const [name, value] of Object.entries(saved))
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

const external = (entries: AuditEntry[]) => entries.filter((e) => e.stream.startsWith('external-'));

describe('external events in the audit trail and flash events', () => {
  it("puts each external event beside the deployments' own, in ledger order, with a summary, its actor and no deployment", async () => {
    const entries = await auditTrail();
    const positions = entries.map((e) => BigInt(e.position));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(positions).size).toBe(positions.length);
    expect(
      external(entries).map(({ stream, type, actor, deploymentId, summary }) => ({
        stream,
        type,
        actor,
        deploymentId,
        summary,
      })),
    ).toEqual([
      {
        stream: 'external-github',
        type: 'GithubPushReceived',
        actor: 'external:github',
        deploymentId: null,
        summary: PUSH_SUMMARY,
      },
      {
        stream: 'external-runpod',
        type: 'RunpodJobReported',
        actor: 'external:runpod',
        deploymentId: null,
        summary: `runpod job ${JOB.id} FAILED: CUDA out of memory`,
      },
      {
        stream: 'external-runpod',
        type: 'RunpodEndpointChanged',
        actor: 'external:runpod',
        deploymentId: null,
        summary: 'runpod endpoint ep1 deleted',
      },
      {
        stream: 'external-generic',
        type: 'GenericEventReceived',
        actor: 'external:generic',
        deploymentId: null,
        summary: 'generic event build.finished',
      },
    ]);
    // the whole ledger, nothing else added: every event is in the trail once
    const { events } = await readEvents(1n, 100_000);
    expect(entries.map((e) => e.eventId)).toEqual(events.map((e) => e.id));
    const first = entries.findIndex((e) => e.deploymentId === DEPLOYMENT);
    const push = entries.findIndex((e) => e.type === 'GithubPushReceived');
    const later = entries.findIndex((e) => e.deploymentId === LATER);
    expect(first).toBeLessThan(push);
    expect(push).toBeLessThan(later);
    expect((await auditTrail({ limit: 2 })).map((e) => e.deploymentId)).toEqual([LATER, LATER]);
  });

  it("leaves them out of one deployment's trail, and filters them by actor and type like the rest", async () => {
    const one = await auditTrail({ deploymentId: DEPLOYMENT });
    expect(one.length).toBeGreaterThan(0);
    expect(one.every((e) => e.deploymentId === DEPLOYMENT)).toBe(true);
    expect((await auditQuery({ actor: 'external:runpod' })).map((e) => e.summary)).toEqual([
      `runpod job ${JOB.id} FAILED: CUDA out of memory`,
      'runpod endpoint ep1 deleted',
    ]);
    expect((await auditQuery({ type: 'GenericEventReceived' })).map((e) => e.actor)).toEqual([
      'external:generic',
    ]);
  });

  it('readEvents answers them as recorded', async () => {
    const { events } = await readEvents(1n, 100_000);
    expect(events.filter((e) => e.stream.startsWith('external-')).map((e) => e.type)).toEqual([
      'GithubPushReceived',
      'RunpodJobReported',
      'RunpodEndpointChanged',
      'GenericEventReceived',
    ]);
  });

  it('GET /v1/audit on flash serve shows them', async () => {
    const server: RunningServer = await startServer({ port: 0, log: () => undefined });
    try {
      const res = await fetch(`${server.url}/v1/audit?actor=external:github`, {
        headers: { authorization: `Bearer ${server.tokens.read}` },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { entries: AuditEntry[] };
      expect(body.entries.map((e) => [e.type, e.summary, e.deploymentId])).toEqual([
        ['GithubPushReceived', PUSH_SUMMARY, null],
      ]);
    } finally {
      await server.close();
    }
  });

  it('flash audit (table and --json) and flash events show them with their summary; --deployment leaves them out', () => {
    const json = flash(['audit', '--json']);
    expect(json.status).toBe(0);
    const doc = JSON.parse(json.stdout) as { entries: AuditEntry[] };
    expect(external(doc.entries).map((e) => e.summary)).toContain(PUSH_SUMMARY);
    const table = flash(['audit', '--wide']);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('external:github');
    expect(table.stdout).toContain(PUSH_SUMMARY);
    const one = flash(['audit', '--deployment', DEPLOYMENT, '--json']);
    expect(one.status).toBe(0);
    expect(external((JSON.parse(one.stdout) as { entries: AuditEntry[] }).entries)).toEqual([]);
    const events = flash(['events', '--wide']);
    expect(events.status).toBe(0);
    expect(events.stdout).toContain(PUSH_SUMMARY);
    expect(events.stdout).toContain('runpod endpoint ep1 deleted');
    expect(events.stdout).toContain('generic event build.finished');
  });
});
