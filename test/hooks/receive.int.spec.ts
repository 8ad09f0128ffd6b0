import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore, RecordedEvent } from '../../src/adapters/eventstore/eventstore.port';
import { toExternalEvent } from '../../src/domain/domain-events';
import { addHookSource } from '../../src/ledger/hooks-config';
import { deliveryEventId, openHookStore, receiveHook, type HookDelivery } from '../../src/ledger/hooks';
import { Ledger } from '../../src/ledger/ledger';
import { tempDir } from '../support/ledger-processes';
import {
  GENERIC_SECRET,
  GITHUB_SECRET,
  JOB,
  NOW,
  NOW_SECONDS,
  PUSH,
  RUNPOD_SECRET,
  genericDelivery,
  githubDelivery,
  runpodDelivery,
} from './hook-fixtures';

/** Every file under `dir`, as text (the ledger's SQLite files included). */
function filesText(dir: string): string {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((p) => statSync(p).isFile())
    .map((p) => readFileSync(p).toString('latin1'))
    .join('\n');
}

/** Everything a delivery carries that must never be stored: the secrets, its signature, its token. */
function secretsOf(d: HookDelivery): string[] {
  const values = [d.headers['x-hub-signature-256'], d.headers['x-flash-signature'], d.query.token];
  return values.flatMap((v) => (typeof v === 'string' && v.length > 8 ? [v, v.replace(/^sha256=/, '')] : []));
}

describe('receiveHook on the real embedded ledger', () => {
  const home = tempDir('flash-hooks-');
  const storeHome = join(home, 'store'); // ledger.db apart from hooks/, to scan it alone
  let store: EventStore;
  const all = async (): Promise<RecordedEvent[]> => store.readAll({ limit: 100_000 });
  const receive = (d: HookDelivery, now = NOW) => receiveHook(store, d, { now, home });

  beforeAll(async () => {
    addHookSource('github', GITHUB_SECRET, home);
    addHookSource('runpod', RUNPOD_SECRET, home);
    addHookSource('generic', GENERIC_SECRET, home);
    store = await openHookStore({ home: storeHome });
  });
  afterAll(async () => store.close());

  it('records a verified github push once, with its fields and the derived id; a redelivery writes nothing and gets the same answer', async () => {
    const before = await all();
    const d = githubDelivery();
    const first = await receive(d);
    const eventId = deliveryEventId('github', '72d3162e-cc78-11e3-81ab-4c9367dc0958');
    expect(first).toEqual({
      status: 200,
      body: { ok: true, source: 'github', deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958', eventId },
    });
    const after = await all();
    expect(after).toHaveLength(before.length + 1);
    const recorded = after[after.length - 1] as RecordedEvent;
    expect(recorded).toMatchObject({
      id: eventId,
      stream: 'external-github',
      type: 'GithubPushReceived',
      metadata: { actor: 'external:github', schemaVersion: 1 },
    });
    expect(toExternalEvent({ ...recorded })).toEqual({
      type: 'GithubPushReceived',
      data: {
        deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
        receivedAt: NOW.toISOString(),
        repository: 'octo/shop',
        ref: 'refs/heads/main',
        branch: 'main',
        after: PUSH.after,
        deleted: false,
        pusher: 'octocat',
        headCommitMessage: 'Ship the cart',
      },
    });

    // GitHub redelivers with the same delivery id (later, with a new signature of the same body)
    const again = await receive(githubDelivery(), new Date(NOW.getTime() + 60_000));
    expect(again).toEqual(first);
    expect(await all()).toEqual(after);
  });

  it('records nothing for any rejected delivery', async () => {
    const before = await all();
    const tooBig = githubDelivery();
    tooBig.body = Buffer.alloc(1024 * 1024 + 1, 0x7b);
    const rejected: [HookDelivery, number, string][] = [
      [{ ...githubDelivery(), source: 'gitlab' }, 404, 'HOOK_SOURCE_UNKNOWN'],
      [tooBig, 413, 'HOOK_PAYLOAD_TOO_LARGE'],
      [githubDelivery(PUSH, { signature: null }), 401, 'HOOK_SIGNATURE_INVALID'],
      [githubDelivery(PUSH, { secret: GENERIC_SECRET }), 401, 'HOOK_SIGNATURE_INVALID'],
      [githubDelivery('{oops'), 400, 'HOOK_PAYLOAD_INVALID'],
      [githubDelivery({ ref: 'refs/heads/x' }), 400, 'HOOK_PAYLOAD_INVALID'],
      [genericDelivery(undefined, { timestamp: NOW_SECONDS - 301 }), 401, 'HOOK_TIMESTAMP_STALE'],
      [genericDelivery(undefined, { signature: null }), 401, 'HOOK_SIGNATURE_INVALID'],
      [genericDelivery(undefined, { id: null }), 400, 'HOOK_PAYLOAD_INVALID'],
      [genericDelivery({ nope: 1 }), 400, 'HOOK_PAYLOAD_INVALID'],
      [runpodDelivery(JOB, { token: null }), 401, 'HOOK_SIGNATURE_INVALID'],
      [runpodDelivery(JOB, { token: GITHUB_SECRET }), 401, 'HOOK_SIGNATURE_INVALID'],
      [runpodDelivery('[]'), 400, 'HOOK_PAYLOAD_INVALID'],
    ];
    for (const [d, status, code] of rejected) {
      const answer = await receive(d);
      expect({ status: answer.status, code: (answer.body.error as { code: string }).code }).toEqual({
        status,
        code,
      });
      expect(JSON.stringify(answer)).not.toContain(GITHUB_SECRET);
    }
    // ping and other github events are answered without recording
    expect((await receive(githubDelivery({ zen: 'z' }, { event: 'ping', id: 'ping-1' }))).status).toBe(200);
    expect((await receive(githubDelivery({}, { event: 'star', id: 'star-1' }))).status).toBe(202);
    expect(await all()).toEqual(before);
  });

  it('records generic and runpod (job and endpoint) deliveries as their kinds', async () => {
    const g = await receive(genericDelivery());
    const job = await receive(runpodDelivery());
    const endpoint = await receive(
      runpodDelivery(
        { event: 'endpoint.updated', endpointId: 'ep-9', name: 'shop-api' },
        { id: 'ep-change-1' },
      ),
    );
    expect([g.status, job.status, endpoint.status]).toEqual([200, 200, 200]);
    expect(job.body).toMatchObject({
      deliveryId: `${JOB.id}:FAILED`,
      eventId: deliveryEventId('runpod', `${JOB.id}:FAILED`),
    });
    const events = await all();
    const byStream = (s: string) => events.filter((e) => e.stream === s).map((e) => toExternalEvent(e));
    expect(byStream('external-generic')).toEqual([
      {
        type: 'GenericEventReceived',
        data: expect.objectContaining({
          deliveryId: 'gen-0001',
          eventType: 'build.finished',
          payload: { ok: true, n: 3 },
        }),
      },
    ]);
    expect(byStream('external-runpod')).toEqual([
      {
        type: 'RunpodJobReported',
        data: expect.objectContaining({
          jobId: JOB.id,
          status: 'FAILED',
          error: 'CUDA out of memory',
          executionTime: 4500,
        }),
      },
      {
        type: 'RunpodEndpointChanged',
        data: expect.objectContaining({
          change: 'updated',
          endpointId: 'ep-9',
          name: 'shop-api',
          deliveryId: 'ep-change-1',
        }),
      },
    ]);
    expect(events.filter((e) => e.stream.startsWith('external-')).map((e) => e.metadata.actor)).toEqual([
      'external:github',
      'external:generic',
      'external:runpod',
      'external:runpod',
    ]);
  });

  it('never stores a secret, signature, token or job output', async () => {
    const deliveries = [githubDelivery(), genericDelivery(), runpodDelivery()];
    const forbidden = [
      GITHUB_SECRET,
      RUNPOD_SECRET,
      GENERIC_SECRET,
      'PRIVATE-OUTPUT',
      ...deliveries.flatMap(secretsOf),
    ];
    expect(forbidden.length).toBeGreaterThan(6);
    const events = JSON.stringify(await all(), (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    const files = filesText(storeHome);
    for (const text of forbidden) {
      expect(events).not.toContain(text);
      expect(files).not.toContain(text);
    }
  });

  it('works with the door: ledger.store of an open Ledger is a HookStore', async () => {
    const other = tempDir('flash-hooks-door-');
    addHookSource('github', GITHUB_SECRET, other);
    const ledger = await Ledger.open({ home: other });
    try {
      const answer = await receiveHook(ledger.store, githubDelivery(PUSH, { id: 'door-1' }), {
        now: NOW,
        home: other,
      });
      expect(answer.status).toBe(200);
      expect((await ledger.store.read('external-github')).map((e) => e.id)).toEqual([
        deliveryEventId('github', 'door-1'),
      ]);
    } finally {
      await ledger.close();
    }
  });

  it('answers 404 HOOK_NOT_CONFIGURED for a known source without a secret', async () => {
    const bare = tempDir('flash-hooks-bare-');
    const answer = await receiveHook(store, githubDelivery(), { now: NOW, home: bare });
    expect(answer).toMatchObject({ status: 404, body: { error: { code: 'HOOK_NOT_CONFIGURED' } } });
  });
});
