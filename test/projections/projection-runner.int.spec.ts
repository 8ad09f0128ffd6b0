import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/adapters/eventstore/sqlite/sqlite-event-store';
import {
  ALL_PROJECTIONS,
  AUDIT_LOG,
  auditLogProjection,
  DEPLOYMENT_HISTORY,
  deploymentHistoryProjection,
  ENDPOINT_INVENTORY,
  endpointInventoryProjection,
  RESOURCES_ENDPOINTS,
  resourcesEndpointsProjection,
} from '../../src/projections';
import { ProjectionRunner } from '../../src/adapters/views/projection-runner';
import { tempDir } from '../support/ledger-processes';
import { ALICE, at, BOB, KEY_FP, urlOf } from './facts';
import { firstDay, secondDay } from './shop-scenario';
import { record } from './support';

const NOON = '2026-03-01T12:00:00.000Z';

function setUp(): {
  store: SqliteEventStore;
  file: string;
  ids: { prod: string; staging: string; prodAgain: string };
} {
  const dir = tempDir();
  return {
    store: new SqliteEventStore(join(dir, 'ledger.db'), { now: () => new Date(NOON) }),
    file: join(dir, 'views.db'),
    ids: { prod: randomUUID(), staging: randomUUID(), prodAgain: randomUUID() },
  };
}

describe('ProjectionRunner on the embedded ledger', () => {
  it('keeps all four views from a real ledger, incrementally, equal to a rebuild, across a reopen', async () => {
    const { store, file, ids } = setUp();
    await record(store, firstDay(ids));
    await store.append(
      'external-github',
      [{ type: 'WebhookReceived', data: { ref: 'main' }, metadata: { actor: 'webhook:github' } }],
      { expectedRevision: 'any' },
    );
    let runner = new ProjectionRunner(store, file, ALL_PROJECTIONS, { pageSize: 5 });
    try {
      await runner.catchUp();
      const afterFirst = (await store.readAll({ limit: 10_000 })).length;
      for (const p of ALL_PROJECTIONS) expect(runner.position(p.name)).toBe(BigInt(afterFirst));

      expect(runner.view(resourcesEndpointsProjection).environments).toEqual({
        'shop.prod': {
          api: urlOf('api', 'ep-api'),
          worker: urlOf('worker', 'ep-worker'),
          cache: urlOf('cache', 'ep-cache'),
        },
      });
      const history = runner.view(deploymentHistoryProjection);
      expect(history.order).toEqual([ids.prod, ids.staging]);
      expect(history.deployments[ids.prod]).toMatchObject({
        status: 'succeeded',
        version: 3,
        requestedBy: ALICE,
        gitCommit: '4e1f0c2a9b7d',
        durationMs: 4 * 60_000,
        actions: { created: 1, updated: 1, unchanged: 1, removed: 1 },
      });
      expect(history.deployments[ids.staging]).toMatchObject({
        status: 'failed',
        failure: { code: 'PROVISIONING_FAILED', failedResources: ['worker'] },
      });
      const audit = runner.view(auditLogProjection).entries;
      expect(audit).toHaveLength(firstDay(ids).length);
      expect(audit.map((e) => e.type)).not.toContain('WebhookReceived');
      expect(audit[0]).toMatchObject({ position: '1', at: NOON, actor: ALICE, correlationId: ids.prod });
      const inventory = runner.view(endpointInventoryProjection).environments;
      expect(Object.keys(inventory['shop.prod'] ?? {}).sort()).toEqual(['api', 'cache', 'worker']);
      expect(inventory['shop.staging']).toEqual({
        api: {
          endpointId: 'ep-api-stg',
          configHash: 'cfg-api',
          keyFingerprint: KEY_FP,
          url: urlOf('api', 'ep-api-stg'),
          deploymentId: ids.staging,
          updatedAt: at('11:01'),
        },
      });

      await record(store, secondDay(ids));
      await runner.catchUp();

      expect(runner.view(resourcesEndpointsProjection).environments).toEqual({
        'shop.prod': { api: urlOf('api', 'ep-api'), worker: urlOf('worker', 'ep-worker') },
        'shop.staging': { api: urlOf('api', 'ep-api-stg'), worker: urlOf('worker', 'ep-worker-stg') },
      });
      const later = runner.view(deploymentHistoryProjection);
      expect(later.order).toEqual([ids.prod, ids.staging, ids.prodAgain]);
      expect(later.deployments[ids.staging]).toMatchObject({
        status: 'succeeded',
        resumedBy: BOB,
        resumedAt: at('11:10'),
        durationMs: 14 * 60_000,
        failure: null,
        actions: { created: 2, updated: 0, unchanged: 0, removed: 0 },
      });
      expect(later.deployments[ids.prodAgain]).toMatchObject({
        status: 'succeeded',
        version: 4,
        actions: { created: 0, updated: 0, unchanged: 2, removed: 1 },
      });
      expect(runner.view(auditLogProjection).entries).toHaveLength(
        firstDay(ids).length + secondDay(ids).length,
      );
      const inventoryLater = runner.view(endpointInventoryProjection).environments;
      expect(Object.keys(inventoryLater['shop.prod'] ?? {}).sort()).toEqual(['api', 'worker']);
      expect(inventoryLater['shop.staging']?.worker?.url).toBe(urlOf('worker', 'ep-worker-stg'));

      const incremental = ALL_PROJECTIONS.map((p) => runner.view(p.name));
      const position = runner.position(AUDIT_LOG);
      const report = await runner.rebuild();
      expect(report).toEqual([
        { name: RESOURCES_ENDPOINTS, events: expect.any(Number), equal: true },
        { name: DEPLOYMENT_HISTORY, events: expect.any(Number), equal: true },
        { name: AUDIT_LOG, events: firstDay(ids).length + secondDay(ids).length, equal: true },
        { name: ENDPOINT_INVENTORY, events: expect.any(Number), equal: true },
      ]);
      expect(ALL_PROJECTIONS.map((p) => runner.view(p.name))).toEqual(incremental);

      runner.close();
      runner = new ProjectionRunner(store, file, ALL_PROJECTIONS);
      expect(ALL_PROJECTIONS.map((p) => runner.view(p.name))).toEqual(incremental);
      for (const p of ALL_PROJECTIONS) expect(runner.position(p.name)).toBe(position);
    } finally {
      runner.close();
      await store.close();
    }
  });

  it('reports a stored view that drifted from the ledger and stores the rebuilt one', async () => {
    const { store, file, ids } = setUp();
    await record(store, firstDay(ids));
    const runner = new ProjectionRunner(store, file, ALL_PROJECTIONS);
    try {
      await runner.catchUp();
      const truth = runner.view(endpointInventoryProjection);
      runner.close();
      const db = new Database(file);
      db.prepare('UPDATE views SET body = \'{"environments":{},"deployments":{}}\' WHERE name = ?').run(
        ENDPOINT_INVENTORY,
      );
      db.close();

      const reopened = new ProjectionRunner(store, file, ALL_PROJECTIONS);
      const report = await reopened.rebuild();
      expect(report.filter((r) => !r.equal).map((r) => r.name)).toEqual([ENDPOINT_INVENTORY]);
      expect(reopened.view(endpointInventoryProjection)).toEqual(truth);
      reopened.close();
    } finally {
      runner.close();
      await store.close();
    }
  });

  it('brings a newly added view up from the start without applying anything twice to the others', async () => {
    const { store, file, ids } = setUp();
    await record(store, firstDay(ids));
    const first = new ProjectionRunner(store, file, [auditLogProjection]);
    await first.catchUp();
    first.close();
    await record(store, secondDay(ids));

    const runner = new ProjectionRunner(store, file, ALL_PROJECTIONS, { pageSize: 4 });
    try {
      await runner.catchUp();
      expect(runner.view(auditLogProjection).entries).toHaveLength(
        firstDay(ids).length + secondDay(ids).length,
      );
      expect(runner.view(deploymentHistoryProjection).order).toEqual([ids.prod, ids.staging, ids.prodAgain]);
      expect((await runner.rebuild()).every((r) => r.equal)).toBe(true);
    } finally {
      runner.close();
      await store.close();
    }
  });

  it('stops at a stored domain event that fails its schema and keeps the views before it', async () => {
    const { store, file, ids } = setUp();
    await record(store, firstDay(ids).slice(0, 3));
    await store.append(
      `deployment-${ids.prod}`,
      [{ type: 'EndpointProvisioned', data: { resource: 'api' }, metadata: { actor: 'someone' } }],
      { expectedRevision: 'any' },
    );
    const runner = new ProjectionRunner(store, file, ALL_PROJECTIONS);
    try {
      await expect(runner.catchUp()).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(runner.position(AUDIT_LOG)).toBe(3n);
      expect(runner.view(auditLogProjection).entries).toHaveLength(3);
    } finally {
      runner.close();
      await store.close();
    }
  });
});
