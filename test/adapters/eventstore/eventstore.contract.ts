import { randomUUID } from 'node:crypto';
import { ConcurrencyConflict, ValidationFailed } from '../../../src/domain/errors';
import type {
  EventStore,
  NewEvent,
  RecordedEvent,
  Subscription,
} from '../../../src/adapters/eventstore/eventstore.port';
import { runLedgerChild } from '../../support/ledger-processes';

/** A store under test plus the FLASH_LEDGER value that lets another process open the same ledger. */
export interface StoreFixture {
  store: EventStore;
  ledger: string;
  /** Another instance on the same ledger, as a second process would have. */
  reopen(): Promise<EventStore>;
}

const ev = (type: string, data: Record<string, unknown> = {}, id?: string): NewEvent => ({
  ...(id ? { id } : {}),
  type,
  data,
  metadata: { actor: 'user:test' },
});

const stream = (): string => `deployment-${randomUUID()}`;

async function expectConflict(promise: Promise<unknown>, actual: string): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConcurrencyConflict);
  expect((error as ConcurrencyConflict).code).toBe('CONCURRENCY_CONFLICT');
  expect((error as ConcurrencyConflict).actual).toBe(actual);
}

/**
 * Takes events from a subscription until `count` of them belong to `streamName`, without ending it
 * (a `for await` that breaks would close the subscription).
 */
async function take(sub: Subscription, streamName: string, count: number): Promise<RecordedEvent[]> {
  const got: RecordedEvent[] = [];
  const iterator = sub[Symbol.asyncIterator]();
  while (got.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    if (next.value.stream === streamName) got.push(next.value);
  }
  return got;
}

/** The one suite every EventStore implementation passes. */
export function eventStoreContract(name: string, makeFixture: () => Promise<StoreFixture>): void {
  describe(`event store contract: ${name}`, () => {
    let fx: StoreFixture;
    let store: EventStore;

    beforeAll(async () => {
      fx = await makeFixture();
      store = fx.store;
    });
    afterAll(async () => {
      await store.close();
    });

    describe('expected revision', () => {
      it('no_stream succeeds on a new stream and starts it at revision 0', async () => {
        const s = stream();
        const result = await store.append(s, [ev('DeploymentRequested')], { expectedRevision: 'no_stream' });
        expect(result.nextRevision).toBe(0n);
        expect(result.position).toBeGreaterThanOrEqual(0n);
      });

      it('no_stream fails when the stream exists', async () => {
        const s = stream();
        await store.append(s, [ev('DeploymentRequested')], { expectedRevision: 'no_stream' });
        await expectConflict(
          store.append(s, [ev('DeploymentRequested')], { expectedRevision: 'no_stream' }),
          '0',
        );
      });

      it('stream_exists succeeds on an existing stream', async () => {
        const s = stream();
        await store.append(s, [ev('DeploymentRequested')], { expectedRevision: 'no_stream' });
        const result = await store.append(s, [ev('EndpointProvisioned')], {
          expectedRevision: 'stream_exists',
        });
        expect(result.nextRevision).toBe(1n);
      });

      it('stream_exists fails on a missing stream', async () => {
        await expectConflict(
          store.append(stream(), [ev('EndpointProvisioned')], { expectedRevision: 'stream_exists' }),
          'no_stream',
        );
      });

      it('an exact revision succeeds when it is the last one', async () => {
        const s = stream();
        await store.append(s, [ev('A'), ev('B')], { expectedRevision: 'no_stream' });
        const result = await store.append(s, [ev('C')], { expectedRevision: 1n });
        expect(result.nextRevision).toBe(2n);
      });

      it('an exact revision fails when it is stale, and on a missing stream', async () => {
        const s = stream();
        await store.append(s, [ev('A'), ev('B')], { expectedRevision: 'no_stream' });
        await expectConflict(store.append(s, [ev('C')], { expectedRevision: 0n }), '1');
        await expectConflict(store.append(stream(), [ev('C')], { expectedRevision: 0n }), 'no_stream');
      });

      it('any succeeds whether or not the stream exists', async () => {
        const s = stream();
        expect((await store.append(s, [ev('A')], { expectedRevision: 'any' })).nextRevision).toBe(0n);
        expect((await store.append(s, [ev('B')], { expectedRevision: 'any' })).nextRevision).toBe(1n);
      });

      it('a rejected append leaves the stream exactly as it was, and the true revision then succeeds', async () => {
        const s = stream();
        await store.append(s, [ev('A'), ev('B')], { expectedRevision: 'no_stream' });
        const before = await store.read(s);
        await expectConflict(store.append(s, [ev('X'), ev('Y'), ev('Z')], { expectedRevision: 0n }), '1');
        expect(await store.read(s)).toEqual(before);
        const result = await store.append(s, [ev('C')], { expectedRevision: 1n });
        expect(result.nextRevision).toBe(2n);
        expect((await store.read(s)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });
    });

    describe('reading', () => {
      it('reads a missing stream as no events', async () => {
        expect(await store.read(stream())).toEqual([]);
      });

      it('keeps events in append order, forwards, backwards, from a revision and with a limit', async () => {
        const s = stream();
        await store.append(s, [ev('A'), ev('B')], { expectedRevision: 'no_stream' });
        await store.append(s, [ev('C')], { expectedRevision: 1n });
        await store.append(s, [ev('D'), ev('E')], { expectedRevision: 2n });
        const all = await store.read(s);
        expect(all.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D', 'E']);
        expect(all.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
        for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
        expect((await store.read(s, { direction: 'backwards' })).map((e) => e.type)).toEqual([
          'E',
          'D',
          'C',
          'B',
          'A',
        ]);
        expect((await store.read(s, { from: 2n, limit: 2 })).map((e) => e.type)).toEqual(['C', 'D']);
        expect(
          (await store.read(s, { from: 3n, direction: 'backwards', limit: 2 })).map((e) => e.type),
        ).toEqual(['D', 'C']);
      });

      it('records the envelope: id, type, data, metadata with defaults, stream, revision, position, time', async () => {
        const s = stream();
        const id = randomUUID();
        const causedBy = randomUUID();
        const written = {
          id,
          type: 'UrlCollected',
          data: { resource: 'gpu_worker', url: 'http://x/v2/ep1', n: [1, { a: null }] },
          metadata: {
            actor: 'reactor:provisioning',
            correlationId: 'corr-1',
            causationId: causedBy,
            schemaVersion: 2,
          },
        };
        await store.append(s, [written, ev('KeyInjected', { resource: 'gpu_worker' })], {
          expectedRevision: 'no_stream',
        });
        const [first, second] = await store.read(s);
        expect(first).toMatchObject({ ...written, stream: s, revision: 0n });
        expect(Number.isNaN(Date.parse(first!.recordedAt))).toBe(false);
        expect(second!.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(second!.metadata).toEqual({
          actor: 'user:test',
          correlationId: second!.id,
          causationId: second!.id,
          schemaVersion: 1,
        });
      });

      it('readAll returns the ledger in position order from an inclusive position', async () => {
        const s = stream();
        const first = await store.append(s, [ev('A')], { expectedRevision: 'no_stream' });
        await store.append(s, [ev('B'), ev('C')], { expectedRevision: 0n });
        const page = (await store.readAll({ fromPosition: first.position, limit: 1000 })).filter(
          (e) => e.stream === s,
        );
        expect(page.map((e) => e.type)).toEqual(['A', 'B', 'C']);
        const limited = await store.readAll({ fromPosition: first.position, limit: 1 });
        expect(limited).toHaveLength(1);
        expect(limited[0]!.position).toBe(first.position);
      });
    });

    describe('idempotent retry', () => {
      it('appending the same event ids again writes nothing twice and answers as the first time', async () => {
        const s = stream();
        const batch = [ev('A', {}, randomUUID()), ev('B', {}, randomUUID())];
        const first = await store.append(s, batch, { expectedRevision: 'no_stream' });
        const retry = await store.append(s, batch, { expectedRevision: 'no_stream' });
        expect(retry).toEqual(first);
        expect((await store.read(s)).map((e) => e.type)).toEqual(['A', 'B']);
      });
    });

    describe('bad input', () => {
      it.each([
        ['a type that is not PascalCase', [ev('endpoint provisioned')]],
        ['an id that is not a uuid', [ev('A', {}, 'not-a-uuid')]],
        ['data that is not an object', [{ type: 'A', data: [1, 2], metadata: { actor: 'x' } }]],
        ['data JSON cannot hold', [ev('A', { big: 1n })]],
        ['metadata without an actor', [{ type: 'A', data: {}, metadata: {} }]],
      ])('rejects %s with VALIDATION_FAILED and writes nothing', async (_label, events) => {
        const s = stream();
        await store.append(s, [ev('Before')], { expectedRevision: 'no_stream' });
        const error: unknown = await store
          .append(s, [ev('Good'), ...(events as NewEvent[])], { expectedRevision: 0n })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(error).toBeInstanceOf(ValidationFailed);
        expect((error as ValidationFailed).code).toBe('VALIDATION_FAILED');
        expect((error as ValidationFailed).message).toContain(s);
        expect((await store.read(s)).map((e) => e.type)).toEqual(['Before']);
      });

      it('rejects an append of no events', async () => {
        await expect(store.append(stream(), [], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
          ValidationFailed,
        );
      });

      it('rejects a stream name it cannot hold', async () => {
        await expect(store.append('$system', [ev('A')], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
          ValidationFailed,
        );
        await expect(
          store.append('checkpoint-x', [ev('A')], { expectedRevision: 'any' }),
        ).rejects.toBeInstanceOf(ValidationFailed);
      });
    });

    describe('subscriptions and checkpoints', () => {
      it('catches up from a checkpoint, then follows live appends', async () => {
        const s = stream();
        const marker = await store.append(s, [ev('Marker')], { expectedRevision: 'no_stream' });
        await store.append(s, [ev('A'), ev('B')], { expectedRevision: 0n });
        const sub = store.subscribeToAll({ fromPosition: marker.position });
        try {
          expect((await take(sub, s, 2)).map((e) => e.type)).toEqual(['A', 'B']);
          const live = take(sub, s, 2);
          await store.append(s, [ev('C')], { expectedRevision: 2n });
          await store.append(s, [ev('D')], { expectedRevision: 3n });
          expect((await live).map((e) => e.type)).toEqual(['C', 'D']);
        } finally {
          await sub.close();
        }
      });

      it('follows appends made by another instance of the store', async () => {
        const s = stream();
        const marker = await store.append(s, [ev('Marker')], { expectedRevision: 'no_stream' });
        const other = await fx.reopen();
        const sub = store.subscribeToAll({ fromPosition: marker.position });
        try {
          const live = take(sub, s, 1);
          await other.append(s, [ev('FromOther')], { expectedRevision: 0n });
          expect((await live).map((e) => e.type)).toEqual(['FromOther']);
        } finally {
          await sub.close();
          await other.close();
        }
      });

      it('resumes from a saved checkpoint after a restart', async () => {
        const s = stream();
        const subscriber = `test-${randomUUID()}`;
        const marker = await store.append(s, [ev('Marker')], { expectedRevision: 'no_stream' });
        await store.append(s, [ev('A'), ev('B'), ev('C')], { expectedRevision: 0n });
        expect(await store.checkpoints.load(subscriber)).toBeUndefined();
        const first = store.subscribeToAll({ fromPosition: marker.position });
        const handled = await take(first, s, 2);
        await store.checkpoints.save(subscriber, handled[1]!.position);
        await first.close();

        const checkpoint = await store.checkpoints.load(subscriber);
        expect(checkpoint).toBe(handled[1]!.position);
        const resumed = store.subscribeToAll({ fromPosition: checkpoint });
        try {
          expect((await take(resumed, s, 1)).map((e) => e.type)).toEqual(['C']);
        } finally {
          await resumed.close();
        }
      });

      it('closing a subscription ends a pending read', async () => {
        const s = stream();
        const marker = await store.append(s, [ev('Marker')], { expectedRevision: 'no_stream' });
        const sub = store.subscribeToAll({ fromPosition: marker.position });
        const pending = take(sub, s, 1);
        await new Promise((r) => setTimeout(r, 100));
        await sub.close();
        expect(await pending).toEqual([]);
      });
    });

    describe('two processes', () => {
      it('appending to one stream at the same revisions: exactly one process wins each revision', async () => {
        const s = stream();
        const count = 40;
        const startAt = Date.now() + 1500;
        const [a, b] = await Promise.all(
          ['a', 'b'].map((writer) =>
            runLedgerChild({ ledger: fx.ledger, mode: 'contend', stream: s, count, startAt, writer }),
          ),
        );
        const wonA = (a!.at(-1)!.won as number[]) ?? [];
        const wonB = (b!.at(-1)!.won as number[]) ?? [];
        expect(wonA.filter((r) => wonB.includes(r))).toEqual([]);
        expect([...wonA, ...wonB].sort((x, y) => x - y)).toEqual(Array.from({ length: count }, (_, i) => i));
        const events = await store.read(s);
        expect(events.map((e) => e.revision)).toEqual(Array.from({ length: count }, (_, i) => BigInt(i)));
        for (const e of events) {
          const winner = wonA.includes(Number(e.revision)) ? 'a' : 'b';
          expect(e.data).toEqual({ writer: winner, i: Number(e.revision) });
        }
      });

      it('appending with any from two processes keeps every event, each at its own revision', async () => {
        const s = stream();
        const count = 50;
        const startAt = Date.now() + 1500;
        await Promise.all(
          ['a', 'b'].map((writer) =>
            runLedgerChild({ ledger: fx.ledger, mode: 'any', stream: s, count, startAt, writer }),
          ),
        );
        const events = await store.read(s);
        expect(events).toHaveLength(2 * count);
        expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 2 * count }, (_, i) => BigInt(i)));
        for (const writer of ['a', 'b']) {
          expect(events.filter((e) => e.data.writer === writer).map((e) => e.data.i)).toEqual(
            Array.from({ length: count }, (_, i) => i),
          );
        }
      });

      it('a subscriber in this process sees appends made by another process', async () => {
        const s = stream();
        const marker = await store.append(s, [ev('Marker')], { expectedRevision: 'no_stream' });
        const sub = store.subscribeToAll({ fromPosition: marker.position });
        try {
          const live = take(sub, s, 5);
          await runLedgerChild({
            ledger: fx.ledger,
            mode: 'any',
            stream: s,
            count: 5,
            startAt: 0,
            writer: 'child',
          });
          expect((await live).map((e) => e.data.i)).toEqual([0, 1, 2, 3, 4]);
        } finally {
          await sub.close();
        }
      });
    });
  });
}
